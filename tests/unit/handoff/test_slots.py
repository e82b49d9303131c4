"""Free slots on the rep's wall clock: DST both ways in the US and the EU, a half-hour
zone, days off, minimum notice, meetings and busy time with buffers."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from bot.handoff.slots import DayFilter, free_slots, is_free, next_opening, within_hours
from tests.unit.handoff.factories import rep

UTC = timezone.utc
EVERY_DAY = {d: ["09:00-10:00"] for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}
NIGHT = {d: ["01:00-04:00"] for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}


def _local(slots: list[datetime], zone: str) -> list[str]:
    return [s.astimezone(ZoneInfo(zone)).strftime("%m-%d %H:%M %Z") for s in slots]


def test_us_spring_forward_keeps_nine_oclock_local_and_moves_it_in_utc() -> None:
    ny = rep(zone="America/New_York", working_hours=EVERY_DAY)
    now = datetime(2026, 3, 7, 16, 0, tzinfo=UTC)  # Sat 11:00 EST; clocks go forward Sunday
    slots = free_slots(ny, now, [], count=4)
    assert _local(slots, "America/New_York") == [
        "03-08 09:00 EDT", "03-08 09:30 EDT", "03-09 09:00 EDT", "03-09 09:30 EDT",
    ]  # fmt: skip
    assert slots[0] == datetime(2026, 3, 8, 13, 0, tzinfo=UTC)  # was 14:00 UTC the day before


def test_us_spring_forward_never_offers_a_time_that_does_not_exist() -> None:
    ny = rep(zone="America/New_York", working_hours=NIGHT)
    now = datetime(2026, 3, 8, 0, 0, tzinfo=UTC)  # Sat 7 March 19:00 in New York
    slots = free_slots(ny, now, [], count=4)
    # 02:00-02:59 does not exist on 8 March: 01:00, 01:30, then straight to 03:00
    assert _local(slots, "America/New_York") == [
        "03-08 01:00 EST", "03-08 01:30 EST", "03-08 03:00 EDT", "03-08 03:30 EDT",
    ]  # fmt: skip


def test_us_fall_back_offers_the_repeated_hour_once() -> None:
    ny = rep(zone="America/New_York", working_hours=NIGHT)
    now = datetime(2026, 11, 1, 0, 0, tzinfo=UTC)  # Sat 31 Oct 20:00 in New York
    slots = free_slots(ny, now, [], count=6)
    assert len(set(slots)) == len(slots) == 6
    assert _local(slots, "America/New_York")[:2] == ["11-01 01:00 EDT", "11-01 01:30 EDT"]
    assert "11-01 01:00 EST" not in _local(slots, "America/New_York")


def test_eu_both_transitions_keep_working_hours_local() -> None:
    berlin = rep(zone="Europe/Berlin", working_hours=EVERY_DAY)
    spring = free_slots(berlin, datetime(2026, 3, 27, 12, 0, tzinfo=UTC), [], count=3)
    assert [s.hour for s in spring] == [8, 8, 7]  # 09:00 CET = 08:00 UTC; 09:00 CEST = 07:00
    autumn = free_slots(berlin, datetime(2026, 10, 24, 12, 0, tzinfo=UTC), [], count=3)
    assert [s.hour for s in autumn] == [8, 8, 8]  # Sunday 25 Oct is already CET: 08:00 UTC
    assert _local(autumn, "Europe/Berlin")[0] == "10-25 09:00 CET"
    assert _local(free_slots(berlin, datetime(2026, 10, 23, 12, 0, tzinfo=UTC), [], count=1),
                  "Europe/Berlin") == ["10-24 09:00 CEST"]  # fmt: skip


def test_half_hour_zone_and_a_visitor_elsewhere_see_the_same_instant() -> None:
    kolkata = rep(zone="Asia/Kolkata", working_hours={"tue": ["10:00-12:00"]})
    now = datetime(2026, 12, 1, 0, 0, tzinfo=UTC)  # Tue 05:30 in Kolkata
    slots = free_slots(kolkata, now, [], count=2)
    assert slots == [
        datetime(2026, 12, 1, 4, 30, tzinfo=UTC),
        datetime(2026, 12, 1, 5, 0, tzinfo=UTC),
    ]
    assert _local(slots, "Asia/Kolkata") == ["12-01 10:00 IST", "12-01 10:30 IST"]
    assert _local(slots, "America/Los_Angeles") == ["11-30 20:30 PST", "11-30 21:00 PST"]


def test_days_off_notice_meetings_busy_time_and_buffers() -> None:
    paris = rep(
        zone="Europe/Paris",
        working_hours={"tue": ["09:00-12:00"], "wed": ["09:00-12:00"]},
        days_off=["2026-12-02"],
        min_notice_minutes=60,
        buffer_minutes=15,
    )
    now = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)  # Tue 09:00 Paris: 09:00 and 09:30 too soon
    meeting = (datetime(2026, 12, 1, 9, 30, tzinfo=UTC), datetime(2026, 12, 1, 10, 0, tzinfo=UTC))
    slots = free_slots(paris, now, [meeting], count=10)
    # 10:00/10:30 too soon; 11:00 Paris (10:00 UTC) inside the buffer after 10:30-11:00 Paris,
    # 10:30 Paris before it; 11:30 ends at 12:00. Wednesday is a day off; next Tuesday next.
    assert _local(slots, "Europe/Paris")[:2] == ["12-01 11:30 CET", "12-08 09:00 CET"]
    assert is_free(paris, slots[0], now, [meeting], timedelta(minutes=30))
    assert not is_free(paris, meeting[0], now, [meeting], timedelta(minutes=30))
    assert not is_free(paris, slots[0] + timedelta(minutes=7), now, [], timedelta(minutes=30))


def test_a_day_filter_reads_the_visitors_clock() -> None:
    paris = rep(zone="Europe/Paris", working_hours={d: ["09:00-18:00"] for d in ("mon", "thu")})
    now = datetime(2026, 11, 30, 6, 0, tzinfo=UTC)  # Monday
    thursday_afternoon_ny = DayFilter(weekday=3, start=time(12), end=time(18))
    slots = free_slots(paris, now, [], count=2, day_filter=thursday_afternoon_ny,
                       filter_zone=ZoneInfo("America/New_York"))  # fmt: skip
    # Thursday afternoon in New York is Thursday evening in Paris, after the rep's hours:
    # nothing is offered rather than a time the visitor did not ask for.
    assert slots == []
    morning_ny = DayFilter(weekday=3, start=time(6), end=time(12))
    slots = free_slots(paris, now, [], count=2, day_filter=morning_ny,
                       filter_zone=ZoneInfo("America/New_York"))  # fmt: skip
    assert _local(slots, "America/New_York") == ["12-03 06:00 EST", "12-03 06:30 EST"]


def test_within_hours_and_next_opening() -> None:
    paris = rep(zone="Europe/Paris", working_hours={"mon": ["09:00-17:00"]})
    monday_noon = datetime(2026, 11, 30, 11, 0, tzinfo=UTC)
    assert within_hours(paris, monday_noon)
    assert next_opening(paris, monday_noon) == monday_noon
    monday_night = datetime(2026, 11, 30, 20, 0, tzinfo=UTC)
    assert not within_hours(paris, monday_night)
    assert next_opening(paris, monday_night) == datetime(2026, 12, 7, 8, 0, tzinfo=UTC)
    assert date(2026, 12, 7).weekday() == 0
