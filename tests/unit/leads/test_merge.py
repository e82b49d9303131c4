"""The merge rules as tables: what a returning visitor's new answers may overwrite, and
what survives when two leads turn out to be one person."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest

from bot.facts import Authority, Budget, Need, Timeline
from bot.leads import merge
from bot.leads.merge import Answers, LeadState, Scored, Source

T0 = datetime(2026, 3, 1, tzinfo=timezone.utc)
AMOUNT = Budget(raw="50k", status="amount", amount=Decimal(50000), currency="USD")
NO_BUDGET = Budget(raw="no budget", status="none", amount=Decimal(0))
BUDGET_UNSURE = Budget(raw="not sure", status="unknown")
CTO = Authority(raw="I'm the CTO", level="decision_maker", decision_maker=True, role="CTO")
AUTHORITY_UNSURE = Authority(raw="depends", level="unknown")
CONCRETE = Need(raw="we lose leads", level="concrete", summary="lost leads")
VAGUE = Need(raw="something maybe", level="vague")
Q2 = Timeline(raw="next quarter", status="date", months=3.0)
TIMELINE_UNSURE = Timeline(raw="no idea", status="unknown")


def lead(**values: object) -> LeadState:
    return LeadState(created_at=T0, updated_at=T0, **values)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("current", "incoming", "kept"),
    [
        (None, AMOUNT, AMOUNT),  # a first answer
        (AMOUNT, None, AMOUNT),  # not asked this time: nothing lost
        (AMOUNT, NO_BUDGET, NO_BUDGET),  # known replaces known (newer wins)
        (NO_BUDGET, AMOUNT, AMOUNT),
        (AMOUNT, BUDGET_UNSURE, AMOUNT),  # "not sure" never replaces a real answer
        (BUDGET_UNSURE, AMOUNT, AMOUNT),
        (None, BUDGET_UNSURE, BUDGET_UNSURE),  # unsure is still better than never asked
        (
            BUDGET_UNSURE,
            dataclasses.replace(BUDGET_UNSURE, raw="hm"),
            dataclasses.replace(BUDGET_UNSURE, raw="hm"),
        ),
    ],
)
def test_a_newer_budget_answer(
    current: Budget | None, incoming: Budget | None, kept: Budget | None
) -> None:
    merged = merge.answers(lead(budget=current), Answers(budget=incoming))
    assert merged.budget == kept


@pytest.mark.parametrize(
    ("field", "known", "unsure"),
    [
        ("authority", CTO, AUTHORITY_UNSURE),
        ("need", CONCRETE, VAGUE),
        ("timeline", Q2, TIMELINE_UNSURE),
    ],
)
def test_every_fact_follows_the_same_rule(field: str, known: object, unsure: object) -> None:
    kept_known = merge.answers(lead(**{field: known}), Answers(**{field: unsure}))  # type: ignore[arg-type]
    # a vague need is a real answer (known); only "unknown" levels never replace
    expected = unsure if field == "need" else known
    assert getattr(kept_known, field) == expected
    assert (
        getattr(merge.answers(lead(**{field: unsure}), Answers(**{field: known})), field) == known
    )  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("current", "incoming", "kept"),
    [(None, "Ada", "Ada"), ("Ada", None, "Ada"), ("Ada", "", "Ada"), ("Ada", "Ada L.", "Ada L.")],
)
def test_name_and_company_are_never_erased(
    current: str | None, incoming: str | None, kept: str | None
) -> None:
    merged = merge.answers(
        lead(name=current, company=current), Answers(name=incoming, company=incoming)
    )
    assert (merged.name, merged.company) == (kept, kept)


PRICING = Source(page_url="https://x.example/pricing", utm_source="google")
BLOG = Source(page_url="https://x.example/blog", utm_source="newsletter")


@pytest.mark.parametrize(
    ("current", "incoming", "kept"),
    [
        (Source(), PRICING, PRICING),
        (PRICING, BLOG, PRICING),
        (PRICING, Source(), PRICING),
        (Source(), Source(), Source()),
    ],
)
def test_first_touch_wins(current: Source, incoming: Source, kept: Source) -> None:
    assert merge.first_touch(current, incoming) == kept


LATER = T0 + timedelta(days=1)
EARLIER = T0 - timedelta(days=1)
SCORE = Scored(score=80, grade="A", route="handoff", rubric_version=1, breakdown=[])


@pytest.mark.parametrize(
    ("winner", "loser", "expected"),
    [
        # better-ranked fact survives, whichever lead had it
        (lead(budget=BUDGET_UNSURE), lead(budget=AMOUNT), {"budget": AMOUNT}),
        (lead(budget=AMOUNT), lead(budget=BUDGET_UNSURE), {"budget": AMOUNT}),
        (lead(), lead(need=VAGUE), {"need": VAGUE}),
        # equal rank: the more recently updated lead's answer
        (
            lead(budget=AMOUNT),
            LeadState(created_at=T0, updated_at=LATER, budget=NO_BUDGET),
            {"budget": NO_BUDGET},
        ),
        (
            LeadState(created_at=T0, updated_at=LATER, budget=AMOUNT),
            lead(budget=NO_BUDGET),
            {"budget": AMOUNT},
        ),
        # present beats absent for name, company, time zone, score
        (
            lead(),
            lead(name="Ada", company="Acme", time_zone="Europe/Paris", scored=SCORE),
            {"name": "Ada", "company": "Acme", "time_zone": "Europe/Paris", "scored": SCORE},
        ),
        (lead(name="Ada"), lead(name="Bob"), {"name": "Ada"}),  # tie, winner not older
        # the older lead's first touch; the winner's if the loser has none
        (
            lead(source=BLOG),
            LeadState(created_at=EARLIER, updated_at=T0, source=PRICING),
            {"source": PRICING, "created_at": EARLIER},
        ),
        (
            lead(source=BLOG),
            LeadState(created_at=EARLIER, updated_at=T0),
            {"source": BLOG, "created_at": EARLIER},
        ),
        (
            lead(),
            LeadState(created_at=LATER, updated_at=LATER, source=PRICING),
            {"source": PRICING, "created_at": T0},
        ),
        # a meeting or nurture state the survivor lacks; status moves on from "new"
        (
            lead(),
            lead(meeting={"at": "x"}, nurture={"step": 1}, status="qualified"),
            {"meeting": {"at": "x"}, "nurture": {"step": 1}, "status": "qualified"},
        ),
        (
            lead(meeting={"at": "w"}, status="contacted"),
            lead(meeting={"at": "l"}, status="qualified"),
            {"meeting": {"at": "w"}, "status": "contacted"},
        ),
    ],
)
def test_two_leads_of_one_person(
    winner: LeadState, loser: LeadState, expected: dict[str, object]
) -> None:
    merged = merge.absorb(winner, loser)
    assert {name: getattr(merged, name) for name in expected} == expected


def test_absorbing_loses_no_known_fact() -> None:
    """Whatever the order, every known fact of either lead survives the merge."""
    a = lead(budget=AMOUNT, need=VAGUE)
    b = LeadState(created_at=EARLIER, updated_at=LATER, authority=CTO, timeline=Q2)
    for winner, loser in ((a, b), (b, a)):
        merged = merge.absorb(winner, loser)
        assert (merged.budget, merged.authority, merged.need, merged.timeline) == (
            AMOUNT,
            CTO,
            VAGUE,
            Q2,
        )
