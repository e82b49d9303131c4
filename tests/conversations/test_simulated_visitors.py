"""A fixed sample of simulated visitors (issue 11) against the real Rasa and action server.

Forty seeds on the dev phrasings (the held-out ones are kept for `make eval`). One run
feeds two tests: the simulator itself works (every visitor played, nothing crashed), and
every conversation keeps the invariants. The figures are printed (`pytest -s`) and
recorded as the test's `simulator_figures` property; each failing conversation's seed and
transcript is in the assertion message. Replay one with
`SIM_SET=dev SIM_SEEDS=<seed> SIM_ONLY=1 make eval`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.scoring import load_rubric
from tests.conversations.simulator.invariants import Outcome
from tests.conversations.simulator.phrasings import PHRASINGS_DIR, load_phrasings
from tests.conversations.simulator.report import figures, format_figures, transcript
from tests.conversations.simulator.suite import seeds_from, simulate
from tests.conversations.simulator.visitor import OPENING_STYLES
from tests.support.stack import Stack

pytestmark = pytest.mark.rasa
ROOT = Path(__file__).resolve().parents[2]
PHRASINGS_SET = "dev"
SAMPLE = seeds_from(5000, 40)
CONCURRENCY = 4


@pytest.fixture(scope="module")
def outcomes(stack: Stack, lead_store_url: str) -> list[Outcome]:
    played = asyncio.run(
        simulate(
            rasa_url=stack.rasa_url,
            token=stack.token,
            database_url=lead_store_url,
            phrasings=load_phrasings(PHRASINGS_DIR / PHRASINGS_SET),
            rubric=load_rubric(ROOT / "scoring.yml"),
            seeds=SAMPLE,
            concurrency=CONCURRENCY,
        )
    )
    print()
    print(format_figures(figures(played), f"Simulated visitors ({PHRASINGS_SET}, {len(SAMPLE)})"))
    return played


def test_every_simulated_visitor_was_played(outcomes: list[Outcome]) -> None:
    assert [o.conversation.plan.seed for o in outcomes] == SAMPLE
    errors = [o.conversation.ended for o in outcomes if o.conversation.ended.startswith("error")]
    assert not errors
    assert all(o.conversation.turns for o in outcomes)
    assert {o.conversation.plan.opening_style for o in outcomes} == set(OPENING_STYLES)


@pytest.mark.xfail(
    strict=False,
    reason="issue 11: today's conversation breaks these invariants (dead ends, loops, wrong "
    "facts); the fixes are under way and this mark goes when they land",
)
def test_simulated_visitors_keep_every_invariant(
    outcomes: list[Outcome], record_property: Callable[[str, object], None]
) -> None:
    record_property("simulator_figures", figures(outcomes).to_dict())
    failing = [o for o in outcomes if not o.ok]
    assert not failing, (
        f"{len(failing)} of {len(outcomes)} conversations broke an invariant:\n\n"
        + ("\n\n".join(transcript(o) for o in failing))
    )
