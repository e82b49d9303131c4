"""Sends the nurture steps that are due, each at most once, several workers side by side.

A step row is its own outbox row. One pass (`deliver_due`):

1. claim: due `pending` steps become `sending` with a lease, in one short transaction
   (`FOR UPDATE SKIP LOCKED` on PostgreSQL, so workers never wait for or take each
   other's rows; SQLite serializes writers with `BEGIN IMMEDIATE`);
2. stop rules: enrollment stopped, address suppressed, meeting booked, consent withdrawn:
   the step is cancelled instead of sent;
3. hand-over: the SMTP transaction runs up to the end-of-data mark; then the send log row
   (unique on enrollment + step) is committed — the commit point — and only then the mark
   goes out. Losing the race for that row (another worker's lease overlapped) abandons
   the message, so a step is handed over at most once;
4. record: after `250 OK` the step becomes `sent`.

The window between a server's acceptance and our record is thus bounded on both sides: a
worker that dies before the commit point left nothing deliverable (the step is claimed
again when its lease ends and sent once, with the same Message-ID); one that dies after it
left a send log row, so the step is never sent again and becomes `unconfirmed` (delivered
unless the server refused it at the very end). Only the time between the send-log commit
returning and the mark being written, one socket write, can lose a message.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from sqlalchemy import and_, delete, exists, insert, literal, select, tuple_, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import Clock
from bot.leads.keys import email_key
from bot.leads.models import Lead, UtcDateTime
from bot.mail.transport import MailTransport, PermanentMailError, TemporaryMailError
from bot.nurture.compose import build_message, lead_fields, make_links, render
from bot.nurture.models import (
    ACTIVE,
    CANCELLED,
    COMPLETED,
    FAILED,
    PENDING,
    SENDING,
    SENT,
    STOPPED,
    SUPPRESSED,
    UNCONFIRMED,
    UNSUBSCRIBED,
    Enrollment,
    NurtureStep,
    SendLog,
    Suppression,
)
from bot.nurture.sequences import SequenceBook
from bot.nurture.service import (
    refresh_enrolled_leads,
    refresh_lead_nurture,
    stop_enrollment,
    suppress_in,
    weakest_criterion,
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
class Accepted:
    """A step the mail server accepted (250), to be recorded as sent."""

    step_id: int
    enrollment_id: int
    step_key: str


class AlreadyHandedOver(Exception):
    """Another worker committed this step's send log first: ours must not go out."""


class StoppedAtCommitPoint(Exception):
    """A stop rule fired between the claim and the hand-over: the step is cancelled."""


@dataclass(frozen=True)
class NurtureSettings:
    public_url: str
    mail_from: str
    sender_name: str


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:64]


class NurtureSender:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        transport: MailTransport,
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
        self.transport = transport
        self.book = book
        self.signer = signer
        self.settings = settings
        self.clock = clock
        self.worker = worker or worker_name()
        self.batch = batch
        self.lease = lease
        self._slots = asyncio.Semaphore(concurrency)

    async def deliver_due(self) -> int:
        claimed = await self.claim()
        if claimed:
            accepted: list[Accepted] = []
            await asyncio.gather(*(self._guarded(step_id, accepted) for step_id in claimed))
            if accepted:  # one transaction records the whole pass (see _record_sent)
                await self._record_sent(accepted)
        return len(claimed)

    async def claim(self) -> list[int]:
        """Take up to `batch` due steps for this worker (and settle expired leases)."""
        now = self.clock.now()
        async with self.sessions() as session, session.begin():
            await self._settle_expired_leases(session, now)
            due = (
                select(NurtureStep.id)
                .where(NurtureStep.status == PENDING, NurtureStep.due_at <= now)
                .order_by(NurtureStep.due_at, NurtureStep.id)
                .limit(self.batch)
                .with_for_update(skip_locked=True)
            )
            ids = list((await session.scalars(due)).all())
            if ids:
                await session.execute(
                    update(NurtureStep)
                    .where(NurtureStep.id.in_(ids))
                    .values(
                        status=SENDING,
                        lease_until=now + self.lease,
                        claimed_by=self.worker,
                        attempts=NurtureStep.attempts + 1,
                    )
                    .execution_options(synchronize_session=False)
                )
            return ids

    async def _settle_expired_leases(self, session: AsyncSession, now: datetime) -> None:
        """A worker died holding steps: without a send log row nothing went out (claim them
        again); with one, the message was handed over: never send it twice."""
        logged = exists().where(
            SendLog.enrollment_id == NurtureStep.enrollment_id,
            SendLog.step_key == NurtureStep.step_key,
        )
        expired = and_(NurtureStep.status == SENDING, NurtureStep.lease_until < now)
        await session.execute(
            update(NurtureStep)
            .where(expired, logged)
            .values(
                status=UNCONFIRMED, lease_until=None, last_error="worker stopped after hand-over"
            )
            .execution_options(synchronize_session=False)
        )
        await session.execute(
            update(NurtureStep)
            .where(expired, ~logged)
            .values(status=PENDING, lease_until=None, claimed_by=None)
            .execution_options(synchronize_session=False)
        )

    async def _guarded(self, step_id: int, accepted: list[Accepted]) -> None:
        async with self._slots:
            try:
                await self.send_step(step_id, accepted)
            except Exception:  # a bug must not stop the others: retry the step later
                logger.exception("nurture step %s failed unexpectedly", step_id)
                await self._retry_or_fail(step_id, "internal error", counts_attempt=True)

    async def send_step(self, step_id: int, accepted: list[Accepted] | None = None) -> str:
        """Send one claimed step; returns what happened (sent, cancelled, retry, failed...).

        A step the server accepted is recorded at once, or added to `accepted` for the
        caller to record with others: the send log row already makes it final, so
        recording late costs nothing but its `sent` status if the worker dies meanwhile
        (it then shows as `unconfirmed`)."""
        now = self.clock.now()
        async with self.sessions() as session, session.begin():
            row = (
                await session.execute(
                    select(NurtureStep, Enrollment, Lead, Suppression.reason)
                    .join(Enrollment, Enrollment.id == NurtureStep.enrollment_id)
                    .join(Lead, Lead.id == Enrollment.lead_id)
                    .outerjoin(Suppression, Suppression.email_key == Lead.email_key)
                    .where(NurtureStep.id == step_id)
                )
            ).first()
            if row is None:  # the lead was erased meanwhile
                return "not_ours"
            step, enrollment, lead, suppressed = row
            if not self._still_ours(step):
                return "not_ours"
            stop = await self._stop_reason(session, enrollment, lead, suppressed)
            if stop is not None:
                step.status = CANCELLED
                step.last_error = f"stopped: {stop}"
                step.lease_until = None
                await refresh_lead_nurture(session, lead.id)
                return "cancelled"
            assert enrollment is not None
            assert lead is not None
            assert lead.email
            sequence = self.book.get(enrollment.sequence)
            token = self.signer.sign(Purpose.UNSUBSCRIBE, {"e": enrollment.id})
            links = make_links(
                self.settings.public_url,
                self.book.booking_link(self.settings.public_url),
                token,
                self.settings.mail_from,
            )
            fields = lead_fields(lead, weakest_criterion(lead.breakdown))
            subject, text, html = render(
                sequence, sequence.step(step.step_key), fields, links, self.settings.sender_name
            )
            message = build_message(
                subject=subject,
                text=text,
                html=html,
                to_email=lead.email,
                to_name=lead.name,
                mail_from=self.settings.mail_from,
                message_id=step.message_id,
                links=links,
                now=now,
            )
            enrollment_id, step_key, message_id = enrollment.id, step.step_key, step.message_id
            address = lead.email

        handed_over = False

        async def commit_point() -> None:
            nonlocal handed_over
            await self._log_hand_over(enrollment_id, step_key, message_id, address)
            handed_over = True

        try:
            await self.transport.send(message, commit_point=commit_point)
        except AlreadyHandedOver:
            logger.info("step %s was handed over by another worker", step_id)
            return "not_ours"
        except StoppedAtCommitPoint as stopped:
            await self._finish(step_id, CANCELLED, f"stopped: {stopped}")
            return "cancelled"
        except PermanentMailError as error:
            await self._bounced(step_id, enrollment_id, step_key, address, str(error), handed_over)
            return "bounced"
        except TemporaryMailError as error:
            if handed_over and error.code is None:
                # The mark went out but no reply came back: it may have been delivered.
                await self._finish(step_id, UNCONFIRMED, f"no reply after hand-over: {error}")
                return "unconfirmed"
            if handed_over:  # the server answered 4xx to the mark: nothing was delivered
                await self._forget_hand_over(enrollment_id, step_key)
            return await self._retry_or_fail(step_id, str(error), counts_attempt=True)
        done = Accepted(step_id, enrollment_id, step_key)
        if accepted is None:
            await self._record_sent([done])
        else:
            accepted.append(done)
        return "sent"

    @staticmethod
    async def _refresh(session: AsyncSession, step: NurtureStep) -> None:
        lead_id = (
            await session.scalars(
                select(Enrollment.lead_id).where(Enrollment.id == step.enrollment_id)
            )
        ).first()
        if lead_id is not None:
            await refresh_lead_nurture(session, lead_id)

    def _still_ours(self, step: NurtureStep) -> bool:
        return step.status == SENDING and step.claimed_by == self.worker

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

    async def _log_hand_over(
        self, enrollment_id: int, step_key: str, message_id: str, address: str
    ) -> None:
        """The commit point: one statement writes the send log row if the enrollment is
        still active and the address is not suppressed (the last stop-rule check)."""
        still_wanted = (
            select(
                literal(enrollment_id),
                literal(step_key),
                literal(message_id),
                literal(self.worker),
                literal(self.clock.now(), UtcDateTime()),
            )
            .select_from(Enrollment)
            .where(
                Enrollment.id == enrollment_id,
                Enrollment.status == ACTIVE,
                ~exists().where(Suppression.email_key == email_key(address)),
            )
        )
        statement = insert(SendLog).from_select(
            ["enrollment_id", "step_key", "message_id", "worker", "started_at"], still_wanted
        )
        try:
            async with self.sessions() as session, session.begin():
                result = await session.execute(statement)
                written = getattr(result, "rowcount", 0)
        except IntegrityError as error:
            raise AlreadyHandedOver(message_id) from error
        if written != 1:
            raise StoppedAtCommitPoint("stopped before the hand-over")

    async def _forget_hand_over(self, enrollment_id: int, step_key: str) -> None:
        async with self.sessions() as session, session.begin():
            await session.execute(
                delete(SendLog).where(
                    SendLog.enrollment_id == enrollment_id, SendLog.step_key == step_key
                )
            )

    async def _finish(
        self,
        step_id: int,
        status: str,
        error: str | None,
    ) -> None:
        """A claimed step ends `cancelled` or `unconfirmed` (not for steps the server
        accepted: `_record_sent`)."""
        now = self.clock.now()
        async with self.sessions() as session, session.begin():
            step = await session.get(NurtureStep, step_id, with_for_update=True)
            if step is None:
                return
            handed_over = status in (SENT, UNCONFIRMED)
            if not handed_over and not self._still_ours(step):
                return  # our lease ran out and another worker has the step now
            step.status = status
            step.last_error = error
            step.lease_until = None
            if handed_over:
                step.sent_at = now
            await self._refresh(session, step)

    async def _record_sent(self, accepted: list[Accepted]) -> None:
        """Steps the server accepted: `sent`, their send log confirmed, sequences whose last
        step this was `completed`, and the leads' API view refreshed. One transaction."""
        now = self.clock.now()
        step_ids = [a.step_id for a in accepted]
        enrollment_ids = sorted({a.enrollment_id for a in accepted})
        async with self.sessions() as session, session.begin():
            await session.execute(
                update(NurtureStep)
                .where(NurtureStep.id.in_(step_ids))
                .values(status=SENT, sent_at=now, lease_until=None, last_error=None)
                .execution_options(synchronize_session=False)
            )
            await session.execute(
                update(SendLog)
                .where(
                    tuple_(SendLog.enrollment_id, SendLog.step_key).in_(
                        [(a.enrollment_id, a.step_key) for a in accepted]
                    )
                )
                .values(confirmed_at=now)
                .execution_options(synchronize_session=False)
            )
            unfinished = exists().where(
                NurtureStep.enrollment_id == Enrollment.id,
                NurtureStep.status.in_((PENDING, SENDING)),
            )
            await session.execute(
                update(Enrollment)
                .where(Enrollment.id.in_(enrollment_ids), Enrollment.status == ACTIVE, ~unfinished)
                .values(status=COMPLETED, updated_at=now)
                .execution_options(synchronize_session=False)
            )
            lead_ids = (
                await session.scalars(
                    select(Enrollment.lead_id).where(Enrollment.id.in_(enrollment_ids))
                )
            ).all()
            await refresh_enrolled_leads(session, sorted(set(lead_ids)))

    async def _retry_or_fail(self, step_id: int, error: str, *, counts_attempt: bool) -> str:
        now = self.clock.now()
        async with self.sessions() as session, session.begin():
            step = await session.get(NurtureStep, step_id, with_for_update=True)
            if step is None or not self._still_ours(step):
                return "gone"
            step.last_error = error[:2000]
            step.lease_until = None
            if step.attempts >= MAX_ATTEMPTS:
                step.status = FAILED
            else:
                step.status = PENDING
                step.claimed_by = None
                step.due_at = now + BACKOFF[max(step.attempts - 1, 0)]
            await self._refresh(session, step)
            return "failed" if step.status == FAILED else "retry"

    async def _bounced(
        self,
        step_id: int,
        enrollment_id: int,
        step_key: str,
        address: str,
        error: str,
        handed_over: bool,
    ) -> None:
        """A permanent refusal (5xx): the step failed, the address is suppressed for good."""
        now = self.clock.now()
        async with self.sessions() as session, session.begin():
            if handed_over:
                await session.execute(
                    delete(SendLog).where(
                        SendLog.enrollment_id == enrollment_id, SendLog.step_key == step_key
                    )
                )
            step = await session.get(NurtureStep, step_id, with_for_update=True)
            if step is not None and (handed_over or self._still_ours(step)):
                step.status = FAILED
                step.last_error = error[:2000]
                step.lease_until = None
            await suppress_in(session, address, "bounced", "smtp", now, detail=error[:2000])
            if step is not None:
                await self._refresh(session, step)
