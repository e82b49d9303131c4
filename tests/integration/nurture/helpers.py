"""Leads as a chat leaves them: scored, routed, stored by the lead store's own use case."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.facts import EmailCheck
from bot.leads.service import LeadInput, ScoreRecord, record_lead
from bot.leads.unit_of_work import SqlAlchemyUnitOfWork
from bot.nurture.service import record_consent

WEAK_BUDGET = [
    {"criterion": criterion, "points": points, "max": 25, "rule": f"{criterion}.x", "label": "x"}
    for criterion, points in (("budget", 3), ("authority", 25), ("need", 20), ("timeline", 15))
]


async def stored_lead(
    sessions: async_sessionmaker[AsyncSession],
    conversation_id: str,
    address: str | None,
    now: datetime,
    *,
    name: str = "Sophie Laurent",
    route: str = "nurture",
    time_zone: str = "America/New_York",
    consent: str | None = "granted",
) -> str:
    """Store a lead the way the chat does, answer the email question; the lead id."""
    result = await record_lead(
        SqlAlchemyUnitOfWork(sessions),
        LeadInput(
            conversation_id=conversation_id,
            name=name,
            company="Initech",
            email=None
            if address is None
            else EmailCheck(raw=address, status="ok", normalized=address.lower()),
            score=ScoreRecord(
                score=63,
                grade="B",
                route=route,
                rubric_version=1,
                breakdown=WEAK_BUDGET,  # type: ignore[arg-type]
            ),
            source={"time_zone": time_zone},
        ),
        now=now,
    )
    if consent is not None:
        await record_consent(sessions, conversation_id, consent, "yes please", now)  # type: ignore[arg-type]
    return result.lead_id
