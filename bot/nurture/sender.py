"""Sends the nurture steps that are due, each at most once, several workers side by side.

A step row is its own outbox row. One pass (`deliver_due`):

1. claim: up to `batch` due `pending` steps become `sending` with a lease, and what their
   emails need is read, in one short transaction (`FOR UPDATE SKIP LOCKED` on PostgreSQL,
   so workers never wait for or take each other's rows; SQLite serializes writers with
   `BEGIN IMMEDIATE`). The stop rules run there: a step whose enrollment stopped, whose
   lead booked a meeting or whose address is suppressed is cancelled instead;
2. compose: the templates (compiled once, when sequences.yml was loaded) are rendered and
   the message written as bytes;
3. hand-over, `concurrency` messages at a time (bot.nurture.handover): each is held just
   short of SMTP's end-of-data mark while ONE transaction writes their send log rows
   (unique on enrollment + step). That commit point checks the stop rules once more
   (enrollment active, address not suppressed, no meeting) and that the lease is still
   this worker's; only the steps it logged get their mark, the others are dropped unsent;
4. record: one transaction per pass marks the steps `sent` (bounces, deferrals and the
   rest too).

Exactly once, and the one gap plain SMTP leaves. A worker that dies before a commit point
left nothing deliverable: its steps are claimed again when their lease ends and go out
once, with the same Message-ID. One that dies after a mark was written left a send log
row: the server has the message and the step is never sent again (`unconfirmed` if the
death came before the record). What remains is the interval between the commit taking
effect in the database and the batch's marks leaving the process (the commit's reply,
then one turn of the event loop writing the marks back to back; measured on the shared
2-core test machine, from the reply to the last mark 1.3 ms at the median, p99 4.6 ms,
and from the COMMIT sent, its flush included, 3.0 ms, p99 9.1 ms): a death there loses
those messages, at most one hand-over batch, each one `unconfirmed` and never re-sent.
No client can close it with plain SMTP, which has no way to ask a server whether it
holds a message: its receipt and our commit cannot be one atomic act, so we choose at
most once (a duplicate is worse than a gap the log names) and keep the gap to one round
trip.
"""

from __future__ import annotations

import logging
import os
import socket
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import parseaddr
from typing import Any, Protocol

from sqlalchemy import (
    delete,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import Clock
from bot.leads.models import Lead
from bot.nurture.compose import build_message, envelope_address, lead_fields, make_links, render
from bot.nurture.handover import (
    DEFERRED,
    DELIVERED,
    REFUSED,
    UNCONFIRMED,
    WITHHELD,
    HandOver,
    Outcome,
    Outgoing,
)
from bot.nurture.models import (
    ACTIVE,
    CANCELLED,
    FAILED,
    PENDING,
    SENDING,
    STOPPED,
    SUPPRESSED,
    UNSUBSCRIBED,
    Enrollment,
    NurtureStep,
    SendLog,
    Suppression,
)
from bot.nurture.models import UNCONFIRMED as STEP_UNCONFIRMED
from bot.nurture.sequences import SequenceBook
from bot.nurture.service import (
    refresh_enrolled_leads,
    refresh_lead_nurture,
    stop_enrollment,
    suppress_in,
    weakest_criterion,
)
from bot.nurture.statements import (
    CLAIMED,
    COMPLETE,
    CONFIRM_LOG,
    LOG_HAND_OVER,
    MARK_SENT,
    PICK_DUE,
    SETTLE_HANDED_OVER,
    SETTLE_UNSENT,
    TAKE,
)
from bot.signing import Purpose, Signer

logger = logging.getLogger(__name__)

# Waits before the 2nd, 3rd... attempt after a temporary failure; then the step fails.
BACKOFF = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30), timedelta(hours=2))
MAX_ATTEMPTS = len(BACKOFF) + 1


class DueWork(Protocol):
    """What one worker loop runs: nurture steps today, the notification outbox next to it."""

    async def deliver_due(self) -> int:
        """Deliver what is due now; how many rows were handled (0: nothing to do)."""
        ...


@dataclass(frozen=True)
class NurtureSettings:
    public_url: str
    mail_from: str
    sender_name: str


@dataclass(frozen=True)
class Due:
    """A claimed step and what its email needs, read in the claim's transaction."""

    step_id: int
    enrollment_id: int
    step_key: str
    message_id: str
    lead_id: str
    sequence: str
    address: str
    name: str | None
    fields: dict[str, Any]


@dataclass(frozen=True)
class Claim:
    count: int  # steps taken, those a stop rule cancelled included
    due: list[Due]  # those to send


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:64]


class NurtureSender:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        handover: HandOver,
        book: SequenceBook,
        signer: Signer,
        settings: NurtureSettings,
        clock: Clock,
        *,
        worker: str | None = None,
        batch: int = 64,
        concurrency: int = 16,
        lease: timedelta = timedelta(minutes=5),
    ) -> None:
        self.sessions = sessions
        self.handover = handover
        self.book = book
        self.signer = signer
        self.settings = settings
        self.clock = clock
        self.worker = worker or worker_name()
        self.batch = batch
        self.concurrency = concurrency  # messages held at once: one SMTP connection each
        self.lease = lease
        # Leases are looked at a few times per lease, not on every claim: the look scans
        # every `sending` entry of the index, dead ones included until vacuum.
        self._settle_every = lease / 4
        self._next_settle: datetime | None = None
        self._booking_url = book.booking_link(settings.public_url)
        self._envelope_from = envelope_address(parseaddr(settings.mail_from)[1])

    async def deliver_due(self) -> int:
        claim = await self.claim()
        if claim.due:
            await self.send(claim.due)
        return claim.count

    # -- 1. claim -----------------------------------------------------------------------

    async def claim(self) -> Claim:
        """Take up to `batch` due steps for this worker (and settle expired leases);
        cancel those a stop rule holds back."""
        now = self.clock.now()
        async with self.sessions() as session, session.begin():
            connection = await session.connection()
            if self._next_settle is None or now >= self._next_settle:
                await self._settle_expired_leases(session, now)
                self._next_settle = now + self._settle_every
            picked = await connection.execute(PICK_DUE, {"now": now, "limit": self.batch})
            ids = list(picked.scalars().all())
            if not ids:
                return Claim(0, [])
            await connection.execute(
                TAKE, {"ids": ids, "lease_end": now + self.lease, "worker": self.worker}
            )
            ready: list[Due] = []
            for row in await connection.execute(CLAIMED, {"ids": ids}):
                stopped = row.enrollment_status != ACTIVE or not row.email or row.meeting
                if stopped or row.suppressed is not None:
                    await self._cancel(session, row.id)  # a stop rule holds it back
                    continue
                ready.append(
                    Due(
                        step_id=row.id,
                        enrollment_id=row.enrollment_id,
                        step_key=row.step_key,
                        message_id=row.message_id,
                        lead_id=row.lead_id,
                        sequence=row.sequence,
                        address=row.email,
                        name=row.name,
                        fields=lead_fields(row, weakest_criterion(row.breakdown)),
                    )
                )
            return Claim(len(ids), ready)

    async def _cancel(self, session: AsyncSession, step_id: int) -> None:
        """The step is not sent: its stop rule is applied (the enrollment stopped for a
        booking or a suppressed address) and the step cancelled."""
        row = (
            await session.execute(
                select(NurtureStep, Enrollment, Lead, Suppression.reason)
                .join(Enrollment, Enrollment.id == NurtureStep.enrollment_id)
                .join(Lead, Lead.id == Enrollment.lead_id)
                .outerjoin(Suppression, Suppression.email_key == Lead.email_key)
                .where(NurtureStep.id == step_id)
            )
        ).one()
        step, enrollment, lead, suppressed = row
        stop = await self._stop_reason(session, enrollment, lead, suppressed)
        step.status = CANCELLED
        step.last_error = f"stopped: {stop}"
        step.lease_until = None
        await refresh_lead_nurture(session, lead.id)

    async def _settle_expired_leases(self, session: AsyncSession, now: datetime) -> None:
        """A worker died holding steps: without a send log row nothing went out (claim them
        again); with one, the message was handed over: never send it twice."""
        connection = await session.connection()
        await connection.execute(SETTLE_HANDED_OVER, {"now": now})
        await connection.execute(SETTLE_UNSENT, {"now": now})

    async def _stop_reason(
        self, session: AsyncSession, enrollment: Enrollment, lead: Lead, suppressed: str | None
    ) -> str | None:
        """Why this step must not go out, if it must not. (A withdrawn consent always comes
        with an unsubscribe, so the suppression list covers it.)"""
        if enrollment.status != ACTIVE:
            return enrollment.stop_reason or enrollment.status
        if not lead.email:
            return "no email"
        if lead.meeting:
            await stop_enrollment(session, enrollment, STOPPED, "booked", self.clock.now())
            return "booked"
        if suppressed is not None:
            status = UNSUBSCRIBED if suppressed == "unsubscribed" else SUPPRESSED
            await stop_enrollment(session, enrollment, status, suppressed, self.clock.now())
            return suppressed
        return None

    # -- 2. compose, 3. hand over ---------------------------------------------------------

    async def send(self, due: list[Due]) -> dict[int, Outcome]:
        """Hand claimed steps over, `concurrency` at a time (one SMTP connection each, one
        commit point per group), then record what became of them all in one transaction;
        each step's outcome by step id. (Recording per pass rather than per group saves a
        transaction per group; a worker that dies before it leaves the delivered steps
        `unconfirmed`, never sent again.)"""
        outcomes: dict[int, Outcome] = {}
        logged: set[int] = set()
        done: list[Due] = []
        try:
            for start in range(0, len(due), self.concurrency):
                group = due[start : start + self.concurrency]
                await self._hand_over(group, outcomes, logged)
                done += group
        finally:
            if done:
                await self._record(done, outcomes, logged)
        return outcomes

    async def _hand_over(
        self, group: list[Due], outcomes: dict[int, Outcome], logged: set[int]
    ) -> None:
        outgoing: list[Outgoing] = []
        for due in group:
            try:
                outgoing.append(self.compose(due))
            except Exception as error:  # a sequence gone from the file, an address...
                logger.exception("nurture step %s cannot be composed", due.step_id)
                outcomes[due.step_id] = Outcome(DEFERRED, f"cannot compose: {error!r}"[:2000])
        by_message_id = {due.message_id: due.step_id for due in group}

        async def commit_point(step_ids: list[int]) -> set[int]:
            chosen = {by_message_id[m] for m in await self._log_hand_over(step_ids)}
            logged.update(chosen)
            return chosen

        if outgoing:
            outcomes.update(await self.handover.hand_over(outgoing, commit_point))

    def compose(self, due: Due) -> Outgoing:
        sequence = self.book.get(due.sequence)
        token = self.signer.sign(Purpose.UNSUBSCRIBE, {"e": due.enrollment_id})
        links = make_links(
            self.settings.public_url, self._booking_url, token, self.settings.mail_from
        )
        subject, text, html = render(
            sequence, sequence.step(due.step_key), due.fields, links, self.settings.sender_name
        )
        data = build_message(
            subject=subject,
            text=text,
            html=html,
            to_email=due.address,
            to_name=due.name,
            mail_from=self.settings.mail_from,
            message_id=due.message_id,
            links=links,
            now=self.clock.now(),
        )
        return Outgoing(
            key=due.step_id,
            message_id=due.message_id,
            sender=self._envelope_from,
            recipient=envelope_address(due.address),
            data=data,
        )

    async def _log_hand_over(self, step_ids: list[int]) -> set[str]:
        """The commit point: one statement writes the send log rows of the steps that are
        still this worker's, whose enrollment is active, whose lead has no meeting and
        whose address is not suppressed (the stop rules, checked at the last moment),
        unless a row is there already. Returns the Message-IDs it logged.

        Two workers reach it for one step only when a lease ran out mid-send: then the
        unique (enrollment, step) refuses the second row and the statement runs again,
        seeing the first. (`INSERT ... ON CONFLICT` would say that in one statement, but
        SQLAlchemy cannot cache its compiled form with a SELECT: ~8 ms per batch.)"""
        parameters = {"ids": step_ids, "worker": self.worker, "now": self.clock.now()}
        for attempt in range(3):
            try:
                async with self.sessions() as session, session.begin():
                    connection = await session.connection()
                    logged = await connection.execute(LOG_HAND_OVER, parameters)
                    return set(logged.scalars().all())
            except IntegrityError:
                if attempt == 2:
                    raise
                logger.info("a send log row was written meanwhile; checking again")
        raise AssertionError("unreachable")

    # -- 4. record ------------------------------------------------------------------------

    async def _record(
        self, group: list[Due], outcomes: dict[int, Outcome], logged: set[int]
    ) -> None:
        """What became of a group, in one transaction: `sent` (the common case, in a few
        statements), `unconfirmed`, bounced, retried, cancelled; sequences whose last step
        this was `completed`; the leads' API view refreshed."""
        now = self.clock.now()
        by_status: dict[str, list[Due]] = {}
        for due in group:
            outcome = outcomes.get(due.step_id, Outcome(WITHHELD))
            by_status.setdefault(outcome.status, []).append(due)
        delivered = by_status.get(DELIVERED, [])
        async with self.sessions() as session, session.begin():
            # Core statements straight on the connection (the ORM session's own execute
            # costs a third more CPU); ORM changes are flushed before any statement that
            # must see them.
            connection = await session.connection()
            if delivered:
                sent = {"ids": [d.step_id for d in delivered], "now": now}
                await connection.execute(MARK_SENT, sent)
                await connection.execute(CONFIRM_LOG, sent)
            for due in by_status.get(UNCONFIRMED, []):
                await session.execute(
                    update(NurtureStep)
                    .where(NurtureStep.id == due.step_id)
                    .values(
                        status=STEP_UNCONFIRMED,
                        sent_at=now,
                        lease_until=None,
                        last_error=outcomes[due.step_id].detail,
                    )
                    .execution_options(synchronize_session=False)
                )
            for due in by_status.get(REFUSED, []):
                await self._bounced(session, due, outcomes[due.step_id].detail, logged, now)
            for due in by_status.get(DEFERRED, []):
                await self._retry_or_fail(session, due, outcomes[due.step_id].detail, logged, now)
            for due in by_status.get(WITHHELD, []):
                await self._withheld(session, due, now)
            handed_over = delivered + by_status.get(UNCONFIRMED, [])
            if handed_over:
                enrollment_ids = sorted({d.enrollment_id for d in handed_over})
                await session.flush()
                await connection.execute(COMPLETE, {"ids": enrollment_ids, "now": now})
            await refresh_enrolled_leads(session, sorted({d.lead_id for d in group}))

    async def _ours(self, session: AsyncSession, due: Due, logged: bool) -> NurtureStep | None:
        """The step, locked, if this worker still holds it (a step we logged is ours even
        if our lease ran out meanwhile)."""
        step = await session.get(NurtureStep, due.step_id, with_for_update=True)
        if step is None or step.claimed_by != self.worker:
            return None
        if step.status == SENDING or (logged and step.status == STEP_UNCONFIRMED):
            return step
        return None

    async def _forget_hand_over(self, session: AsyncSession, due: Due) -> None:
        """The server refused or deferred the message at its mark: nothing was delivered."""
        await session.execute(
            delete(SendLog).where(
                SendLog.enrollment_id == due.enrollment_id, SendLog.step_key == due.step_key
            )
        )

    async def _not_delivered(
        self, session: AsyncSession, due: Due, error: str, logged: set[int]
    ) -> NurtureStep | None:
        """The message did not go out: its send-log row goes, and the step, if still ours,
        is released with the error."""
        was_logged = due.step_id in logged
        if was_logged:
            await self._forget_hand_over(session, due)
        step = await self._ours(session, due, was_logged)
        if step is not None:
            step.last_error = error[:2000]
            step.lease_until = None
        return step

    async def _bounced(
        self, session: AsyncSession, due: Due, error: str, logged: set[int], now: datetime
    ) -> None:
        """A permanent refusal (5xx): the step failed, the address is suppressed for good."""
        step = await self._not_delivered(session, due, error, logged)
        if step is not None:
            step.status = FAILED
        await suppress_in(session, due.address, "bounced", "smtp", now, detail=error[:2000])

    async def _retry_or_fail(
        self, session: AsyncSession, due: Due, error: str, logged: set[int], now: datetime
    ) -> None:
        """A temporary failure: try again after the backoff, or fail after the last try."""
        step = await self._not_delivered(session, due, error, logged)
        if step is None:
            return  # our lease ran out and another worker has the step now
        if step.attempts >= MAX_ATTEMPTS:
            step.status = FAILED
        else:
            step.status = PENDING
            step.claimed_by = None
            step.due_at = now + BACKOFF[max(step.attempts - 1, 0)]

    async def _withheld(self, session: AsyncSession, due: Due, now: datetime) -> None:
        """The commit point did not log the step: a stop rule fired since the claim (cancel
        it), or the step is another worker's now (leave it)."""
        step = await self._ours(session, due, False)
        if step is None:
            return
        row = (
            await session.execute(
                select(Enrollment, Lead, Suppression.reason)
                .join(Lead, Lead.id == Enrollment.lead_id)
                .outerjoin(Suppression, Suppression.email_key == Lead.email_key)
                .where(Enrollment.id == due.enrollment_id)
            )
        ).first()
        stop = None if row is None else await self._stop_reason(session, *row)
        if stop is None:  # nothing explains it: retry, bounded like any failure
            await self._retry_or_fail(session, due, "not handed over", set(), now)
            return
        step.status = CANCELLED
        step.last_error = f"stopped: {stop}"
        step.lease_until = None
