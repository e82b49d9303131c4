"""What the bot should have stored and where it should have routed, from what was said.

The expected route is the domain's own rubric (scoring.yml through bot.scoring) applied
to the facts the visitor actually gave: a fact never given, refused or dodged scores as
unknown. The comparison of a stored lead with those facts is normalized:

- budget: amount (and the top of a range) within 1 %, currency and period equal; a said
  amount with no currency may be stored with no currency or the rubric's default one;
- timeline: months within 0.5. The phrasings count absolute dates ("by March", "Q3 2027")
  from the day they were written (WRITTEN_ON); for those the expectation moves by the
  months elapsed since, and the tolerance is one month, as "by March" may mean its first
  or its last day; "next quarter" may be three months on or the next calendar quarter
  (from December: one month), so a quarter is compared within two months;
- authority: decision maker equal; role (its own line) equal ignoring case, spacing and
  a leading "the"/"a", and no role stored when none was said;
- need: strong -> concrete, some -> vague, none -> none;
- name and company: equal ignoring case, spacing and punctuation at either end ("Acme
  Co." is "Acme Co"); email: equal lower-cased;
- a fact the visitor never gave must be stored as unknown (or not at all).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from bot.facts import Authority, Budget, Need, NeedLevel, Timeline
from bot.scoring import Route, Rubric, score_lead
from tests.conversations.simulator.phrasings import Fact

AMOUNT_TOLERANCE = 0.01
MONTHS_TOLERANCE = 0.5
ABSOLUTE_DATE_TOLERANCE = 1.0
WRITTEN_ON = date(2026, 12, 1)  # the phrasings' absolute dates are counted from this day
QUARTER_TOLERANCE = 2.0
DAYS_PER_MONTH = 365.25 / 12
_END_PUNCTUATION = " .,;:!?"
QUARTER = re.compile(r"\bquarter\b", re.I)
ABSOLUTE_DATE = re.compile(
    r"\b(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\b|\bq[1-4]\b"
    r"|\b20\d\d\b|\bnext year\b|\bend of (?:the )?year\b",
    re.I,
)
# Any mention of a currency, so an amount without one is told apart (see _check_budget).
NAMES_A_CURRENCY = re.compile(
    r"[$€£¥₹]|\b(?:usd|eur|gbp|inr|aud|cad|chf|jpy|sek|nok|dkk|zar|brl|mxn|sgd|nzd)\b"
    # at a word's start: "rand" is in "ten grand", "real" in "really"
    r"|\b(?:dollar|dolar|euro|pound|quid|buck|rupee|rs\b|yen|franc|krona|krone|real\b|reais"
    r"|peso|rand\b)",
    re.I,
)
NEED_LEVEL: Mapping[str, NeedLevel] = {"strong": "concrete", "some": "vague", "none": "none"}
CHECKED_SLOTS: tuple[str, ...] = (
    "need",
    "budget",
    "authority",
    "role",
    "timeline",
    "name",
    "email",
    "company",
    "time_zone",
)


@dataclass(frozen=True)
class SlotCheck:
    slot: str
    ok: bool
    expected: str
    stored: str


def budget_fact(fact: Fact | None) -> Budget | None:
    if fact is None or fact.unknown:
        return None if fact is None else Budget(raw=fact.text, status="unknown")
    amount = Decimal(str(fact.value["amount"]))
    top = fact.value.get("amount_max")
    return Budget(
        raw=fact.text,
        status="none" if amount == 0 else "amount",
        amount=amount,
        amount_max=None if top is None else Decimal(str(top)),
        currency=fact.value.get("currency"),
        period=fact.value.get("period"),
    )


def timeline_fact(fact: Fact | None, today: date = WRITTEN_ON) -> Timeline | None:
    if fact is None or fact.unknown:
        return None if fact is None else Timeline(raw=fact.text, status="unknown")
    return Timeline(raw=fact.text, status="date", months=expected_months(fact, today)[0])


def authority_facts(fact: Fact | None) -> tuple[Authority | None, ...]:
    """The authority as the rubric sees it. The phrasings say only whether the visitor
    decides: someone who does not may influence the decision or have no say, so both
    readings are returned and either route is accepted when they differ."""
    if fact is None:
        return (None,)
    if fact.value["decision_maker"]:
        return (Authority(raw=fact.text, level="decision_maker", decision_maker=True),)
    return (
        Authority(raw=fact.text, level="influencer", decision_maker=False),
        Authority(raw=fact.text, level="none", decision_maker=False),
    )


def need_fact(fact: Fact | None) -> Need | None:
    if fact is None:
        return None
    return Need(raw=fact.text, level=NEED_LEVEL[str(fact.value["level"])])


def expected_routes(
    rubric: Rubric, given: Mapping[str, Fact], today: date = WRITTEN_ON
) -> frozenset[Route]:
    """Every route the rubric gives for the facts given (one, unless authority is vague)."""
    return frozenset(
        score_lead(
            rubric,
            budget_fact(given.get("budget")),
            authority,
            need_fact(given.get("need")),
            timeline_fact(given.get("timeline"), today),
        ).route
        for authority in authority_facts(given.get("authority"))
    )


def criterion_points(rubric: Rubric, fact: Fact) -> int:
    """The points one fact earns on its own criterion (the best reading for authority)."""
    given = {fact.slot: fact}
    if fact.slot not in ("need", "budget", "authority", "timeline"):
        return 0
    return max(
        score_lead(
            rubric,
            budget_fact(given.get("budget")),
            authority,
            need_fact(given.get("need")),
            timeline_fact(given.get("timeline")),
        )
        .criterion(fact.slot)  # type: ignore[arg-type]
        .points
        for authority in authority_facts(given.get("authority"))
    )


def check_lead(
    lead: Mapping[str, Any],
    given: Mapping[str, Fact],
    time_zone: str,
    default_currency: str,
    today: date,
) -> list[SlotCheck]:
    """One check per slot of the stored lead (leads API shape) against what was said."""
    return [
        _check_budget(lead["budget"], given.get("budget"), default_currency),
        _check_timeline(lead["timeline"], given.get("timeline"), today),
        _check_authority(lead["authority"], given.get("authority")),
        _check_role(lead["authority"], given.get("authority")),
        _check_need(lead["need"], given.get("need")),
        _check_text("name", lead.get("name"), given.get("name"), _same_words),
        _check_text("company", lead.get("company"), given.get("company"), _same_words),
        _check_text("email", lead.get("email"), given.get("email"), _same_email),
        SlotCheck(
            "time_zone", lead.get("time_zone") == time_zone, time_zone, str(lead.get("time_zone"))
        ),
    ]


def _close(a: Any, b: Any, tolerance: float) -> bool:
    if a is None or b is None:
        return a is None and b is None
    x, y = float(a), float(b)
    return abs(x - y) <= tolerance * max(abs(x), abs(y))


def _unknown(status: Any) -> bool:
    return status in (None, "unknown")


def _check_budget(stored: Mapping[str, Any], fact: Fact | None, default: str) -> SlotCheck:
    shown = (
        f"{stored.get('status')} {stored.get('amount')}-{stored.get('amount_max')} "
        f"{stored.get('currency')} {stored.get('period')}"
    )
    if fact is None or fact.unknown:
        return SlotCheck("budget", _unknown(stored.get("status")), "unknown", shown)
    value = fact.value
    expected = (
        f"{value['amount']}-{value.get('amount_max')} {value.get('currency')} {value.get('period')}"
    )
    if float(value["amount"]) == 0:
        ok = stored.get("status") == "none" or stored.get("amount") == 0
        return SlotCheck("budget", ok, "none (0)", shown)
    currency = value.get("currency")
    # The phrasings give the rubric's default currency to an amount that names none
    # ("15 grand" -> USD): stored without a currency, the rubric reads it the same way.
    said_none = currency == default and not NAMES_A_CURRENCY.search(fact.text)
    currencies = {currency} if currency and not said_none else {None, default}
    ok = (
        stored.get("status") == "amount"
        and _close(stored.get("amount"), value["amount"], AMOUNT_TOLERANCE)
        and (
            value.get("amount_max") is None
            or _close(stored.get("amount_max"), value["amount_max"], AMOUNT_TOLERANCE)
        )
        and stored.get("currency") in currencies
        and stored.get("period") == value.get("period")
    )
    return SlotCheck("budget", ok, expected, shown)


def expected_months(fact: Fact, today: date) -> tuple[float, float]:
    """The months a timeline fact means today, and the tolerance of the comparison."""
    months = float(fact.value["months"])
    if ABSOLUTE_DATE.search(fact.text):
        elapsed = (today - WRITTEN_ON).days / DAYS_PER_MONTH
        return months - elapsed, ABSOLUTE_DATE_TOLERANCE
    if QUARTER.search(fact.text):
        return months, QUARTER_TOLERANCE
    return months, MONTHS_TOLERANCE


def _check_timeline(stored: Mapping[str, Any], fact: Fact | None, today: date) -> SlotCheck:
    shown = f"{stored.get('status')} {stored.get('months')}"
    if fact is None or fact.unknown:
        return SlotCheck("timeline", _unknown(stored.get("status")), "unknown", shown)
    months, tolerance = expected_months(fact, today)
    got = stored.get("months")
    ok = (
        stored.get("status") == "date" and got is not None and abs(float(got) - months) <= tolerance
    )
    return SlotCheck("timeline", ok, f"{months:g} months (+-{tolerance:g})", shown)


def _check_authority(stored: Mapping[str, Any], fact: Fact | None) -> SlotCheck:
    shown = f"level={stored.get('level')} decision_maker={stored.get('decision_maker')}"
    if fact is None:
        return SlotCheck("authority", _unknown(stored.get("level")), "unknown", shown)
    decides = bool(fact.value["decision_maker"])
    ok = stored.get("decision_maker") is decides
    return SlotCheck("authority", ok, f"decision_maker={decides}", shown)


def _check_role(stored: Mapping[str, Any], fact: Fact | None) -> SlotCheck:
    role = None if fact is None else fact.value.get("role")
    got = stored.get("role")
    ok = _role(str(got or "")) == _role(str(role or ""))
    return SlotCheck("role", ok, "none" if role is None else repr(role), repr(got))


def _check_need(stored: Mapping[str, Any], fact: Fact | None) -> SlotCheck:
    shown = str(stored.get("level"))
    if fact is None:
        return SlotCheck("need", _unknown(stored.get("level")), "unknown", shown)
    level = NEED_LEVEL[str(fact.value["level"])]
    return SlotCheck("need", stored.get("level") == level, level, shown)


def _check_text(slot: str, stored: Any, fact: Fact | None, same: Any) -> SlotCheck:
    if fact is None:
        return SlotCheck(slot, stored in (None, ""), "unknown", repr(stored))
    value = str(fact.value["value"])
    return SlotCheck(
        slot, stored is not None and bool(same(str(stored), value)), value, repr(stored)
    )


def _same_words(a: str, b: str) -> bool:
    def norm(text: str) -> str:
        return " ".join(text.split()).strip(_END_PUNCTUATION).strip().casefold()

    return norm(a) == norm(b)


def _same_email(a: str, b: str) -> bool:
    return a.strip().lower() == b.strip().lower()


def _role(text: str) -> str:
    return re.sub(r"^(the|a|an)\s+", "", " ".join(text.split()).casefold())
