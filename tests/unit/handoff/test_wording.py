"""A visitor's day in words, read on their own clock; slot labels for buttons."""

from __future__ import annotations

from datetime import date, datetime, time, timezone
from zoneinfo import ZoneInfo

import pytest

from bot.handoff.slots import DayFilter
from bot.handoff.wording import parse_day, slot_label

NOW = datetime(2026, 11, 30, 3, 0, tzinfo=timezone.utc)  # Sunday 22:00 in New York
NEW_YORK = ZoneInfo("America/New_York")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("thursday afternoon", DayFilter(weekday=3, start=time(12), end=time(17))),
        ("how about Friday morning?", DayFilter(weekday=4, start=time(6), end=time(12))),
        ("tomorrow at 3pm", DayFilter(on=date(2026, 11, 30), start=time(15), end=time(16))),
        ("today", DayFilter(on=date(2026, 11, 29))),  # still Sunday in New York
        ("tue 10:30", DayFilter(weekday=1, start=time(10, 30), end=time(11, 30))),
        ("wednesday evening", DayFilter(weekday=2, start=time(17), end=time(22))),
    ],
)
def test_days_and_parts_of_the_day(text: str, expected: DayFilter) -> None:
    assert parse_day(text, NOW, NEW_YORK) == expected


@pytest.mark.parametrize("text", ["yes", "the first one", "2", "sounds good"])
def test_no_day_named_is_no_filter(text: str) -> None:
    assert parse_day(text, NOW, NEW_YORK) is None


def test_slot_labels_are_on_the_readers_clock() -> None:
    start = datetime(2026, 12, 3, 14, 30, tzinfo=timezone.utc)
    assert slot_label(start, NEW_YORK) == "Thu 3 Dec, 09:30"
    assert slot_label(start, ZoneInfo("Asia/Kolkata")) == "Thu 3 Dec, 20:00"
