"""Runs a batch of simulated visitors against a running bot and checks each conversation.

Shared by `make eval` (bench/simulate.py, 300+ conversations on the held-out phrasings)
and `make test` (tests/conversations/test_simulated_visitors.py, a fixed sample).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timezone

import aiohttp

from bot.scoring import Rubric
from tests.conversations.simulator.invariants import Outcome, check
from tests.conversations.simulator.phrasings import Phrasings
from tests.conversations.simulator.run import LeadStore, RasaClient, run_many
from tests.conversations.simulator.visitor import compose

DEFAULT_CONCURRENCY = 6
REQUEST_TIMEOUT_S = 120.0  # a loaded 2-core machine: Rasa answers one message at a time


def seeds_from(first: int, count: int) -> list[int]:
    return list(range(first, first + count))


async def simulate(
    *,
    rasa_url: str,
    token: str,
    database_url: str,
    phrasings: Phrasings,
    rubric: Rubric,
    seeds: Sequence[int],
    concurrency: int = DEFAULT_CONCURRENCY,
    today: date | None = None,
) -> list[Outcome]:
    """One conversation per seed, `concurrency` at a time; outcomes in the seeds' order."""
    day = today or datetime.now(timezone.utc).date()
    plans = [compose(seed, phrasings, rubric) for seed in seeds]
    leads = LeadStore(database_url)
    timeout = aiohttp.ClientTimeout(total=REQUEST_TIMEOUT_S)
    try:
        async with aiohttp.ClientSession(timeout=timeout) as session:
            rasa = RasaClient(session, rasa_url, token)
            conversations = await run_many(rasa, leads, plans, phrasings, concurrency)
    finally:
        await leads.close()
    return [check(conversation, rubric, day) for conversation in conversations]
