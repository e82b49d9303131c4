"""A rep's own busy time, read from their calendar's secret iCal address.

Any calendar app gives one (Google, Outlook, Nextcloud). Read with `icalendar`, recurring
events expanded by `recurring-ical-events`, cached a few minutes per rep. Slots shown to a
visitor use the cache; a booking re-reads the feed first. A feed that is down or broken
never blocks a booking: it is logged and the last good copy (or nothing) is used.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from typing import Any

import aiohttp
import recurring_ical_events
from icalendar import Calendar

from bot.clock import Clock
from bot.handoff.reps import Rep
from bot.handoff.slots import HORIZON_DAYS, Interval
from bot.notify.deliver import SecretLookup

logger = logging.getLogger(__name__)

CACHE_TTL = timedelta(minutes=5)
FETCH_TIMEOUT_SECONDS = 5.0
MAX_FEED_BYTES = 5_000_000


@dataclass(frozen=True)
class _Cached:
    fetched_at: datetime
    busy: list[Interval]


def _instant(value: Any, rep: Rep) -> datetime:
    """DATE -> midnight on the rep's clock; floating time -> the rep's zone; else as is."""
    if isinstance(value, datetime):
        aware: datetime = value if value.tzinfo is not None else value.replace(tzinfo=rep.zone)
        return aware.astimezone(timezone.utc)
    if isinstance(value, date):
        return datetime.combine(value, time(0), tzinfo=rep.zone).astimezone(timezone.utc)
    raise ValueError(f"not a date or time: {value!r}")


def parse_busy(data: bytes, rep: Rep, start: datetime, end: datetime) -> list[Interval]:
    """Busy intervals between start and end (recurrences expanded; free/cancelled skipped)."""
    calendar = Calendar.from_ical(data)
    busy: list[Interval] = []
    for event in recurring_ical_events.of(calendar).between(start, end):
        if str(event.get("TRANSP", "OPAQUE")).upper() == "TRANSPARENT":
            continue
        if str(event.get("STATUS", "")).upper() == "CANCELLED":
            continue
        begin = _instant(event.decoded("DTSTART"), rep)
        if "DTEND" in event:
            finish = _instant(event.decoded("DTEND"), rep)
        elif "DURATION" in event:
            finish = begin + event.decoded("DURATION")
        else:
            is_day = not isinstance(event.decoded("DTSTART"), datetime)
            finish = begin + (timedelta(days=1) if is_day else timedelta(0))
        busy.append((begin, finish))
    return sorted(busy)


class BusyCalendars:
    def __init__(
        self,
        secrets: SecretLookup,
        clock: Clock,
        *,
        ttl: timedelta = CACHE_TTL,
        timeout: float = FETCH_TIMEOUT_SECONDS,
    ) -> None:
        self._secrets = secrets
        self._clock = clock
        self._ttl = ttl
        self._timeout = timeout
        self._cache: dict[str, _Cached] = {}
        self._session: aiohttp.ClientSession | None = None
        self._lock = asyncio.Lock()

    def cached(self, rep: Rep) -> list[Interval]:
        entry = self._cache.get(rep.id)
        return list(entry.busy) if entry is not None else []

    async def busy(self, rep: Rep, *, fresh: bool = False) -> list[Interval]:
        """The rep's busy time over the booking horizon; re-read when stale or `fresh`."""
        url = self._secrets(rep.busy_ics_url_env) if rep.busy_ics_url_env else None
        if not url:
            return []
        now = self._clock.now()
        entry = self._cache.get(rep.id)
        if entry is not None and not fresh and now - entry.fetched_at < self._ttl:
            return list(entry.busy)
        try:
            data = await self._fetch(url)
            busy = parse_busy(
                data, rep, now - timedelta(days=1), now + timedelta(days=HORIZON_DAYS + 1)
            )
        except Exception as error:  # a feed that is down or broken never blocks a booking
            logger.warning(
                "busy calendar of rep %s unavailable (%s: %s); using %s",
                rep.id, type(error).__name__, error,
                "the last good copy" if entry else "working hours only",
            )  # fmt: skip
            return list(entry.busy) if entry else []
        self._cache[rep.id] = _Cached(now, busy)
        return list(busy)

    async def _fetch(self, url: str) -> bytes:
        async with self._lock:
            if self._session is None or self._session.closed:
                self._session = aiohttp.ClientSession()
        timeout = aiohttp.ClientTimeout(total=self._timeout)
        async with self._session.get(url, timeout=timeout) as response:
            response.raise_for_status()
            data = await response.content.read(MAX_FEED_BYTES + 1)
        if len(data) > MAX_FEED_BYTES:
            raise ValueError("calendar feed larger than 5 MB")
        return data

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
