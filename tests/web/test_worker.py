"""The spool worker delivers leads spooled while the database was down."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

import pytest

from bot.leads.service import LeadInput
from bot.leads.spool import LeadSpool
from bot.web.keys import SPOOL_WORKER

from .conftest import AUTH, UNREACHABLE_DATABASE, StartApp, services_of
from .seed import jane


async def _wait_for(condition: Callable[[], Awaitable[bool]], timeout: float = 10.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not await condition():
        assert asyncio.get_running_loop().time() < deadline, "timed out"
        await asyncio.sleep(0.02)


async def test_the_worker_delivers_a_spooled_lead(start_app: StartApp) -> None:
    client = await start_app(spool_interval=0.05)
    services = services_of(client)
    path = services.spool.put(jane(services))  # as the action does when the database is down

    async def delivered() -> bool:
        response = await client.get("/api/leads?conversation_id=conv-jane", headers=AUTH)
        return bool((await response.json())["total"])

    await _wait_for(delivered)
    assert not path.exists()
    (lead,) = (await (await client.get("/api/leads", headers=AUTH)).json())["items"]
    assert (lead["email"], lead["grade"], lead["score"]) == ("jane.doe@acme.io", "A", 100)
    # A hot lead that waited out an outage is routed and its rep told, as in a visitor's turn.
    assert "lead.qualified" in {n["event"] for n in lead["notifications"]}


async def test_the_worker_keeps_going_while_the_database_is_down(
    start_app: StartApp, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="bot.web.worker")
    client = await start_app(UNREACHABLE_DATABASE, migrate=False, spool_interval=0.01)
    services = services_of(client)
    path = services.spool.put(LeadInput(conversation_id="conv-waiting"))

    def failed_passes() -> int:
        return sum("database unavailable" in r.getMessage() for r in caplog.records)

    async def tried_again() -> bool:
        return failed_passes() >= 3  # each pass tried the database and went on

    await _wait_for(tried_again)
    assert client.app is not None
    worker = client.app[SPOOL_WORKER]
    assert not worker.done()
    assert path.exists()
    assert LeadSpool(path.parent).pending() == [path]


async def test_the_worker_stops_with_the_app(start_app: StartApp) -> None:
    client = await start_app(spool_interval=0.01)
    assert client.app is not None
    worker = client.app[SPOOL_WORKER]
    await client.close()
    assert worker.cancelled()
