"""Leads for the web tests, stored through record_lead with real facts and real scores."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

from bot.bootstrap import Services
from bot.capture import score_facts
from bot.facts import Authority, Budget, EmailCheck, Need, Timeline
from bot.leads.service import (
    ConsentInput,
    LeadInput,
    ScoreRecord,
    TranscriptEntry,
    record_lead,
)

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def lead_input(
    conversation_id: str,
    email: str | None,
    *,
    budget: Budget | None,
    authority: Authority | None,
    need: Need | None,
    timeline: Timeline | None,
    start: float = 0,
    services: Services,
    **changes: Any,
) -> LeadInput:
    """A conversation's facts, scored by the project's rubric (scoring.yml)."""
    values: dict[str, Any] = {
        "conversation_id": conversation_id,
        "budget": budget,
        "authority": authority,
        "need": need,
        "timeline": timeline,
        "name": None,
        "company": None,
        "email": None
        if email is None
        else EmailCheck(
            raw=email, status="ok", normalized=email.lower(), domain=email.split("@")[1]
        ),
        "source": {
            "page_url": "https://leadbot.example/pricing",
            "referrer": "https://www.google.com/",
            "utm_source": "google",
            "utm_medium": "cpc",
            "utm_campaign": "spring",
            "time_zone": "Europe/Berlin",
        },
        "transcript": [
            TranscriptEntry(seq=0, sender="visitor", text="hi", at=at(start)),
            TranscriptEntry(
                seq=1, sender="bot", text="Hello! What brings you here?", at=at(start + 0.1)
            ),
            TranscriptEntry(
                seq=2,
                sender="visitor",
                text=budget.raw if budget else "just looking",
                at=at(start + 0.5),
            ),
        ],
        "consents": [
            ConsentInput(kind="privacy_notice", notice_version="2026-01", given_at=at(start + 0.2))
        ],
        **changes,
    }
    data = LeadInput(**values)
    score = score_facts(services.rubric, data)
    return dataclasses.replace(data, score=ScoreRecord.from_dict(score.to_dict()))


def jane(services: Services) -> LeadInput:
    """100 points: A, handoff."""
    return lead_input(
        "conv-jane",
        "Jane.Doe@Acme.io",
        budget=Budget(
            raw="about 20k EUR a year",
            status="amount",
            amount=Decimal(20000),
            currency="EUR",
            period="year",
        ),
        authority=Authority(
            raw="I'm the CTO", level="decision_maker", decision_maker=True, role="CTO"
        ),
        need=Need(
            raw="we lose leads at night", level="concrete", summary="after-hours lead capture"
        ),
        timeline=Timeline(raw="next quarter", status="date", months=3.0),
        name="Jane Doe",
        company="Acme",
        start=1,
        services=services,
    )


def bob(services: Services) -> LeadInput:
    """12 + 12 + 10 + 8 = 42 points: C, nurture."""
    return lead_input(
        "conv-bob",
        "bob@beta.io",
        budget=Budget(
            raw="2000 EUR per year",
            status="amount",
            amount=Decimal(2000),
            currency="EUR",
            period="year",
        ),
        authority=Authority(
            raw="I report to our COO", level="influencer", decision_maker=False, role="analyst"
        ),
        need=Need(raw="something for sales maybe", level="vague", summary="sales tooling"),
        timeline=Timeline(raw="in about nine months", status="date", months=9.0),
        name="Bob Beta",
        company="Beta",
        start=2,
        services=services,
    )


def carol(services: Services) -> LeadInput:
    """5 points: D, nurture; her answers look like spreadsheet formulas."""
    return lead_input(
        "conv-carol",
        "carol@gamma.io",
        budget=Budget(raw="not sure", status="unknown"),
        authority=Authority(raw="none", level="none", decision_maker=False, role="@intern"),
        need=Need(raw="-2+3", level="none", summary="-2+3"),
        timeline=Timeline(raw="no plans", status="none"),
        name='=HYPERLINK("http://evil.example","click")',
        company="+cmd|' /C calc'!A0",
        start=3,
        services=services,
        source={"page_url": "https://leadbot.example/", "utm_campaign": "@SUM(1+1)"},
    )


def dave(services: Services, conversation_id: str = "conv-dave", start: float = 4) -> LeadInput:
    """25 + 12 + 25 + 15 = 77 points: B, handoff."""
    return lead_input(
        conversation_id,
        "dave@delta.io",
        budget=Budget(
            raw="15k dollars",
            status="amount",
            amount=Decimal(15000),
            currency="USD",
            period="year",
        ),
        authority=Authority(
            raw="I lead the team", level="influencer", decision_maker=False, role="team lead"
        ),
        need=Need(raw="qualify inbound leads", level="concrete", summary="lead qualification"),
        timeline=Timeline(raw="in five months", status="date", months=5.0),
        name="Dave Delta",
        company="Delta",
        start=start,
        services=services,
    )


async def seed(services: Services) -> dict[str, str]:
    """Jane (A), Bob (C), Carol (D), Dave (B, two conversations); name -> lead id."""
    ids = {}
    for minutes, (name, data) in enumerate(
        [
            ("jane", jane(services)),
            ("bob", bob(services)),
            ("carol", carol(services)),
            ("dave", dave(services)),
        ],
        start=1,
    ):
        result = await record_lead(services.uow(), data, now=at(minutes))
        ids[name] = result.lead_id
    again = await record_lead(services.uow(), dave(services, "conv-dave-2", start=10), now=at(10))
    assert again.lead_id == ids["dave"]
    return ids
