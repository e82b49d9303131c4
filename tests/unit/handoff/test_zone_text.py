"""A visitor's time zone in their words: what must be read, what must not, and the
ambiguous cases decided (bot/handoff/zone_text.py, bot/handoff/zone_names.py)."""

from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import pytest

from bot.handoff import zone_names
from bot.handoff.wording import parse_day, which_zone, zone_label, zone_switched
from bot.handoff.zone_text import MAX_CHARS, read_zone, without
from tests.support.regex_probe import hostile_inputs

WINTER = datetime(2026, 11, 30, 7, 0, tzinfo=timezone.utc)
SUMMER = datetime(2026, 7, 15, 7, 0, tzinfo=timezone.utc)
US_FIRST = ("America/New_York", "America/Chicago", "America/Denver", "America/Phoenix")


def zone_of(text: str, now: datetime = WINTER) -> str | None:
    reading = read_zone(text, now)
    assert reading is None or reading.zone is not None, f"{text!r} asked {reading}"
    return reading.zone.key if reading and reading.zone else None


@pytest.mark.parametrize(
    ("text", "zone"),
    [
        # cities: from the IANA names, their old names, and the hand list of big cities
        ("I'm in London", "Europe/London"),
        ("Berlin time", "Europe/Berlin"),
        ("Sydney", "Australia/Sydney"),
        ("Kolkata please", "Asia/Kolkata"),
        ("ok Tokyo", "Asia/Tokyo"),
        ("i'm in new york", "America/New_York"),
        ("I'm in NYC", "America/New_York"),
        ("we are based in San Francisco", "America/Los_Angeles"),
        ("I'm in Calcutta", "Asia/Kolkata"),  # a tz database link (old name)
        ("we're in Kiev", "Europe/Kyiv"),
        ("São Paulo", "America/Sao_Paulo"),
        ("Zürich", "Europe/Zurich"),
        ("St. John's", "America/St_Johns"),
        ("I'm in central London", "Europe/London"),
        ("from Munich", "Europe/Berlin"),
        ("I live in Texas", "America/Chicago"),
        ("I'm in Ontario", "America/Toronto"),
        ("washington dc", "America/New_York"),
        ("Europe/London", "Europe/London"),
        ("america/new_york", "America/New_York"),
        # countries with one clock (Germany: Berlin and Busingen keep the same time)
        ("we're in Portugal", "Europe/Lisbon"),
        ("Germany", "Europe/Berlin"),
        ("I live in the UK", "Europe/London"),
        ("in the netherlands", "Europe/Amsterdam"),
        ("I'm in Jordan", "Asia/Amman"),
        ("Jordan", "Asia/Amman"),  # the reply to "which zone?" is the name alone
        ("I'm from India", "Asia/Kolkata"),
        ("China", "Asia/Shanghai"),  # several zones; nearly everyone means Beijing time
        ("South Korea", "Asia/Seoul"),
        # abbreviations
        ("EST", "America/New_York"),
        ("est", "America/New_York"),
        ("we're on PST", "America/Los_Angeles"),
        ("CET", "Europe/Berlin"),
        ("3pm ET", "America/New_York"),
        ("CT", "America/Chicago"),
        ("GMT", "UTC"),
        ("UTC", "UTC"),
        # offsets (POSIX signs in Etc/: UTC+2 is Etc/GMT-2)
        ("GMT+2", "Etc/GMT-2"),
        ("UTC-5", "Etc/GMT+5"),
        ("utc −3", "Etc/GMT+3"),
        ("gmt -05:00", "Etc/GMT+5"),
        ("I'm on UTC+5.", "Etc/GMT-5"),
        ("+05:30", "Asia/Kolkata"),
        ("UTC+0530", "Asia/Kolkata"),
        ("utc+5.5", "Asia/Kolkata"),
        ("UTC+5:45", "Asia/Kathmandu"),
        ("UTC+14", "Etc/GMT-14"),
        # US regions
        ("eastern", "America/New_York"),
        ("pacific time", "America/Los_Angeles"),
        ("I'm on eastern time", "America/New_York"),
        ("mountain time", "America/Denver"),
        ("central european time", "Europe/Berlin"),
        # several names of one clock: the most specific
        ("I'm from India, IST", "Asia/Kolkata"),
        ("I'm in London, GMT", "Europe/London"),  # same clock in winter
        ("I'm in the US, on eastern time", "America/New_York"),
    ],
)
def test_a_zone_is_read(text: str, zone: str) -> None:
    assert zone_of(text) == zone


@pytest.mark.parametrize(
    "text",
    [
        "in 2 weeks",
        "I'm in sales",
        "I'm Jordan",  # a person: no "in", not alone
        "Jordan here",
        "my name is Jordan",
        "Paris sounds nice",
        "I'm not in London",
        "the second one",
        "2",
        "3",
        "the 2nd",
        "call me on +44 20 7946 0958",
        "+1 212 555 0100",
        "10-11:30",
        "call us",
        "es ist gut",  # German "ist", not IST
        "c'est bon",  # French "c'est", not CEST
        "I'm in CT",  # Connecticut (Eastern), not Central Time
        "price plus 18% GST",  # the tax, not Gulf time
        "the cat sat on the laptop",  # not Central Africa Time
        "I'm in Central America",
        "I'm in the mountains",
        "Easter",
        "christmas",
        "I'm on the phone",
        "I'm in a meeting until 3",
        "UTC+25",
        "UTC+5.3",  # a malformed offset names nothing, not "UTC"
        "thursday afternoon",
        "other times",
        "",
    ],
)
def test_no_zone_is_read(text: str) -> None:
    assert read_zone(text, WINTER) is None


@pytest.mark.parametrize(
    ("text", "options"),
    [
        ("I'm in the US", US_FIRST),
        ("we're US based", US_FIRST),
        ("I'm in Georgia", ("Asia/Tbilisi", "America/New_York")),  # the country or the state
        ("Washington", ("America/New_York", "America/Los_Angeles")),
        ("I'm in London, EST", ("Europe/London", "America/New_York")),
        ("Australia", ("Australia/Sydney", "Australia/Brisbane", "Australia/Adelaide")),
        ("canada", ("America/Toronto", "America/Winnipeg", "America/Edmonton")),
    ],
)
def test_words_that_fit_several_clocks_give_a_question(text: str, options: tuple[str, ...]) -> None:
    reading = read_zone(text, WINTER)
    assert reading is not None
    assert reading.zone is None
    assert reading.options[: len(options)] == options


def test_ist_is_india_and_says_its_other_meanings() -> None:
    reading = read_zone("IST", WINTER)
    assert reading is not None
    assert reading.zone == ZoneInfo("Asia/Kolkata")
    assert reading.options == ("Asia/Jerusalem", "Europe/Dublin")
    assert zone_switched(reading.zone, reading.options) == (
        "Here are the times in Asia/Kolkata time. "
        "If you meant Asia/Jerusalem or Europe/Dublin, tell me your city."
    )


def test_clocks_are_compared_on_the_day() -> None:
    """London and GMT are one clock in winter, two in summer (BST): then we ask."""
    reading = read_zone("I'm in London, GMT", SUMMER)
    assert reading is not None
    assert reading.zone is None
    assert reading.options == ("Europe/London", "UTC")
    # a half-hour offset held all year has its zone in any season
    assert zone_of("+05:30", SUMMER) == "Asia/Kolkata"
    # St John's is -03:30 only in winter; in summer no zone is on -03:30
    assert zone_of("UTC-3:30", WINTER) == "America/St_Johns"
    assert read_zone("UTC-3:30", SUMMER) is None


def test_the_spans_leave_a_slot_choice_and_a_day_readable() -> None:
    text = "the 2nd one, I'm in London"
    reading = read_zone(text, WINTER)
    assert reading is not None
    assert reading.zone == ZoneInfo("Europe/London")
    assert text[slice(*reading.spans[0])] == "London"
    rest = without(text, reading.spans)
    assert len(rest) == len(text)
    assert "2nd" in rest
    assert "London" not in rest
    # "+05:30" is a zone, not "05:30" on the visitor's clock
    text = "thursday +05:30"
    reading = read_zone(text, WINTER)
    assert reading is not None
    assert reading.zone == ZoneInfo("Asia/Kolkata")
    day = parse_day(without(text, reading.spans), WINTER, reading.zone)
    assert day is not None
    assert day.weekday == 3
    assert day.start.hour == 0


def test_hostile_text_is_read_only_to_its_cap() -> None:
    assert zone_of("x" * MAX_CHARS + " I'm in London") is None
    assert zone_of("I'm in London " + "x" * 100_000) == "Europe/London"
    for name, text in hostile_inputs().items():
        assert read_zone(text, WINTER) is None, name


def test_fixed_offsets_are_labelled_the_way_people_write_them() -> None:
    assert zone_label(ZoneInfo("Etc/GMT-2")) == "UTC+2"
    assert zone_label(ZoneInfo("Etc/GMT+5")) == "UTC-5"
    assert zone_label(ZoneInfo("UTC")) == "UTC"
    assert zone_label(ZoneInfo("Europe/London")) == "Europe/London"
    assert which_zone((*US_FIRST, "America/Los_Angeles")) == (
        "Which time zone is yours: America/New_York, America/Chicago, America/Denver or "
        "America/Phoenix? Your city is enough."
    )


def test_every_zone_in_the_tables_is_in_the_tz_database() -> None:
    for key, name in zone_names.names().items():
        for zone in name.zones:
            assert ZoneInfo(zone).key == zone, key


@pytest.mark.parametrize(
    "word", ["in", "on", "the", "time", "one", "two", "first", "sales", "wake", "male", "west"]
)
def test_common_words_are_no_names(word: str) -> None:
    assert (word,) not in zone_names.names()
