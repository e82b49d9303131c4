"""Drives one simulated visitor through the real bot and collects what happened.

Messages go through Rasa's REST channel, as the web app forwards them; after each one
the tracker (Rasa's HTTP API, with the token) says what the bot did and what it waits for,
and at the end the lead store says what was kept. Several conversations run at once on
one aiohttp session.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import aiohttp

from bot.leads.db import make_engine, make_session_factory
from bot.leads.repository import LeadFilter
from bot.leads.service import list_leads
from bot.leads.unit_of_work import SqlAlchemyUnitOfWork
from tests.conversations.simulator.observe import TurnView, read_turn
from tests.conversations.simulator.phrasings import Fact, Phrasings
from tests.conversations.simulator.visitor import Plan, Visitor

MAX_TURNS = 25


class RasaClient:
    """Rasa's REST channel (what the visitor says) and HTTP API (what the bot did)."""

    def __init__(self, session: aiohttp.ClientSession, rasa_url: str, token: str) -> None:
        self._session = session
        self._url = rasa_url.rstrip("/")
        self._token = token

    async def say(self, sender: str, text: str, metadata: dict[str, Any]) -> None:
        body = {"sender": sender, "message": text, "metadata": metadata}
        async with self._session.post(
            f"{self._url}/webhooks/rest/webhook", json=body, params={"token": self._token}
        ) as resp:
            resp.raise_for_status()
            await resp.read()

    async def tracker(self, sender: str) -> dict[str, Any]:
        async with self._session.get(
            f"{self._url}/conversations/{sender}/tracker", params={"token": self._token}
        ) as resp:
            resp.raise_for_status()
            data: dict[str, Any] = await resp.json()
            return data


class LeadStore:
    """Reads the stored lead of a conversation (leads API shape) from the lead database."""

    def __init__(self, database_url: str) -> None:
        self._engine = make_engine(database_url)
        self._sessions = make_session_factory(self._engine)

    async def lead(self, conversation_id: str) -> dict[str, Any] | None:
        page = await list_leads(
            SqlAlchemyUnitOfWork(self._sessions), LeadFilter(conversation_id=conversation_id)
        )
        return page.items[0] if page.items else None

    async def close(self) -> None:
        await self._engine.dispose()


@dataclass(frozen=True)
class Turn:
    visitor: str
    bot: TurnView


@dataclass
class Conversation:
    """One simulated conversation: the plan, every turn, what was said and what was kept."""

    plan: Plan
    sender: str
    turns: list[Turn] = field(default_factory=list)
    given: dict[str, Fact] = field(default_factory=dict)
    volunteered: frozenset[str] = frozenset()
    ended: str = "not started"  # "lead", "exit", "turn limit", "error: ..."
    lead: dict[str, Any] | None = None


async def run_conversation(
    rasa: RasaClient, leads: LeadStore, plan: Plan, phrasings: Phrasings, max_turns: int = MAX_TURNS
) -> Conversation:
    """Plays the plan until a lead is stored, the bot says goodbye, or max_turns pass."""
    record = Conversation(plan=plan, sender=f"sim-{phrasings.name}-{plan.seed}")
    visitor = Visitor(plan, phrasings)
    metadata = {"time_zone": plan.persona.time_zone}
    text = visitor.opening()
    record.ended = "turn limit"
    try:
        for index in range(max_turns):
            await rasa.say(record.sender, text, metadata)
            view = read_turn(await rasa.tracker(record.sender), index)
            record.turns.append(Turn(text, view))
            if view.lead_route:
                record.ended = "lead"
                break
            if view.said_goodbye:
                record.ended = "exit"
                break
            asked = view.waiting_for or (view.asked[-1] if view.asked else None)
            if asked is None and await leads.lead(record.sender) is not None:
                record.ended = "lead"
                break
            text = visitor.reply(asked, view.last_text, view.buttons, view.not_understood)
        record.lead = await leads.lead(record.sender)
    except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
        record.ended = f"error: {type(exc).__name__}: {exc}"
    record.given = dict(visitor.given)
    record.volunteered = frozenset(visitor.volunteered)
    return record


async def run_many(
    rasa: RasaClient,
    leads: LeadStore,
    plans: Sequence[Plan],
    phrasings: Phrasings,
    concurrency: int,
) -> list[Conversation]:
    """All plans, `concurrency` conversations at a time, results in the plans' order."""
    gate = asyncio.Semaphore(concurrency)

    async def one(plan: Plan) -> Conversation:
        async with gate:
            return await run_conversation(rasa, leads, plan, phrasings)

    return list(await asyncio.gather(*(one(plan) for plan in plans)))
