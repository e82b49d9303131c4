"""The outbox end to end on SQLite and PostgreSQL: a real webhook receiver, a clock we move.

Faults: the receiver answers 503, then refuses connections, for a simulated minute; a
worker killed mid-delivery; a row that never gets through (dead, the operator alerted).
"""

from __future__ import annotations

import asyncio
import json
import random
from collections.abc import AsyncIterator, Callable
from datetime import datetime, timedelta, timezone

import aiohttp
import pytest
from sqlalchemy import select

from bot.clock import FrozenClock
from bot.leads.models import OutboxMessage
from bot.leads.unit_of_work import SqlAlchemyUnitOfWork
from bot.mail.transport import EmlDirTransport
from bot.notify.channels import WebhookChannel
from bot.notify.deliver import Notifier
from bot.outbox.enqueue import enqueue_event
from bot.outbox.retry import RetryPolicy
from bot.outbox.worker import OutboxWorker, retry_now
from tests.integration.notify.receiver import HttpReceiver
from tests.integration.notify.samples import sample_event

START = datetime(2026, 12, 1, 9, 0, tzinfo=timezone.utc)
SECRET = "whsec-0123456789abcdef"
UowFactory = Callable[[], SqlAlchemyUnitOfWork]


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(START)


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as client:
        yield client


@pytest.fixture
def make_worker(
    new_uow: UowFactory, session: aiohttp.ClientSession, clock: FrozenClock, tmp_path: object
) -> Callable[..., OutboxWorker]:
    def make(**options: object) -> OutboxWorker:
        notifier = Notifier(
            session, EmlDirTransport(tmp_path / "mail"), {"S": SECRET}.get, clock,  # type: ignore[operator]
            mail_from="bot@example.com",
        )  # fmt: skip
        return OutboxWorker(new_uow, notifier.deliver, clock, rng=random.Random(1), **options)  # type: ignore[arg-type]

    return make


async def _enqueue(new_uow: UowFactory, receiver: HttpReceiver, n: int = 1) -> None:
    channel = WebhookChannel(url=receiver.url(), secret_env="S")
    async with new_uow() as uow:
        for i in range(n):
            event = sample_event("lead.qualified", id=f"event-{i}")
            await enqueue_event(uow, event, [channel], now=START)
        await uow.commit()


async def _rows(new_uow: UowFactory) -> list[OutboxMessage]:
    async with new_uow() as uow:
        return list(
            (await uow.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))).all()
        )


async def test_rows_commit_with_the_transaction_or_not_at_all(
    new_uow: UowFactory, receiver: HttpReceiver
) -> None:
    channel = WebhookChannel(url=receiver.url(), secret_env="S")
    async with new_uow() as uow:
        await enqueue_event(uow, sample_event("lead.qualified"), [channel], now=START)
        await uow.rollback()
    assert await _rows(new_uow) == []
    async with new_uow() as uow:
        assert await enqueue_event(uow, sample_event("lead.qualified"), [channel], now=START) == 1
        await uow.commit()
    async with new_uow() as uow:  # the same event to the same channel again: a no-op
        assert await enqueue_event(uow, sample_event("lead.qualified"), [channel], now=START) == 0
        await uow.commit()
    assert len(await _rows(new_uow)) == 1


async def test_delivered_once_with_its_key(
    new_uow: UowFactory, receiver: HttpReceiver, make_worker: Callable[..., OutboxWorker]
) -> None:
    await _enqueue(new_uow, receiver)
    worker = make_worker()
    assert await worker.run_once() == 1
    assert await worker.run_once() == 0
    (row,) = await _rows(new_uow)
    assert (row.status, row.attempts, row.sent_at) == ("sent", 1, START)
    assert receiver.accepted_keys() == [row.idempotency_key]
    assert json.loads(receiver.requests[0].body)["type"] == "lead.qualified"


async def test_receiver_down_for_a_simulated_minute_loses_nothing(
    new_uow: UowFactory,
    receiver: HttpReceiver,
    make_worker: Callable[..., OutboxWorker],
    clock: FrozenClock,
) -> None:
    await _enqueue(new_uow, receiver, n=3)
    worker = make_worker()
    receiver.status = 503
    assert await worker.run_once() == 3  # 503: every row failed, retried later
    await receiver.stop()  # then nobody listens at all
    while clock.now() < START + timedelta(minutes=1):
        clock.advance(1)
        await worker.run_once()
    assert receiver.accepted() == []
    await receiver.start()
    receiver.status = 200
    for _ in range(3600):  # the backoff brings every row back on its own
        clock.advance(1)
        await worker.run_once()
        if len(receiver.accepted()) == 3:
            break
    rows = await _rows(new_uow)
    assert [r.status for r in rows] == ["sent"] * 3
    assert all(r.attempts >= 3 for r in rows)  # 503, refused..., then delivered
    assert sorted(receiver.accepted_keys()) == sorted(r.idempotency_key for r in rows)
    for row in rows:  # every attempt of a row carried the same key
        sent = [q for q in receiver.requests if q.headers["Idempotency-Key"] == row.idempotency_key]
        assert len(sent) >= 2


async def test_worker_killed_mid_delivery_is_redelivered_under_the_same_key(
    new_uow: UowFactory,
    receiver: HttpReceiver,
    make_worker: Callable[..., OutboxWorker],
    clock: FrozenClock,
) -> None:
    await _enqueue(new_uow, receiver)
    receiver.hang = True
    first = asyncio.create_task(make_worker(lease=timedelta(minutes=2)).run_once())
    await receiver.arrived.wait()
    first.cancel()  # the worker dies while the request is in flight
    with pytest.raises(asyncio.CancelledError):
        await first
    (row,) = await _rows(new_uow)
    assert (row.status, row.attempts) == ("pending", 1)  # claimed, its lease running
    receiver.hang = False
    second = make_worker()
    assert await second.run_once() == 0  # hidden while the lease lasts
    clock.advance(timedelta(minutes=2, seconds=1))
    assert await second.run_once() == 1
    (row,) = await _rows(new_uow)
    assert (row.status, row.attempts) == ("sent", 2)
    assert [q.headers["Idempotency-Key"] for q in receiver.requests] == [row.idempotency_key] * 2


async def test_last_retry_makes_it_dead_alerts_the_admin_and_retry_sends_again(
    new_uow: UowFactory,
    receiver: HttpReceiver,
    make_worker: Callable[..., OutboxWorker],
    clock: FrozenClock,
    tmp_path: object,
) -> None:
    await _enqueue(new_uow, receiver)
    receiver.status = 500
    policy = RetryPolicy(max_attempts=3, base=timedelta(seconds=1))
    worker = make_worker(policy=policy, admin_email="ops@example.com")
    for _ in range(10):
        await worker.run_once()
        clock.advance(5)
    rows = await _rows(new_uow)
    failed, alert = rows
    assert (failed.status, failed.attempts) == ("dead", 3)
    assert "500" in (failed.last_error or "")
    assert (alert.channel, alert.status) == ("admin", "sent")
    (eml,) = (tmp_path / "mail").glob("*.eml")  # type: ignore[operator]
    assert "ops@example.com" in eml.read_text()
    assert "500" in eml.read_text()

    receiver.status = 200
    async with new_uow() as uow:
        assert await retry_now(uow, failed.id, clock.now())
        await uow.commit()
    await worker.run_once()
    failed = (await _rows(new_uow))[0]
    assert failed.status == "sent"
    assert receiver.accepted_keys() == [failed.idempotency_key]


@pytest.mark.postgres
@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
async def test_two_workers_on_postgresql_deliver_each_event_once(
    new_uow: UowFactory,
    receiver: HttpReceiver,
    make_worker: Callable[..., OutboxWorker],
) -> None:
    await _enqueue(new_uow, receiver, n=60)
    workers = [make_worker(batch=5), make_worker(batch=5)]

    async def drain(worker: OutboxWorker) -> int:
        total = 0
        while n := await worker.run_once():
            total += n
        return total

    done = await asyncio.gather(*(drain(w) for w in workers))
    assert sum(done) == 60
    assert all(n > 0 for n in done)  # both took part
    keys = receiver.accepted_keys()
    assert len(keys) == len(set(keys)) == 60
    assert {r.status for r in await _rows(new_uow)} == {"sent"}


async def test_a_row_erased_during_its_delivery_does_not_stop_the_batch(
    new_uow: UowFactory, receiver: HttpReceiver, make_worker: Callable[..., OutboxWorker]
) -> None:
    await _enqueue(new_uow, receiver, n=2)
    receiver.hang = True
    worker = make_worker()
    batch = asyncio.create_task(worker.run_once())
    await receiver.arrived.wait()
    first = (await _rows(new_uow))[0]
    async with new_uow() as uow:  # a GDPR erasure while the request is in flight
        await uow.session.delete(await uow.session.get(OutboxMessage, first.id))
        await uow.commit()
    receiver.release.set()
    assert await batch == 2
    (other,) = await _rows(new_uow)
    assert other.status == "sent"
