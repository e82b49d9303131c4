"""The rhythm and the send windows, in the lead's time zone, across daylight-saving changes."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from bot.nurture.schedule import lead_zone, next_opening, plan
from bot.nurture.sequences import Window, load_sequences
from bot.settings import ROOT

BOOK = load_sequences(ROOT / "sequences.yml")
NEW_YORK = ZoneInfo("America/New_York")
BUSINESS = Window("business_hours", frozenset(range(5)), 9, 17)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=timezone.utc)


def test_inside_the_window_goes_now_outside_waits_for_the_next_opening() -> None:
    tuesday_10_local = datetime(2027, 1, 12, 10, tzinfo=NEW_YORK)
    assert next_opening(tuesday_10_local, BUSINESS, NEW_YORK) == tuesday_10_local
    tuesday_18_local = datetime(2027, 1, 12, 18, tzinfo=NEW_YORK)
    assert next_opening(tuesday_18_local, BUSINESS, NEW_YORK) == datetime(
        2027, 1, 13, 9, tzinfo=NEW_YORK
    )
    saturday = datetime(2027, 1, 16, 11, tzinfo=NEW_YORK)
    assert next_opening(saturday, BUSINESS, NEW_YORK) == datetime(2027, 1, 18, 9, tzinfo=NEW_YORK)
    # exactly at the end hour is outside (hours are [start, end))
    assert next_opening(datetime(2027, 1, 12, 17, tzinfo=NEW_YORK), BUSINESS, NEW_YORK) == datetime(
        2027, 1, 13, 9, tzinfo=NEW_YORK
    )


def test_the_window_is_read_in_the_leads_zone_not_utc() -> None:
    # 14:30 UTC on a Monday is 9:30 in New York (open) but 23:30 in Tokyo (closed).
    at = utc(2027, 1, 11, 14, 30)
    assert next_opening(at, BUSINESS, NEW_YORK) == at
    tokyo = ZoneInfo("Asia/Tokyo")
    assert next_opening(at, BUSINESS, tokyo) == datetime(2027, 1, 12, 9, tzinfo=tokyo)


def test_nine_oclock_stays_nine_oclock_across_the_spring_dst_change() -> None:
    # Clocks in New York go forward on Sunday 14 March 2027: 9:00 is 14:00 UTC the Friday
    # before and 13:00 UTC the Monday after.
    friday_evening = datetime(2027, 3, 12, 18, tzinfo=NEW_YORK)
    before = next_opening(datetime(2027, 3, 12, 8, tzinfo=NEW_YORK), BUSINESS, NEW_YORK)
    after = next_opening(friday_evening, BUSINESS, NEW_YORK)
    assert before == utc(2027, 3, 12, 14)
    assert after == utc(2027, 3, 15, 13)
    assert after.astimezone(NEW_YORK).hour == 9


def test_an_opening_in_the_skipped_hour_moves_forward_not_back() -> None:
    early = Window("early_sunday", frozenset({6}), 2, 5)
    opening = next_opening(datetime(2027, 3, 13, 12, tzinfo=NEW_YORK), early, NEW_YORK)
    assert opening == utc(2027, 3, 14, 7)  # 2:00 EST does not exist: 3:00 EDT
    assert opening.astimezone(NEW_YORK).hour == 3


def test_autumn_change_keeps_the_local_hour() -> None:
    paris = ZoneInfo("Europe/Paris")  # back to winter time on Sunday 31 October 2027
    opening = next_opening(datetime(2027, 10, 29, 18, tzinfo=paris), BUSINESS, paris)
    assert opening == utc(2027, 11, 1, 8)  # 9:00 CET; the Friday before, 9:00 was 7:00 UTC
    assert next_opening(datetime(2027, 10, 29, 8, tzinfo=paris), BUSINESS, paris) == utc(
        2027, 10, 29, 7
    )


def test_the_seed_rhythm_welcome_now_then_reminder_value_check_in_closure() -> None:
    # Enrolled on Tuesday 12 January 2027, 15:10 in New York.
    start = datetime(2027, 1, 12, 15, 10, tzinfo=NEW_YORK)
    steps = plan(BOOK.get("pricing_and_roi"), start, NEW_YORK)
    local = [(s.key, s.due_at.astimezone(NEW_YORK)) for s in steps]
    assert local[0] == ("welcome", start)
    assert local[1] == ("reminder", datetime(2027, 1, 14, 15, 10, tzinfo=NEW_YORK))  # +2 days
    # +1 week lands on Thursday 21 at 15:10: outside weekday mornings, so Tuesday 26, 9:00
    assert local[2] == ("value", datetime(2027, 1, 26, 9, tzinfo=NEW_YORK))
    assert local[3] == ("check_in", datetime(2027, 2, 9, 9, tzinfo=NEW_YORK))  # +2 weeks
    assert local[4] == ("closure", datetime(2027, 3, 2, 9, tzinfo=NEW_YORK))  # +3 weeks
    assert all(a.due_at < b.due_at for a, b in itertools.pairwise(steps))


def test_a_weekend_enrollment_sends_the_welcome_now_and_the_reminder_on_a_weekday() -> None:
    start = datetime(2027, 1, 16, 22, tzinfo=NEW_YORK)  # Saturday night
    steps = plan(BOOK.get("book_when_ready"), start, NEW_YORK)
    assert steps[0].due_at == start
    assert steps[1].due_at.astimezone(NEW_YORK) == datetime(2027, 1, 18, 22, tzinfo=NEW_YORK) + (
        datetime(2027, 1, 19, 9) - datetime(2027, 1, 18, 22)
    )
    assert steps[1].due_at - start > timedelta(days=2)


def test_unknown_or_missing_zones_fall_back_to_the_default() -> None:
    assert lead_zone("Europe/Paris", "UTC") == ZoneInfo("Europe/Paris")
    assert lead_zone("Not/AZone", "UTC") == ZoneInfo("UTC")
    assert lead_zone(None, "America/New_York") == NEW_YORK
    assert lead_zone("../../etc/passwd", "UTC") == ZoneInfo("UTC")
