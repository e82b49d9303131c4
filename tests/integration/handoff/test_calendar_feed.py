"""A rep's busy calendar from a real local HTTP server serving an .ics file."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from datetime import datetime, timezone

import pytest
from aiohttp import web

from bot.clock import FrozenClock
from bot.handoff import service
from bot.handoff.calendar_feed import BusyCalendars
from bot.handoff.service import Handoff
from tests.integration.handoff.conftest import make_handoff
from tests.integration.handoff.helpers import UowFactory, store_hot_lead
from tests.integration.notify.receiver import free_port
from tests.unit.handoff.factories import rep_config

NOW = datetime(2026, 11, 30, 7, 0, tzinfo=timezone.utc)  # Monday 08:00 in Paris
# Every weekday 09:00-10:00 Paris time, a stand-up; one free (transparent) lunch; one
# all-day event on Wednesday 2 December.
ICS = b"""BEGIN:VCALENDAR\r
VERSION:2.0\r
PRODID:-//test//EN\r
BEGIN:VEVENT\r
UID:standup@test\r
DTSTAMP:20261101T000000Z\r
DTSTART;TZID=Europe/Paris:20261102T090000\r
DTEND;TZID=Europe/Paris:20261102T100000\r
RRULE:FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR\r
SUMMARY:Stand-up\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:lunch@test\r
DTSTAMP:20261101T000000Z\r
DTSTART:20261130T110000Z\r
DTEND:20261130T120000Z\r
TRANSP:TRANSPARENT\r
SUMMARY:Lunch (free)\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:offsite@test\r
DTSTAMP:20261101T000000Z\r
DTSTART;VALUE=DATE:20261202\r
DTEND;VALUE=DATE:20261203\r
SUMMARY:Offsite\r
END:VEVENT\r
END:VCALENDAR\r
"""


class Feed:
    def __init__(self) -> None:
        self.port = free_port()
        self.hits = 0
        self.status = 200
        self.body = ICS
        self._runner: web.AppRunner | None = None

    async def _serve(self, request: web.Request) -> web.Response:
        self.hits += 1
        return web.Response(status=self.status, body=self.body, content_type="text/calendar")

    async def start(self) -> None:
        app = web.Application()
        app.router.add_get("/private/basic.ics", self._serve)
        self._runner = web.AppRunner(app, handle_signals=False)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", self.port, reuse_address=True).start()

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None


@pytest.fixture
async def feed() -> AsyncIterator[Feed]:
    server = Feed()
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
def with_feed() -> Handoff:
    return make_handoff(rep_config("ana", "Europe/Paris", busy_ics_url_env="ANA_BUSY_ICS"))


async def test_recurring_busy_time_is_expanded_and_blocks_slots(
    feed: Feed, with_feed: Handoff, new_uow: UowFactory
) -> None:
    clock = FrozenClock(NOW)
    calendars = BusyCalendars(
        {"ANA_BUSY_ICS": f"http://127.0.0.1:{feed.port}/private/basic.ics"}.get, clock
    )
    rep = with_feed.team.reps["ana"]
    try:
        busy = await calendars.busy(rep)
    finally:
        await calendars.close()
    starts = {start.astimezone(rep.zone).strftime("%a %d %H:%M") for start, _ in busy}
    assert {"Mon 30 09:00", "Tue 01 09:00", "Thu 03 09:00"} <= starts
    assert "Mon 30 12:00" not in starts  # transparent: free
    assert "Wed 02 00:00" in starts  # the all-day event, midnight to midnight Paris time

    await store_hot_lead(new_uow, with_feed, "conv-1", NOW)
    offer = await service.offer_slots(new_uow(), with_feed, "conv-1", NOW, external={"ana": busy})
    assert offer is not None
    # 09:00-10:00 is the stand-up and the default buffer is 0 here: 10:00 Paris is first
    assert offer.slots[0] == datetime(2026, 11, 30, 9, 0, tzinfo=timezone.utc)


async def test_cached_then_rechecked_and_a_feed_that_is_down_never_blocks(
    feed: Feed, with_feed: Handoff, caplog: pytest.LogCaptureFixture
) -> None:
    clock = FrozenClock(NOW)
    calendars = BusyCalendars(
        {"ANA_BUSY_ICS": f"http://127.0.0.1:{feed.port}/private/basic.ics"}.get, clock
    )
    rep = with_feed.team.reps["ana"]
    try:
        first = await calendars.busy(rep)
        assert await calendars.busy(rep) == first
        assert feed.hits == 1  # cached
        assert await calendars.busy(rep, fresh=True) == first
        assert feed.hits == 2  # booking re-checks
        feed.status = 503
        clock.advance(600)
        with caplog.at_level(logging.WARNING, logger="bot.handoff.calendar_feed"):
            assert await calendars.busy(rep) == first  # the last good copy
        assert "busy calendar of rep ana unavailable" in caplog.text
        await feed.stop()
        fresh = BusyCalendars(
            {"ANA_BUSY_ICS": f"http://127.0.0.1:{feed.port}/private/basic.ics"}.get, clock
        )
        assert await fresh.busy(rep) == []  # nothing known, working hours only
        await fresh.close()
    finally:
        await calendars.close()
