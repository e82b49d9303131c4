"""A rep's next free slots: working hours, minus days off, minus meetings and busy time
(each widened by the rep's buffer), from the minimum notice on.

Everything is computed on the rep's wall clock with zoneinfo and compared in UTC. On the
night clocks go forward, a wall time that does not exist is never offered; on the night
they go back, a wall time that happens twice is offered once (its first occurrence).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from bot.handoff.reps import Rep

Interval = tuple[datetime, datetime]
HORIZON_DAYS = 28


@dataclass(frozen=True)
class DayFilter:
    """A visitor's "thursday afternoon": a weekday and/or a part of the day, their clock."""

    weekday: int | None = None  # Monday 0
    start: time = time(0, 0)
    end: time = time(23, 59, 59)
    on: date | None = None  # a given date ("tomorrow")

    def accepts(self, instant: datetime, zone: ZoneInfo) -> bool:
        local = instant.astimezone(zone)
        if self.weekday is not None and local.weekday() != self.weekday:
            return False
        if self.on is not None and local.date() != self.on:
            return False
        return self.start <= local.time() < self.end


def _exists(local: datetime) -> bool:
    """False for a wall time skipped by a clock change (02:30 on spring-forward night)."""
    zone = local.tzinfo
    assert zone is not None
    return local.astimezone(timezone.utc).astimezone(zone).replace(tzinfo=None) == local.replace(
        tzinfo=None
    )


def candidate_starts(rep: Rep, first_day: date, days: int, step: timedelta) -> Iterator[datetime]:
    """Every slot start in working hours, in order, as UTC instants."""
    zone = rep.zone
    for offset in range(days):
        day = first_day + timedelta(days=offset)
        if day in rep.days_off:
            continue
        for window_start, window_end in rep.working_hours.get(day.weekday(), ()):
            wall = datetime.combine(day, window_start)
            while True:
                local = wall.replace(tzinfo=zone, fold=0)
                if wall.date() != day or wall.time() >= window_end:
                    break
                wall += step
                if not _exists(local):
                    continue
                start = local.astimezone(timezone.utc)
                end_local = (start + rep.meeting).astimezone(zone)
                if end_local.date() != day or end_local.time() > window_end:
                    break
                yield start


def conflicts(start: datetime, end: datetime, busy: Sequence[Interval], buffer: timedelta) -> bool:
    return any(b_start - buffer < end and start < b_end + buffer for b_start, b_end in busy)


def free_slots(
    rep: Rep,
    now: datetime,
    busy: Sequence[Interval],
    *,
    step: timedelta = timedelta(minutes=30),
    after: datetime | None = None,
    count: int = 3,
    day_filter: DayFilter | None = None,
    filter_zone: ZoneInfo | None = None,
    horizon_days: int = HORIZON_DAYS,
) -> list[datetime]:
    """Up to `count` free slot starts (UTC), earliest first, not before `after`."""
    earliest = now + rep.min_notice
    if after is not None:
        earliest = max(earliest, after)
    first_day = now.astimezone(rep.zone).date()
    found: list[datetime] = []
    for start in candidate_starts(rep, first_day, horizon_days, step):
        if start < earliest:
            continue
        if day_filter is not None and not day_filter.accepts(start, filter_zone or rep.zone):
            continue
        if conflicts(start, start + rep.meeting, busy, rep.buffer):
            continue
        found.append(start)
        if len(found) == count:
            break
    return found


def is_free(
    rep: Rep, start: datetime, now: datetime, busy: Sequence[Interval], step: timedelta
) -> bool:
    """Is `start` one of the rep's slots, far enough ahead and free? (Checked at booking.)"""
    if start < now + rep.min_notice:
        return False
    day = start.astimezone(rep.zone).date()
    if start not in set(candidate_starts(rep, day, 1, step)):
        return False
    return not conflicts(start, start + rep.meeting, busy, rep.buffer)


def within_hours(rep: Rep, instant: datetime) -> bool:
    """Is the rep at work at this instant (a person can answer now)?"""
    local = instant.astimezone(rep.zone)
    if local.date() in rep.days_off:
        return False
    return any(
        start <= local.time() < end for start, end in rep.working_hours.get(local.weekday(), ())
    )


def next_opening(rep: Rep, now: datetime) -> datetime | None:
    """When the rep's next working period starts (or now, if at work)."""
    if within_hours(rep, now):
        return now
    zone = rep.zone
    today = now.astimezone(zone).date()
    for offset in range(HORIZON_DAYS):
        day = today + timedelta(days=offset)
        if day in rep.days_off:
            continue
        for start, _ in rep.working_hours.get(day.weekday(), ()):
            local = datetime.combine(day, start).replace(tzinfo=zone)
            instant = local.astimezone(timezone.utc)
            if instant > now:
                return instant
    return None
