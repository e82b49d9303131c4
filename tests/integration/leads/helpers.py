"""Builders and probes shared by the lead store tests."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.facts import Authority, Budget, EmailCheck, Need, Timeline
from bot.leads.models import ALL_TABLES
from bot.leads.service import ConsentInput, LeadInput, ScoreRecord, TranscriptEntry

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
TABLE_NAMES = frozenset(table.name for table in ALL_TABLES)


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def email(address: str, status: str = "ok") -> EmailCheck:
    return EmailCheck(raw=address, status=status, normalized=address.strip().lower())  # type: ignore[arg-type]


def budget(amount: str | None, status: str = "amount", raw: str | None = None) -> Budget:
    return Budget(
        raw=raw or (f"about {amount} EUR a year" if amount else "not sure"),
        status=status,  # type: ignore[arg-type]
        amount=None if amount is None else Decimal(amount),
        currency="EUR" if amount else None,
        period="year" if amount else None,
    )


def score(points: int, route: str = "handoff", version: int = 1) -> ScoreRecord:
    grade = "A" if points >= 80 else "B" if points >= 60 else "C"
    return ScoreRecord(
        score=points,
        grade=grade,
        route=route,  # type: ignore[arg-type]
        rubric_version=version,
        breakdown=[{"criterion": "budget", "points": points, "evidence": "about 20k"}],
    )


def full_input(
    conversation_id: str, address: str | None = "jane@acme.io", **changes: Any
) -> LeadInput:
    """A whole qualified conversation: facts, contact, score, page context, transcript."""
    values: dict[str, Any] = {
        "conversation_id": conversation_id,
        "budget": budget("20000"),
        "authority": Authority(
            raw="I'm the CTO", level="decision_maker", decision_maker=True, role="CTO"
        ),
        "need": Need(
            raw="we lose leads at night", level="concrete", summary="after-hours lead capture"
        ),
        "timeline": Timeline(raw="next quarter", status="date", months=3.0),
        "name": "Jane Doe",
        "company": "Acme",
        "email": None if address is None else email(address),
        "score": score(82),
        "source": {
            "page_url": "https://acme.example/pricing",
            "referrer": "https://www.google.com/",
            "utm_source": "google",
            "utm_medium": "cpc",
            "utm_campaign": "spring",
            "time_zone": "Europe/Berlin",
        },
        "transcript": [
            TranscriptEntry(seq=0, sender="visitor", text="hi", at=at(0)),
            TranscriptEntry(seq=1, sender="bot", text="Hello! What brings you here?", at=at(0.1)),
        ],
        "consents": [
            ConsentInput(kind="privacy_notice", notice_version="2026-01", given_at=at(0.2))
        ],
    }
    values.update(changes)
    return LeadInput(**values)


async def count_rows(engine: AsyncEngine) -> dict[str, int]:
    """Rows in every lead store table."""
    async with engine.connect() as connection:
        return {
            table.name: int(
                (await connection.execute(select(func.count()).select_from(table))).scalar_one()
            )
            for table in ALL_TABLES
        }
