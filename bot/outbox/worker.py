"""The outbox worker: claim due rows, deliver them, record the outcome.

    worker = OutboxWorker(uow_factory, notifier.deliver, clock)
    await worker.run_once()            # one batch (tests drive this with a FrozenClock)
    await worker.run_forever(waker)    # the web app's background task

A claim leases each row (attempts + 1, hidden until the lease ends) and commits before
anything is sent, so a worker that dies mid-delivery leaves the row to be claimed again
after the lease, with the same idempotency key. Several workers on PostgreSQL skip each
other's rows (FOR UPDATE SKIP LOCKED); SQLite serializes writers (BEGIN IMMEDIATE).
A row that fails its last retry is dead: the operator gets one alert email, and the row
stays listed with its last error until someone retries it.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select, update

from bot.clock import Clock
from bot.leads.models import OutboxMessage
from bot.leads.unit_of_work import SqlAlchemyUnitOfWork
from bot.notify.channels import AdminChannel, channel_to_dict
from bot.notify.errors import PermanentDeliveryError
from bot.outbox.enqueue import wake_workers
from bot.outbox.retry import RetryPolicy
from bot.outbox.wakeup import Waker

logger = logging.getLogger(__name__)

Deliver = Callable[[str, dict[str, Any]], Awaitable[None]]
IDLE_WAIT_SECONDS = 30.0
ERROR_WAIT_SECONDS = 5.0


@dataclass(frozen=True)
class Claimed:
    id: int
    key: str
    channel: str
    payload: dict[str, Any]
    attempts: int
    lead_id: str | None


@dataclass(frozen=True)
class Outcome:
    claimed: Claimed
    error: str | None
    permanent: bool = False


class OutboxWorker:
    def __init__(
        self,
        uow_factory: Callable[[], SqlAlchemyUnitOfWork],
        deliver: Deliver,
        clock: Clock,
        *,
        policy: RetryPolicy | None = None,
        lease: timedelta = timedelta(minutes=2),
        batch: int = 20,
        admin_email: str | None = None,
        rng: random.Random | None = None,
    ) -> None:
        self._uow = uow_factory
        self._deliver = deliver
        self._clock = clock
        self._policy = policy or RetryPolicy()
        self._lease = lease
        self._batch = batch
        self._admin_email = admin_email
        self._rng = rng or random.Random()

    async def run_once(self) -> int:
        """Claim, deliver and record one batch; returns how many rows were attempted."""
        claimed = await self._claim()
        if not claimed:
            return 0
        outcomes = await asyncio.gather(*(self._attempt(row) for row in claimed))
        await self._record(outcomes)
        return len(claimed)

    async def run_forever(self, waker: Waker, stop: asyncio.Event | None = None) -> None:
        """Deliver until `stop` is set (then `waker.poke()`) or cancelled; between batches,
        sleep until the next retry is due or a commit wakes it. Stopping this way never
        interrupts a database call or a delivery half-way."""
        stop = stop or asyncio.Event()
        while not stop.is_set():
            try:
                if await self.run_once():
                    continue
                wait = await self.seconds_until_due()
            except Exception:  # a database outage or a bug must not end the worker
                logger.exception("outbox worker failed; retrying in %s s", ERROR_WAIT_SECONDS)
                wait = ERROR_WAIT_SECONDS
            if not stop.is_set():
                await waker.wait(min(wait, IDLE_WAIT_SECONDS))

    async def seconds_until_due(self) -> float:
        async with self._uow() as uow:
            statement = select(func.min(OutboxMessage.next_attempt_at)).where(
                OutboxMessage.status.in_(("pending", "failed"))
            )
            due: datetime | None = (await uow.session.execute(statement)).scalar_one()
        if due is None:
            return IDLE_WAIT_SECONDS
        if due.tzinfo is None:  # SQLite's MIN() skips the column type's conversion
            due = due.replace(tzinfo=self._clock.now().tzinfo)
        return max((due - self._clock.now()).total_seconds(), 0.0)

    async def _claim(self) -> list[Claimed]:
        async with self._uow() as uow:
            rows = await uow.outbox.claim_due(
                self._clock.now(), limit=self._batch, lease=self._lease
            )
            claimed = [
                Claimed(
                    id=row.id,
                    key=row.idempotency_key,
                    channel=row.channel,
                    payload=dict(row.payload),
                    attempts=row.attempts,
                    lead_id=row.lead_id,
                )
                for row in rows
            ]
            await uow.commit()
        return claimed

    async def _attempt(self, row: Claimed) -> Outcome:
        try:
            await self._deliver(row.key, row.payload)
        except PermanentDeliveryError as error:
            logger.warning("outbox %s (%s) refused for good: %s", row.id, row.channel, error)
            return Outcome(row, str(error)[:2000], permanent=True)
        except Exception as error:
            logger.warning("outbox %s (%s) attempt %d failed: %s", row.id, row.channel,
                           row.attempts, error)  # fmt: skip
            return Outcome(row, f"{type(error).__name__}: {error}"[:2000])
        return Outcome(row, None)

    async def _record(self, outcomes: list[Outcome]) -> None:
        now = self._clock.now()
        async with self._uow() as uow:
            for outcome in outcomes:
                try:
                    await self._record_one(uow, outcome, now)
                except LookupError:  # erased meanwhile (a GDPR erasure): nothing to record
                    logger.info(
                        "outbox %s is gone; its outcome is not recorded", outcome.claimed.id
                    )
            await uow.commit()

    async def _record_one(self, uow: SqlAlchemyUnitOfWork, outcome: Outcome, now: datetime) -> None:
        row = outcome.claimed
        if outcome.error is None:
            await uow.outbox.mark_sent(row.id, now)
            return
        delay = None if outcome.permanent else self._policy.delay(row.attempts, self._rng)
        retry_at = None if delay is None else now + delay
        await uow.outbox.mark_failed(row.id, outcome.error, now, retry_at=retry_at)
        if retry_at is None:
            await self._alert(uow, row, outcome.error, now)

    async def _alert(
        self, uow: SqlAlchemyUnitOfWork, row: Claimed, error: str, now: datetime
    ) -> None:
        """A dead row: one email to the operator (never for an alert that itself died)."""
        logger.error("outbox %s (%s) is dead after %d attempts: %s", row.id, row.channel,
                     row.attempts, error)  # fmt: skip
        if self._admin_email is None or row.channel == "admin":
            return
        event = row.payload.get("event") or {}
        alert = {
            "outbox id": row.id,
            "channel": row.channel,
            "event": event.get("type"),
            "lead": (event.get("lead") or {}).get("id"),
            "attempts": row.attempts,
            "last error": error,
        }
        added = await uow.outbox.add(
            kind="alert",
            channel="admin",
            payload={"channel": channel_to_dict(AdminChannel(self._admin_email)), "alert": alert},
            idempotency_key=f"dead/{row.id}/{row.attempts}",
            now=now,
        )
        if added:
            await wake_workers(uow)


async def retry_now(uow: SqlAlchemyUnitOfWork, message_id: int, now: datetime) -> bool:
    """Send a failed or dead row again, with a fresh round of retries; False if unknown
    or not failed. The idempotency key stays: a receiver that had it still drops it."""
    statement = (
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.status.in_(("failed", "dead")))
        .values(status="pending", attempts=0, next_attempt_at=now)
        .execution_options(synchronize_session=False)
    )
    result = await uow.session.execute(statement)
    changed = bool(getattr(result, "rowcount", 0))
    if changed:
        await wake_workers(uow)
    return changed
