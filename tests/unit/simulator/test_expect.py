"""The expected route is the rubric's on the facts given; stored facts compare normalized."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from bot.scoring import Rubric
from tests.conversations.simulator.expect import WRITTEN_ON, check_lead, expected_routes
from tests.conversations.simulator.phrasings import Fact, Phrasings


def _fact(phrasings: Phrasings, slot: str, index: int) -> Fact:
    return phrasings.values[slot][index]


def _lead(**parts: Any) -> dict[str, Any]:
    lead: dict[str, Any] = {
        "budget": {"status": None},
        "timeline": {"status": None},
        "authority": {"level": None, "decision_maker": None, "role": None},
        "need": {"level": None},
        "name": None,
        "company": None,
        "email": None,
        "time_zone": "Asia/Tokyo",
    }
    lead.update(parts)
    return lead


def _checks(
    lead: dict[str, Any], given: dict[str, Fact], today: date = WRITTEN_ON
) -> dict[str, bool]:
    return {c.slot: c.ok for c in check_lead(lead, given, "Asia/Tokyo", "USD", today)}


def test_routes_follow_the_rubric_on_what_was_said(phrasings: Phrasings, rubric: Rubric) -> None:
    hot = {
        "budget": _fact(phrasings, "budget", 0),
        "timeline": _fact(phrasings, "timeline", 0),
        "authority": _fact(phrasings, "authority", 0),
        "need": _fact(phrasings, "need", 0),
    }
    assert expected_routes(rubric, hot) == {"handoff"}
    # Budget refused: 5 + 25 + 25 + 25 = 80, still a handoff; need refused too: 60.
    assert expected_routes(rubric, {k: v for k, v in hot.items() if k != "budget"}) == {"handoff"}
    assert expected_routes(rubric, {"need": hot["need"]}) == {"nurture"}


def test_a_visitor_who_does_not_decide_may_be_read_either_way(
    phrasings: Phrasings, rubric: Rubric
) -> None:
    given = {
        "budget": _fact(phrasings, "budget", 0),  # 25
        "timeline": _fact(phrasings, "timeline", 1),  # 11 months: 8
        "authority": _fact(phrasings, "authority", 1),  # influencer 12 or none 0
        "need": _fact(phrasings, "need", 0),  # 25
    }
    assert expected_routes(rubric, given) == {"handoff", "nurture"}


def test_budget_amount_within_one_percent_with_currency_and_period(phrasings: Phrasings) -> None:
    given = {"budget": _fact(phrasings, "budget", 0)}
    stored = {"status": "amount", "amount": 90500.0, "currency": "USD", "period": "year"}
    assert _checks(_lead(budget=stored), given)["budget"]
    assert not _checks(_lead(budget={**stored, "amount": 92000.0}), given)["budget"]
    assert not _checks(_lead(budget={**stored, "period": None}), given)["budget"]
    assert not _checks(_lead(budget={**stored, "currency": "EUR"}), given)["budget"]
    # "ninety grand" names no currency ("rand" inside "grand" is none): stored without one,
    # the rubric reads it in its default currency
    assert _checks(_lead(budget={**stored, "currency": None}), given)["budget"]


def test_a_range_keeps_its_top_and_no_budget_is_none(phrasings: Phrasings) -> None:
    ranged = {"budget": _fact(phrasings, "budget", 2)}
    stored = {"status": "amount", "amount": 12000.0, "amount_max": 20000.0,
              "currency": "EUR", "period": "one_time"}  # fmt: skip
    assert _checks(_lead(budget=stored), ranged)["budget"]
    assert not _checks(_lead(budget={**stored, "amount_max": None}), ranged)["budget"]
    zero = {"budget": _fact(phrasings, "budget", 3)}
    assert _checks(_lead(budget={"status": "none", "amount": 0.0}), zero)["budget"]
    assert not _checks(_lead(budget={"status": "unknown", "amount": None}), zero)["budget"]


def test_a_fact_never_given_or_unknown_must_stay_unknown(phrasings: Phrasings) -> None:
    made_up = {"status": "amount", "amount": 0.0, "currency": "USD", "period": None}
    assert not _checks(_lead(budget=made_up), {})["budget"]
    assert not _checks(_lead(budget=made_up), {"budget": _fact(phrasings, "budget", 4)})["budget"]
    assert _checks(_lead(budget={"status": "unknown"}), {"budget": _fact(phrasings, "budget", 4)})[
        "budget"
    ]
    assert not _checks(_lead(company="Browsing"), {})["company"]
    assert all(_checks(_lead(), {}).values())


@pytest.mark.parametrize(
    ("index", "stored", "today", "ok"),
    [
        (0, 0.0, WRITTEN_ON, True),  # "this week" 0.25: within 0.5
        (1, 11.4, WRITTEN_ON, True),
        (1, 12.0, WRITTEN_ON, False),
        (2, 4.9, WRITTEN_ON, True),  # "by April" counted from the day written: +-1
        (2, 2.5, date(2027, 1, 31), True),  # two months later it is 2 months off
        (2, 3.5, date(2027, 1, 31), False),
        (4, 1.0, WRITTEN_ON, True),  # "the coming quarter": 3 months on, or January
        (4, 5.5, WRITTEN_ON, False),
    ],
)
def test_timeline_months(
    phrasings: Phrasings, index: int, stored: float, today: date, ok: bool
) -> None:
    given = {"timeline": _fact(phrasings, "timeline", index)}
    lead = _lead(timeline={"status": "date", "months": stored})
    assert _checks(lead, given, today)["timeline"] is ok


def test_authority_role_name_company_email_compare_normalized(phrasings: Phrasings) -> None:
    given = {
        "authority": _fact(phrasings, "authority", 0),
        "name": _fact(phrasings, "name", 0),
        "company": _fact(phrasings, "company", 0),
        "email": _fact(phrasings, "email", 0),
        "need": _fact(phrasings, "need", 1),
    }
    lead = _lead(
        authority={"level": "decision_maker", "decision_maker": True, "role": "the owner"},
        name="bo  LINDQVIST",
        company="heron tiles.",
        email="Bo.L@herontiles.example",
        need={"level": "vague"},
    )
    assert all(_checks(lead, given).values())
    wrong = _lead(
        authority={"level": "none", "decision_maker": False, "role": "Intern"},
        name="Bo",
        company="Tiles",
        email="bo@herontiles.example",
        need={"level": "concrete"},
        time_zone=None,
    )
    checks = _checks(wrong, given)
    assert not any(checks[slot] for slot in (*given, "role", "time_zone"))
