"""parse_timeline: months from a fixed today (Sunday 22 November 2026)."""

from __future__ import annotations

import datetime as dt
import math
import re

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from bot.extract.timeline import parse_timeline
from bot.facts import Timeline

TODAY = dt.date(2026, 11, 22)

DATES = [
    # ASAP and friends -> 0
    ("ASAP", 0.0),
    ("asap", 0.0),
    ("asap!!", 0.0),
    ("A.S.A.P.", 0.0),
    ("as soon as possible", 0.0),
    ("right away", 0.0),
    ("now", 0.0),
    ("we need it now", 0.0),
    ("yesterday", 0.0),
    ("yesterday lol", 0.0),
    ("this very minute", 0.0),
    ("honestly we wanted it weeks ago", 0.0),
    ("needed this since last year", 0.0),
    ("same time next year", 12.0),
    ("urgent", 0.0),
    ("it's urgent", 0.0),
    ("immediately", 0.0),
    ("today", 0.0),
    ("tomorrow", 0.0),
    ("this week", 0.0),
    # durations
    ("in 3 months", 3.0),
    ("In 3 months.", 3.0),
    ("3 months", 3.0),
    ("in three months", 3.0),
    ("in 3 mos", 3.0),
    ("6 months from now", 6.0),
    ("within 6 months", 6.0),
    ("within the next 6 months", 6.0),
    ("in two weeks", 0.5),
    ("in 2 weeks", 0.5),
    ("in a week", 0.2),
    ("in a few weeks", 0.7),
    ("in a couple of months", 2.0),
    ("in 30 days", 1.0),
    ("3-6 months", 6.0),
    ("3 to 6 months", 6.0),
    ("in a year or so", 12.0),
    ("within the next year", 12.0),
    ("in 1.5 years", 18.0),
    ("a year and a half", 18.0),
    ("half a year", 6.0),
    ("in 2 quarters", 6.0),
    ("within 1 year", 12.0),
    # quarters said plainly: the middle (of what is left), next occurrence; "by": the end
    ("by Q2", 7.3),
    ("Q2", 5.8),
    ("q2", 5.8),
    ("Q2 2027", 5.8),
    ("2027 Q2", 5.8),
    ("Q2/2027", 5.8),
    ("q3 '27", 8.8),
    ("Q1", 2.7),
    ("by the end of Q1", 4.3),
    ("start of Q1", 1.3),
    ("Q4", 0.7),
    ("end of Q4", 1.3),
    ("Q4 2027", 11.8),
    ("first quarter of 2027", 2.7),
    ("next quarter", 2.7),
    ("this quarter", 0.7),
    ("end of the quarter", 1.3),
    ("H1 2027", 4.3),
    ("second half of next year", 10.3),
    # months said plainly: the middle, next occurrence; "by": the end
    ("by March", 3.3),
    ("March", 3.8),
    ("by march", 3.3),
    ("in march", 3.8),
    ("mid-march", 3.8),
    ("early march", 3.6),
    ("March 2028", 15.8),
    ("march next year", 3.8),
    ("by September", 9.3),
    ("by sept.", 9.3),
    ("by may", 5.3),
    ("we may buy in june", 6.8),
    ("by december", 0.3),
    ("by nov", 0.0),  # this November: already under way
    ("next month", 0.8),
    ("end of the month", 0.3),
    ("06/2027", 7.3),
    # explicit dates (dateparser)
    ("by 15 march", 3.8),
    ("15th of March 2027", 3.8),
    ("March 15, 2027", 3.8),
    ("03/15/2027", 3.8),
    ("2027-03-15", 3.8),
    ("next friday", 0.2),
    ("next week", 0.2),
    ("1st december", 0.3),
    # seasons (northern hemisphere)
    ("end of summer", 9.3),
    ("summer", 7.8),
    ("this summer", 7.8),
    ("next summer", 7.8),
    ("by spring", 6.3),
    ("winter", 1.7),
    ("beginning of summer", 6.3),
    # years
    ("next year", 7.3),
    ("sometime next year", 7.3),
    ("beginning of next year", 1.3),
    ("early next year", 4.3),
    ("end of next year", 13.3),
    ("this year", 1.3),
    ("by end of year", 1.3),
    ("end of the year", 1.3),
    ("by year-end", 1.3),
    ("EOY", 1.3),
    ("2027", 7.3),
    ("in 2027", 7.3),
    ("mid 2027", 7.3),
    ("mid-2027", 7.3),
    ("early 2027", 4.3),
    ("by 2027", 13.3),
    ("late 2027", 13.3),
    ("2028", 19.3),
    ("before 2028", 13.3),
    ("before March", 3.3),
    ("before Q2", 4.3),
    ("before summer", 6.3),
    ("the year after next", 19.3),
    # extra words around, mixed signals
    ("we'd like to have something live by Q2 if possible", 7.3),
    ("Ideally within 6 months, budget allowing", 6.0),
    ("no rush, sometime next year", 7.3),
    ("in a fortnight", 0.5),
    ("two fortnights from now", 0.9),
    # counted from today; a period's end said after it; an adverb in "as soon as possible"
    ("a year and a half from today", 18.0),
    ("starting from today", 0.0),
    ("before January is out", 2.3),
    ("until the summer is over", 9.3),
    ("as soon as humanly possible", 0.0),
    ("not sure, probably in 3 months", 3.0),
    ("depends, maybe next quarter", 2.7),
]


@pytest.mark.parametrize(("text", "months"), DATES)
def test_dates(text: str, months: float) -> None:
    assert parse_timeline(text, TODAY) == Timeline(raw=text.strip(), status="date", months=months)


NO_PLANS = [
    "no plans",
    "No plans yet",
    "no timeline",
    "not anytime soon",
    "not any time soon",
    "not now",
    "not right now",
    "never",
    "someday",
    "eventually",
    "nothing planned",
]


@pytest.mark.parametrize("text", NO_PLANS)
def test_no_plans(text: str) -> None:
    assert parse_timeline(text, TODAY) == Timeline(raw=text.strip(), status="none")


UNKNOWN = [
    # torn between two dates
    "maybe next month, maybe the one after",
    "this quarter or next",
    "maybe this year or maybe next",
    "not sure",
    "Not sure.",
    "don't know",
    "dont know",
    "depends",
    "it depends on budget",
    "no idea",
    "hard to say",
    "tbd",
    "soon",
    "we'll see",
    # no hurry, or a dodge: when is not said (and no hurry is not "no plans")
    "no rush",
    "not urgent",
    "whenever, there's no deadline",
    "just looking",
    "just browsing",
    "right now we're just looking",
]


@pytest.mark.parametrize("text", UNKNOWN)
def test_unknown(text: str) -> None:
    assert parse_timeline(text, TODAY) == Timeline(raw=text.strip(), status="unknown")


NOTHING_SAID = [
    "our best month was last month",  # the past, but not a need
    "",
    "  ",
    "asdf",
    "?",
    "why",
    "hello",
    "we've been looking for 3 months",
    "2020",
    "we may",
    "3",
]


@pytest.mark.parametrize("text", NOTHING_SAID)
def test_nothing_about_timing(text: str) -> None:
    assert parse_timeline(text, TODAY) is None


@pytest.mark.parametrize(
    ("today", "text", "months"),
    [
        (dt.date(2027, 4, 15), "by Q2", 2.5),  # Q2 not over yet: this year's
        (dt.date(2027, 7, 1), "by Q2", 12.0),  # Q2 over: next year's
        (dt.date(2027, 3, 10), "by March", 0.0),  # this March, under way
        (dt.date(2027, 7, 10), "next summer", 12.2),  # inside summer: the one after
        (dt.date(2027, 7, 10), "this summer", 0.8),
        (dt.date(2027, 1, 1), "next year", 18.0),
        (dt.date(2027, 1, 1), "this year", 12.0),
        (dt.date(2026, 12, 31), "end of the month", 0.0),
    ],
)
def test_relative_to_today(today: dt.date, text: str, months: float) -> None:
    result = parse_timeline(text, today)
    assert result == Timeline(raw=text, status="date", months=months)


def test_pure_function_of_text_and_today() -> None:
    first = parse_timeline("by March", TODAY)
    assert parse_timeline("by March", TODAY) == first
    assert parse_timeline("by March", dt.date(2027, 2, 1)) != first


# ---- properties --------------------------------------------------------------------


@given(st.text(max_size=80), st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2090, 1, 1)))
def test_never_raises(text: str, today: dt.date) -> None:
    result = parse_timeline(text, today)
    if result is None:
        return
    assert result.raw == text.strip()
    if result.status == "date":
        assert result.months is not None
        assert math.isfinite(result.months)
        assert 0 <= result.months <= 12 * 20
        assert result.months == round(result.months, 1)
    else:
        assert result.months is None


# Consonant strings that are chat shorthand for a time ("rn" is "right now").
TIME_SHORTHAND = frozenset(
    {"rn", "tmr", "tmrw", "wk", "wks", "nxt", "mth", "mths", "mnth", "mnths", "qtr"}
)


@given(st.text(alphabet="bcdfghjklmnpqrstvwxz .,!?", max_size=40))
def test_no_date_from_text_without_time_words(text: str) -> None:
    assume(not TIME_SHORTHAND & set(re.findall(r"[a-z]+", text)))
    result = parse_timeline(text, TODAY)
    assert result is None or result.status != "date"


@given(
    st.integers(min_value=1, max_value=60), st.sampled_from(["in {} months", "within {} months"])
)
def test_durations_in_months(n: int, template: str) -> None:
    result = parse_timeline(template.format(n), TODAY)
    assert result is not None
    assert result.months == float(n)


@given(st.integers(min_value=1, max_value=52))
def test_durations_in_weeks(n: int) -> None:
    result = parse_timeline(f"in {n} weeks", TODAY)
    assert result is not None
    assert result.months == round(n * 7 / 30.4375, 1)


@pytest.mark.parametrize(
    ("text", "months"),
    [
        ("seven months-ish from now", 7.0),
        ("ten weeks ish", 2.3),
        ("aiming for three months", 3.0),
        ("not for another two years", 24.0),
        ("we'd been hoping for 6 weeks", 1.4),
    ],
)
def test_durations_said_loosely(text: str, months: float) -> None:
    """'-ish' after the unit, and a 'for' that looks ahead, keep the duration."""
    assert parse_timeline(text, TODAY) == Timeline(raw=text, status="date", months=months)


def test_a_for_that_looks_back_is_no_deadline() -> None:
    assert parse_timeline("we have used a spreadsheet for 2 years", TODAY) is None


@pytest.mark.parametrize(
    ("text", "months"),
    [
        ("by April", 4.3),  # its first day: by the time April comes
        ("by the end of April", 5.3),
        ("by April at the latest", 4.3),
    ],
)
def test_by_a_month_means_its_start(text: str, months: float) -> None:
    assert parse_timeline(text, TODAY) == Timeline(raw=text, status="date", months=months)


@pytest.mark.parametrize(
    ("text", "status", "months"),
    [
        ("we wanted this last year, but realistically in 5 months", "date", 5.0),
        ("it's urgent, so realistically no idea when", "unknown", None),
        ("if all goes well (it never does), in 2 months", "date", 2.0),
        ("there's no time frame yet", "unknown", None),
        ("no date decided", "unknown", None),
    ],
)
def test_what_is_said_after_a_wish_or_an_aside(
    text: str, status: str, months: float | None
) -> None:
    assert parse_timeline(text, TODAY) == Timeline(raw=text, status=status, months=months)


@pytest.mark.parametrize(
    "text", ["every thursday", "we discussed it at our tuesday call", "each monday"]
)
def test_a_recurring_or_event_weekday_is_no_date(text: str) -> None:
    found = parse_timeline(text, TODAY)
    assert found is None or found.status != "date"


@pytest.mark.parametrize("text", ["40 000 SEK a month", "about 500 tickets a week"])
def test_a_rate_is_no_deadline(text: str) -> None:
    """A figure and what it counts before 'a month' is a rate: no time to start."""
    assert parse_timeline(text, TODAY) is None


def test_a_month_after_a_preposition_is_still_a_deadline() -> None:
    assert parse_timeline("we are 3 people, live in a month", TODAY) == Timeline(
        raw="we are 3 people, live in a month", status="date", months=1.0
    )
