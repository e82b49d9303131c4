"""Everyday chat phrasing (issue 11): shorthand, typos in number words, holidays, roles said
as verbs, and the words that look like a name or a company but are not."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from bot.extract import (
    assess_need,
    clean_company,
    clean_name,
    parse_authority,
    parse_budget,
    parse_timeline,
)
from bot.extract._text import NUMBER_VOCABULARY, fix_typos, normalize, one_edit_apart

TODAY = dt.date(2026, 12, 1)  # a Tuesday


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("nxt wk", "next week"),
        ("in 2 wks pls", "in 2 weeks please"),
        ("bc we need it", "because we need it"),
        ("r u the ceo", "are you the ceo"),
        ("w/ my boss", "with my boss"),
        ("b4 xmas", "before christmas"),
        # not inside other words or symbols
        ("r&d team", "r&d team"),
        ("r$ 5000", "r$ 5000"),
        ("u.s. based", "u.s. based"),
        ("bcd", "bcd"),
    ],
)
def test_chat_shorthand_is_written_out(text: str, expected: str) -> None:
    assert normalize(text) == expected


@pytest.mark.parametrize(
    ("word", "target", "expected"),
    [
        ("thousnd", "thousand", True),  # a letter missing
        ("thousnad", "thousand", True),  # two letters swapped
        ("thousend", "thousand", True),  # a letter wrong
        ("thoussand", "thousand", True),  # a letter too many
        ("thousand", "thousand", False),  # no typo at all
        ("thsnd", "thousand", False),  # too far
    ],
)
def test_one_edit_apart(word: str, target: str, expected: bool) -> None:
    assert one_edit_apart(word, target) is expected


def test_ordinals_are_not_repaired_into_numbers() -> None:
    assert fix_typos("the seventh of march", NUMBER_VOCABULARY) == "the seventh of march"


@pytest.mark.parametrize(
    ("text", "amount", "period"),
    [
        ("fifty thousnd", 50000, None),
        ("fifty thousnad", 50000, None),
        ("twenty thousnad dollars", 20000, None),
        ("two milion", 2000000, None),
        ("a hunderd grand", 100000, None),
        # the period of an amount is the budget's
        ("$50k for one year", 50000, "year"),
        ("20k this year", 20000, "year"),
        ("about 12k for the first year", 12000, "year"),
    ],
)
def test_budget_typos_and_periods(text: str, amount: int, period: str | None) -> None:
    budget = parse_budget(text)
    assert budget is not None
    assert (budget.status, budget.amount, budget.period) == ("amount", Decimal(amount), period)


@pytest.mark.parametrize(
    "text", ["I don't know yet", "i dont know yet", "no idea yet", "dunno yet"]
)
def test_not_knowing_the_budget_is_unknown_never_zero(text: str) -> None:
    budget = parse_budget(text)
    assert budget is not None
    assert (budget.status, budget.amount) == ("unknown", None)


@pytest.mark.parametrize(
    ("text", "months"),
    [
        ("nxt wk", 0.2),
        ("in 3 wks", 0.7),
        ("in two monhts", 2.0),
        ("this qtr", 0.5),
        ("tmrw", 0.0),
        ("b4 xmas", 0.8),
        ("before christmas", 0.8),
        ("after the holidays", 1.0),
        ("before black friday", 11.9),  # not "friday" of this week
    ],
)
def test_timeline_shorthand_typos_and_holidays(text: str, months: float) -> None:
    timeline = parse_timeline(text, TODAY)
    assert timeline is not None
    assert (timeline.status, timeline.months) == ("date", months)


@pytest.mark.parametrize(
    ("text", "level", "role"),
    [
        ("I head up sales and sign-off is mine", "decision_maker", "Head of Sales"),
        ("i run marketing here", "decision_maker", "Head of Marketing"),
        ("the decision is mine", "decision_maker", None),
        ("i have sign-off on this", "decision_maker", None),
        ("I recommend, someone else signs off", "influencer", None),
        ("i'd need my boss to approve", "influencer", None),
        ("just researching", "none", None),
    ],
)
def test_authority_said_in_everyday_words(text: str, level: str, role: str | None) -> None:
    authority = parse_authority(text)
    assert authority is not None
    assert (authority.level, authority.role) == (level, role)


@pytest.mark.parametrize(
    "text",
    ["only browsing", "just browsing", "I'm only browsing", "browsing", "Wondering", "looking"],
)
def test_what_people_do_is_not_their_name(text: str) -> None:
    assert clean_name(text) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Sterling Archer", "Sterling Archer"),
        ("sara cohen", "Sara Cohen"),
        ("Jo-Ann Baker", "Jo-Ann Baker"),
    ],
)
def test_names_that_end_like_verbs_still_count_when_written_as_names(
    text: str, expected: str
) -> None:
    assert clean_name(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "for software",
        "our department",
        "it's my call",
        "my call",
        "the team",
        "Software",
        "digital media group",
    ],
)
def test_words_for_a_kind_of_organisation_are_not_a_company(text: str) -> None:
    assert clean_company(text) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Digital Media Group", "Digital Media Group"),
        ("Kairos Analytics", "Kairos Analytics"),
        ("we're called Loop", "Loop"),
        ("The Good Store", "The Good Store"),
        # A name introduced by "called" is the name, whatever kind of place it is.
        ("a small bakery called Crumbs", "Crumbs"),
    ],
)
def test_companies_still_count(text: str, expected: str) -> None:
    assert clean_company(text) == expected


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("Our demo requests sit in a shared inbox for days", "concrete"),
        ("leads from the site go cold before anyone replies", "concrete"),
        ("our current chat tool is ok but could be better", "vague"),
        ("no problem to solve, I'm writing a blog post comparing chatbots", "none"),
        ("nothing to solve, the sales team is happy with it", "none"),
    ],
)
def test_how_concrete_a_need_is(text: str, level: str) -> None:
    need = assess_need(text)
    assert need is not None
    assert need.level == level


@pytest.mark.parametrize(
    "text",
    ["maybe, maybe not", "I'll get back to you on that", "we'll figure it out",
     "let's get to that later", "we'll see how it goes", "next question pls"],
)  # fmt: skip
def test_a_dodge_is_unknown_to_every_question(text: str) -> None:
    """Said, but nothing known: each question records unknown and the form moves on."""
    today = dt.date(2026, 12, 1)
    need, budget = assess_need(text), parse_budget(text)
    timeline, authority = parse_timeline(text, today), parse_authority(text)
    assert (need and need.level, budget and budget.status) == ("unknown", "unknown")
    assert (timeline and timeline.status, authority and authority.level) == ("unknown", "unknown")
