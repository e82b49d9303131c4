"""Nurture use cases: consent, enrollment, stop, suppression, unsubscribe, the lead's view.

Each function opens one transaction on the session factory it is given and commits once.
Enrollment is idempotent: a lead is in a sequence at most once, and a returning visitor
updates their enrollment instead of doubling it.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from fractions import Fraction
from typing import Any, Literal, Protocol

from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.leads.keys import email_key
from bot.leads.models import Consent, Conversation, Lead
from bot.nurture.compose import new_message_id
from bot.nurture.models import (
    ACTIVE,
    CANCELLED,
    COMPLETED,
    PENDING,
    STOPPED,
    SUPPRESSED,
    UNSUBSCRIBED,
    Enrollment,
    NurtureStep,
    Suppression,
)
from bot.nurture.schedule import lead_zone, plan
from bot.nurture.sequences import SequenceBook
from bot.nurture.statements import SET_LEAD_NURTURE
from bot.outbox.enqueue import wake_workers_in

logger = logging.getLogger(__name__)

Sessions = async_sessionmaker[AsyncSession]
CONSENT_KIND = "nurture_email"
# The question asked in the chat, word for word; bump the version whenever it changes.
CONSENT_NOTICE_VERSION = "nurture-2026-12-01"
CONSENT_NOTICE = "May we send you a few useful emails about this? No spam; unsubscribe any time."
WEAKEST_TIE_ORDER = ("need", "budget", "timeline", "authority")  # as bot.scoring.score
Answer = Literal["granted", "declined"]


@dataclass(frozen=True)
class Enrolled:
    """What enrollment did: `status` is enrolled | already_enrolled | no_consent |
    suppressed | no_email | booked | no_lead."""

    status: str
    sequence: str | None = None
    enrollment_id: int | None = None


def weakest_criterion(breakdown: Sequence[dict[str, Any]] | None) -> str | None:
    """The criterion with the lowest share of its points (ties: WEAKEST_TIE_ORDER)."""
    ratios: dict[str, Fraction] = {}
    for part in breakdown or []:
        maximum = int(part.get("max") or 0)
        ratios[str(part.get("criterion"))] = (
            Fraction(int(part.get("points") or 0), maximum) if maximum else Fraction(1)
        )
    known = [c for c in WEAKEST_TIE_ORDER if c in ratios]
    return min(known, key=lambda c: ratios[c]) if known else None


async def lead_for_conversation(session: AsyncSession, conversation_id: str) -> Lead | None:
    owner = select(Conversation.lead_id).where(Conversation.id == conversation_id)
    return (await session.scalars(select(Lead).where(Lead.id.in_(owner.scalar_subquery())))).first()


async def record_consent(
    sessions: Sessions,
    conversation_id: str,
    answer: Answer,
    answer_text: str | None,
    now: datetime,
) -> str | None:
    """Store the visitor's answer to the email question (notice text and version, time,
    conversation). Returns the lead id, or None when the conversation has no lead yet."""
    async with sessions() as session, session.begin():
        lead = await lead_for_conversation(session, conversation_id)
        if lead is None:
            return None
        session.add(
            Consent(
                lead_id=lead.id,
                conversation_id=conversation_id,
                kind=CONSENT_KIND,
                notice_version=CONSENT_NOTICE_VERSION,
                given_at=now,
                text=CONSENT_NOTICE,
                answer=answer,
                answer_text=(answer_text or "")[:2000] or None,
            )
        )
        await refresh_lead_nurture(session, lead.id)
        return lead.id


async def _consent(session: AsyncSession, lead_id: str) -> Consent | None:
    """The lead's latest answer to the nurture question."""
    statement = (
        select(Consent)
        .where(Consent.lead_id == lead_id, Consent.kind == CONSENT_KIND)
        .order_by(Consent.given_at.desc(), Consent.id.desc())
        .limit(1)
    )
    return (await session.scalars(statement)).first()


async def is_suppressed(session: AsyncSession, address: str) -> Suppression | None:
    statement = select(Suppression).where(Suppression.email_key == email_key(address))
    return (await session.scalars(statement)).first()


async def enroll(
    sessions: Sessions,
    book: SequenceBook,
    lead_id: str,
    now: datetime,
    *,
    mail_from: str,
    handoff_declined: bool = False,
    conversation_id: str | None = None,
) -> Enrolled:
    """Enroll a consenting lead in the sequence its weakest criterion picks (a handoff lead
    who did not book: book-when-ready). Idempotent; never re-enrolls a suppressed address."""
    try:
        return await _enroll(
            sessions, book, lead_id, now, mail_from, handoff_declined, conversation_id
        )
    except IntegrityError:  # a concurrent call enrolled this lead in this sequence first
        return await _enroll(
            sessions, book, lead_id, now, mail_from, handoff_declined, conversation_id
        )


async def _enroll(
    sessions: Sessions,
    book: SequenceBook,
    lead_id: str,
    now: datetime,
    mail_from: str,
    handoff_declined: bool,
    conversation_id: str | None,
) -> Enrolled:
    async with sessions() as session, session.begin():
        lead = (
            await session.scalars(select(Lead).where(Lead.id == lead_id).with_for_update())
        ).first()
        if lead is None:
            return Enrolled("no_lead")
        if not lead.email:
            return Enrolled("no_email")
        consent = await _consent(session, lead.id)
        if consent is None or consent.answer != "granted" or consent.withdrawn_at is not None:
            return Enrolled("no_consent")
        if await is_suppressed(session, lead.email):
            return Enrolled("suppressed")
        if lead.meeting:
            return Enrolled("booked")
        route = "handoff" if handoff_declined else "nurture"
        sequence = book.pick(route=route, weakest=weakest_criterion(lead.breakdown))
        existing = list(
            (await session.scalars(select(Enrollment).where(Enrollment.lead_id == lead.id))).all()
        )
        for enrollment in existing:
            if enrollment.sequence == sequence.name:
                if conversation_id:
                    enrollment.conversation_id = conversation_id
                enrollment.updated_at = now
                await refresh_lead_nurture(session, lead.id)
                return Enrolled("already_enrolled", sequence.name, enrollment.id)
        for enrollment in existing:  # a lead gets one sequence at a time: the newest
            if enrollment.status == ACTIVE:
                await stop_enrollment(
                    session, enrollment, STOPPED, f"moved to {sequence.name}", now
                )
        zone_name = lead.time_zone or book.default_time_zone
        enrollment = Enrollment(
            lead_id=lead.id,
            sequence=sequence.name,
            status=ACTIVE,
            conversation_id=conversation_id,
            time_zone=zone_name,
            enrolled_at=now,
            updated_at=now,
        )
        session.add(enrollment)
        await session.flush()
        zone = lead_zone(lead.time_zone, book.default_time_zone)
        for planned in plan(sequence, now, zone):
            session.add(
                NurtureStep(
                    enrollment_id=enrollment.id,
                    step_key=planned.key,
                    position=planned.position,
                    due_at=planned.due_at,
                    status=PENDING,
                    attempts=0,
                    message_id=new_message_id(enrollment.id, planned.key, mail_from),
                    created_at=now,
                )
            )
        await refresh_lead_nurture(session, lead.id)
        await wake_workers_in(session)  # the welcome is due now: no wait for the next poll
        return Enrolled("enrolled", sequence.name, enrollment.id)


async def stop_enrollment(
    session: AsyncSession, enrollment: Enrollment, status: str, reason: str, now: datetime
) -> None:
    enrollment.status = status
    enrollment.stop_reason = reason
    enrollment.stopped_at = now
    enrollment.updated_at = now
    await session.execute(
        update(NurtureStep)
        .where(NurtureStep.enrollment_id == enrollment.id, NurtureStep.status == PENDING)
        .values(status=CANCELLED, last_error=f"stopped: {reason}")
        .execution_options(synchronize_session=False)
    )
    await refresh_lead_nurture(session, enrollment.lead_id)


async def stop_lead(
    sessions: Sessions, lead_id: str, reason: str, now: datetime, *, status: str = STOPPED
) -> int | None:
    """Stop the lead's active sequences (booked, replied, manual...). Returns how many,
    None when there is no such lead."""
    async with sessions() as session, session.begin():
        if await session.get(Lead, lead_id) is None:
            return None
        active = (
            await session.scalars(
                select(Enrollment).where(Enrollment.lead_id == lead_id, Enrollment.status == ACTIVE)
            )
        ).all()
        for enrollment in active:
            await stop_enrollment(session, enrollment, status, reason, now)
        return len(active)


async def stop_address(
    sessions: Sessions, address: str, reason: str, now: datetime, *, status: str = STOPPED
) -> int:
    """Stop every active sequence of the leads with this address (a reply by email)."""
    async with sessions() as session, session.begin():
        return await _stop_address(session, address, status, reason, now)


async def _stop_address(
    session: AsyncSession, address: str, status: str, reason: str, now: datetime
) -> int:
    leads = select(Lead.id).where(Lead.email_key == email_key(address))
    active = (
        await session.scalars(
            select(Enrollment).where(
                Enrollment.lead_id.in_(leads.scalar_subquery()), Enrollment.status == ACTIVE
            )
        )
    ).all()
    for enrollment in active:
        await stop_enrollment(session, enrollment, status, reason, now)
    return len(active)


async def suppress(
    sessions: Sessions,
    address: str,
    reason: str,
    source: str,
    now: datetime,
    detail: str | None = None,
) -> bool:
    """Put an address on the suppression list and stop its sequences; True if it was new."""
    async with sessions() as session, session.begin():
        return await suppress_in(session, address, reason, source, now, detail)


async def suppress_in(
    session: AsyncSession,
    address: str,
    reason: str,
    source: str,
    now: datetime,
    detail: str | None = None,
) -> bool:
    key = email_key(address)
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    statement = (
        insert(Suppression)
        .values(email_key=key, reason=reason, source=source, detail=detail, created_at=now)
        .on_conflict_do_nothing(index_elements=[Suppression.email_key])
    )
    result = await session.execute(statement)
    status = UNSUBSCRIBED if reason == "unsubscribed" else SUPPRESSED
    await _stop_address(session, address, status, reason, now)
    if reason == "unsubscribed":  # the consent is withdrawn, never rewritten
        leads = select(Lead.id).where(Lead.email_key == key)
        await session.execute(
            update(Consent)
            .where(
                Consent.lead_id.in_(leads.scalar_subquery()),
                Consent.kind == CONSENT_KIND,
                Consent.withdrawn_at.is_(None),
            )
            .values(withdrawn_at=now)
            .execution_options(synchronize_session=False)
        )
    return bool(getattr(result, "rowcount", 0))


async def unsubscribe(
    sessions: Sessions, enrollment_id: int, scope: Literal["sequence", "all"], now: datetime
) -> str | None:
    """One-click unsubscribe: this sequence only, or every email (suppression). Idempotent.
    Returns the sequence name, or None for an enrollment that no longer exists."""
    async with sessions() as session, session.begin():
        enrollment = await session.get(Enrollment, enrollment_id)
        if enrollment is None:
            return None
        if scope == "all":
            lead = await session.get(Lead, enrollment.lead_id)
            if lead is not None and lead.email:
                await suppress_in(session, lead.email, "unsubscribed", "one_click", now)
        if enrollment.status == ACTIVE:
            await stop_enrollment(session, enrollment, UNSUBSCRIBED, "unsubscribed", now)
        return enrollment.sequence


async def refresh_lead_nurture(session: AsyncSession, lead_id: str) -> None:
    """Keep the lead's `nurture` column (what the leads API shows) in step with the tables."""
    await session.flush()
    lead = await session.get(Lead, lead_id)
    if lead is not None:
        lead.nurture = await nurture_view(session, lead)


API_STATUS = {
    ACTIVE: "enrolled",
    COMPLETED: "enrolled",
    STOPPED: "stopped",
    UNSUBSCRIBED: "unsubscribed",
    SUPPRESSED: "suppressed",
}


async def nurture_view(session: AsyncSession, lead: Lead) -> dict[str, Any] | None:
    """The leads API's `nurture` object: {sequence, status, reason, steps[...]}; None for a
    lead never asked. A lead who declined (or never answered yes) is `no_consent`."""
    enrollment = (
        await session.scalars(
            select(Enrollment)
            .where(Enrollment.lead_id == lead.id)
            .order_by(Enrollment.enrolled_at.desc(), Enrollment.id.desc())
            .limit(1)
        )
    ).first()
    if enrollment is None:
        consent = await _consent(session, lead.id)
        if consent is None:
            return None
        suppressed = await is_suppressed(session, lead.email) if lead.email else None
        if suppressed is not None:
            return {
                "sequence": None,
                "status": "suppressed",
                "reason": suppressed.reason,
                "steps": [],
            }
        if consent.answer == "granted" and consent.withdrawn_at is None:
            return None  # consented but not enrolled (yet)
        return {"sequence": None, "status": "no_consent", "reason": consent.answer, "steps": []}
    steps = (
        await session.scalars(
            select(NurtureStep)
            .where(NurtureStep.enrollment_id == enrollment.id)
            .order_by(NurtureStep.position)
        )
    ).all()
    return _view(enrollment, steps)


async def refresh_enrolled_leads(session: AsyncSession, lead_ids: Sequence[str]) -> None:
    """`refresh_lead_nurture` for many enrolled leads in three statements (the send loop:
    plain rows, not ORM objects, read and written)."""
    await session.flush()
    connection = await session.connection()
    enrollments = Enrollment.__table__.c
    latest: dict[str, _EnrollmentView] = {}
    for enrollment in await connection.execute(
        select(
            enrollments.id,
            enrollments.lead_id,
            enrollments.sequence,
            enrollments.status,
            enrollments.stop_reason,
            enrollments.time_zone,
        )
        .where(enrollments.lead_id.in_(lead_ids))
        .order_by(enrollments.enrolled_at.desc(), enrollments.id.desc())
    ):
        latest.setdefault(enrollment.lead_id, enrollment)
    if not latest:
        return
    steps = NurtureStep.__table__.c
    planned: dict[int, list[_StepView]] = {e.id: [] for e in latest.values()}
    for step in await connection.execute(
        select(steps.enrollment_id, steps.step_key, steps.due_at, steps.sent_at, steps.status)
        .where(steps.enrollment_id.in_(list(planned)))
        .order_by(steps.position)
    ):
        planned[step.enrollment_id].append(step)
    await connection.execute(
        SET_LEAD_NURTURE,
        [
            {"lead": lead_id, "view": _view(enrollment, planned[enrollment.id])}
            for lead_id, enrollment in latest.items()
        ],
    )


class _EnrollmentView(Protocol):
    id: int
    sequence: str
    status: str
    stop_reason: str | None
    time_zone: str


class _StepView(Protocol):
    step_key: str
    due_at: datetime
    sent_at: datetime | None
    status: str


def _view(enrollment: _EnrollmentView, steps: Sequence[_StepView]) -> dict[str, Any]:
    reason = enrollment.stop_reason or ("completed" if enrollment.status == COMPLETED else None)
    return {
        "sequence": enrollment.sequence,
        "status": API_STATUS.get(enrollment.status, enrollment.status),
        "reason": reason,
        "time_zone": enrollment.time_zone,
        "steps": [
            {
                "key": step.step_key,
                "due_at": step.due_at.isoformat(),
                "sent_at": step.sent_at.isoformat() if step.sent_at else None,
                "status": step.status,
            }
            for step in steps
        ],
    }
