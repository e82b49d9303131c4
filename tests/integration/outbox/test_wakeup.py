"""The worker wakes when a row is committed, from another connection: LISTEN/NOTIFY on
PostgreSQL, the database file's change on SQLite; never for a rolled-back row."""

from __future__ import annotations

from collections.abc import Callable

from bot.leads.unit_of_work import SqlAlchemyUnitOfWork
from bot.notify.channels import WebhookChannel
from bot.outbox.enqueue import enqueue_event
from bot.outbox.wakeup import waker_for
from tests.integration.notify.samples import BOOKED_AT, sample_event

CHANNEL = WebhookChannel(url="http://127.0.0.1:9/hook", secret_env="S")


async def test_commit_wakes_the_worker_and_rollback_does_not(
    database_url: str, new_uow: Callable[[], SqlAlchemyUnitOfWork]
) -> None:
    async with new_uow() as uow:  # a first write: the schema and SQLite's WAL file exist
        await enqueue_event(uow, sample_event(id="earlier"), [CHANNEL], now=BOOKED_AT)
        await uow.commit()
    waker = await waker_for(database_url)
    try:
        async with new_uow() as uow:
            await enqueue_event(uow, sample_event(id="rolled-back"), [CHANNEL], now=BOOKED_AT)
            await uow.rollback()
        assert await waker.wait(0.3) is False
        async with new_uow() as uow:
            await enqueue_event(uow, sample_event(id="committed"), [CHANNEL], now=BOOKED_AT)
            await uow.commit()
        assert await waker.wait(10) is True
        waker.poke()
        assert await waker.wait(10) is True
    finally:
        await waker.close()
