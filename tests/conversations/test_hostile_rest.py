"""Hostile messages through Rasa's REST channel to the real action server: Rasa answers
every one, the action server stays up, and the leads it stored read back as cleaned.

Messages are capped at 2,000 characters: the public door (the gateway) caps them before
Rasa, whose email regex is quadratic on long text (ARCHITECTURE.md). Sender ids are ours.
"""

from __future__ import annotations

import asyncio
import os
import urllib.request

import pytest

from bot.leads import clean
from bot.leads.db import make_engine, make_session_factory
from bot.leads.repository import LeadFilter
from bot.leads.service import lead_detail, list_leads
from bot.leads.unit_of_work import SqlAlchemyUnitOfWork
from tests.hostile.generate import Hostile
from tests.support.stack import Stack

pytestmark = pytest.mark.rasa
SEED = int(os.environ.get("LEADBOT_HOSTILE_SEED", "15"))
MESSAGES = int(os.environ.get("LEADBOT_HOSTILE_REST_MESSAGES", "240"))
MAX_MESSAGE = 2_000


def qualification(gen: Hostile, n: int) -> list[str]:
    """A conversation that qualifies, every answer wrapped in hostile text."""
    noise = [gen.text(2)[:40] for _ in range(4)]
    return [
        f"I'm the CTO at Acme{noise[0]}, 50k budget, need it by March",
        f"we need to qualify demo requests automatically {noise[1]}",
        f"Ada Lovelace{noise[2]}",
        f"hostile.rest.{n}@northwind.io",
    ]


def test_hostile_messages_through_the_rest_channel(stack: Stack, lead_store_url: str) -> None:
    gen = Hostile(SEED)
    sent: dict[str, list[str]] = {}
    answered = 0
    for n in range(MESSAGES // 6):
        sender = f"hostile-rest-{SEED}-{n}"
        texts = [gen.text()[:MAX_MESSAGE] or "hi", gen.text()[:MAX_MESSAGE] or "hi"]
        if n % 2 == 0:
            texts += qualification(gen, n)
        metadata = {"page_url": gen.text()[:500], "utm_source": gen.text(2)[:200]}
        for text in texts:
            stack.say(sender, text, metadata)  # raises on any non-2xx answer
            answered += 1
        sent[sender] = texts
    with urllib.request.urlopen(f"{stack.actions_url}/health", timeout=10) as response:
        assert response.status == 200  # the action server is still up

    stored = asyncio.run(_stored_transcripts(lead_store_url, list(sent)))
    assert stored, "no hostile conversation qualified: the run proves nothing about storage"
    for sender, visitor_texts in stored.items():
        # Rasa strips a message (UserMessage: text.strip()); a blank one is no message.
        expected = [clean.text(text.strip()) for text in sent[sender] if text.strip()]
        assert visitor_texts == expected[: len(visitor_texts)], sender
    print(f"\nREST channel: {answered} hostile messages answered, {len(stored)} leads stored")


async def _stored_transcripts(url: str, senders: list[str]) -> dict[str, list[str]]:
    engine = make_engine(url)
    try:
        new_uow = lambda: SqlAlchemyUnitOfWork(make_session_factory(engine))  # noqa: E731
        found: dict[str, list[str]] = {}
        for sender in senders:
            page = await list_leads(new_uow(), LeadFilter(conversation_id=sender))
            if not page.items:
                continue
            detail = await lead_detail(new_uow(), page.items[0]["id"])
            assert detail is not None
            [conversation] = [c for c in detail["conversations"] if c["id"] == sender]
            found[sender] = [
                m["text"] for m in conversation["transcript"] if m["sender"] == "visitor"
            ]
        return found
    finally:
        await engine.dispose()
