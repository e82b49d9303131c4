"""PostgreSQL cut through the TCP proxy in the middle of a drain and of an erasure: every
lead is stored once or still spooled, and an erasure is whole or not at all."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncIterator, Callable
from typing import Any

import psycopg
import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from bot.leads.models import Conversation, Lead, ScoreHistory, TranscriptMessage
from bot.leads.unit_of_work import SqlAlchemyUnitOfWork
from bot.web.worker import drain_pass
from tests.support.tcp_proxy import TcpProxy
from tests.web.conftest import AUTH, StartApp, services_of
from tests.web.seed import jane

pytestmark = pytest.mark.postgres
SPOOLED = 12


@pytest.fixture
async def proxied(postgres_url: str) -> AsyncIterator[tuple[TcpProxy, str]]:
    real = make_url(postgres_url)
    proxy = TcpProxy(real.host or "127.0.0.1", real.port or 5432)
    await proxy.start()
    yield proxy, real.set(port=proxy.port).render_as_string(hide_password=False)
    await proxy.cut()


async def counts(url: str) -> dict[str, int]:
    from bot.leads.db import make_engine

    engine = make_engine(url)
    try:
        async with engine.connect() as connection:
            return {
                model.__tablename__: int(
                    (await connection.execute(select(func.count()).select_from(model))).scalar_one()
                )
                for model in (Lead, Conversation, TranscriptMessage, ScoreHistory)
            }
    finally:
        await engine.dispose()


async def test_postgres_cut_mid_drain_loses_nothing_and_doubles_nothing(
    start_app: StartApp, postgres_url: str, proxied: tuple[TcpProxy, str]
) -> None:
    proxy, url = proxied
    client = await start_app(url)
    services = services_of(client)
    await asyncio.sleep(0.5)  # the app's worker made its first pass over an empty spool
    for n in range(SPOOLED):
        person = jane(services)
        services.spool.put(
            dataclasses.replace(
                person,
                conversation_id=f"conv-{n:02}",
                email=dataclasses.replace(
                    person.email,
                    raw=f"p{n}@acme.io",  # type: ignore[arg-type]
                    normalized=f"p{n}@acme.io",
                ),
            )
        )
    transcript = len(jane(services).transcript)

    opened = 0
    real_uow: Callable[[], SqlAlchemyUnitOfWork] = services.uow

    def uow_cutting_at_the_fifth() -> SqlAlchemyUnitOfWork:
        nonlocal opened
        opened += 1
        if opened == 5:
            asyncio.get_running_loop().create_task(proxy.cut())  # while lead 5 is written
        return real_uow()

    services.uow = uow_cutting_at_the_fifth  # type: ignore[method-assign]
    report = await drain_pass(services)
    services.uow = real_uow  # type: ignore[method-assign]

    stored = await counts(postgres_url)
    left = len(services.spool.pending())
    assert 4 <= report.delivered < SPOOLED
    assert stored["leads"] == report.delivered == SPOOLED - left  # stored or spooled
    assert stored["transcript_messages"] == report.delivered * transcript  # never half

    await proxy.start()
    again = await drain_pass(services)
    assert again.delivered == left
    assert services.spool.pending() == []
    assert await counts(postgres_url) == {
        "leads": SPOOLED,
        "conversations": SPOOLED,
        "transcript_messages": SPOOLED * transcript,
        "score_history": SPOOLED,  # a lead delivered twice would have two (or a 2nd lead)
    }


async def test_postgres_cut_mid_erasure_erases_all_or_nothing(
    start_app: StartApp, postgres_url: str, proxied: tuple[TcpProxy, str]
) -> None:
    proxy, url = proxied
    client = await start_app(url)
    services = services_of(client)
    from bot.leads.service import record_lead

    await record_lead(services.uow(), jane(services))
    before = await counts(postgres_url)

    # Another session locks Jane's lead: the erasure reads her conversations, clears the
    # spool, then waits on the lock inside its delete transaction; there PostgreSQL goes.
    libpq = make_url(postgres_url).set(drivername="postgresql").render_as_string(False)
    async with await psycopg.AsyncConnection.connect(libpq) as blocker:
        await blocker.execute("SELECT id FROM leads FOR UPDATE")
        erasure = asyncio.ensure_future(client.delete("/api/people/jane.doe@acme.io", headers=AUTH))
        await _until_waiting_on_a_lock(blocker)
        await proxy.cut()
        response = await asyncio.wait_for(erasure, 60)
        await blocker.rollback()

    assert response.status == 503
    body = await response.json()
    assert set(body) == {"error", "request_id"}
    assert await counts(postgres_url) == before  # nothing half-erased

    await proxy.start()
    response = await client.delete("/api/people/jane.doe@acme.io", headers=AUTH)
    assert response.status == 200
    assert set((await counts(postgres_url)).values()) == {0}


async def _until_waiting_on_a_lock(connection: Any) -> None:
    for _ in range(600):
        cursor = await connection.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
        )
        row = await cursor.fetchone()
        if row and row[0]:
            return
        await asyncio.sleep(0.05)
    raise AssertionError("the erasure never reached the lead's lock")
