"""When each step of a sequence goes out: delays, then send windows in the lead's time zone.

Pure functions over aware datetimes. A window is read in the lead's local time, so "Monday
9:00" stays 9:00 for the lead across a daylight-saving change (the UTC instant moves).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.nurture.sequences import NurtureSequence, Window

_SEARCH_DAYS = 15  # a window opens at least once a week; two weeks is plenty


def lead_zone(name: str | None, default: str) -> ZoneInfo:
    """The lead's time zone from its browser, or the default when unknown or invalid."""
    if name:
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            pass
    return ZoneInfo(default)


def _local_instant(day: date, hour: int, zone: ZoneInfo) -> datetime:
    """`hour`:00 on `day` in `zone`, as UTC. A time that does not exist (the hour skipped
    when clocks go forward) maps to the same moment one hour later on the wall clock."""
    if hour == 24:
        day, hour = day + timedelta(days=1), 0
    return datetime.combine(day, time(hour), tzinfo=zone).astimezone(timezone.utc)


def next_opening(at: datetime, window: Window, zone: ZoneInfo) -> datetime:
    """The first instant at or after `at` inside `window` in the lead's local time."""
    if window.always:
        return at
    local_day = at.astimezone(zone).date()
    for offset in range(_SEARCH_DAYS):
        day = local_day + timedelta(days=offset)
        if day.weekday() not in window.days:
            continue
        end = _local_instant(day, window.end_hour, zone)
        if at < end:
            return max(at, _local_instant(day, window.start_hour, zone))
    raise ValueError(f"window {window.name!r} never opens")  # the schema forbids this


@dataclass(frozen=True)
class PlannedStep:
    key: str
    position: int
    due_at: datetime


def plan(sequence: NurtureSequence, start: datetime, zone: ZoneInfo) -> list[PlannedStep]:
    """Every step's due time: each `after` counts from the previous step's due time (the
    first from `start`), then waits for the step's window to open."""
    planned: list[PlannedStep] = []
    previous = start
    for position, step in enumerate(sequence.steps):
        due = next_opening(previous + step.after, step.window, zone)
        planned.append(PlannedStep(key=step.key, position=position, due_at=due))
        previous = due
    return planned
