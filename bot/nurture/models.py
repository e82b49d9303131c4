"""Nurture's tables, on the lead store's declarative base (same metadata, same migrations).

A step row is its own outbox row: due time, status, attempts and a lease. The send log,
unique on (enrollment, step), is written just before the message is handed over for good,
so no step can go out twice (see bot.nurture.sender).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.leads.models import Base, BigIntPk, UtcDateTime, utcnow

# Enrollment statuses; the API reports active/completed as "enrolled".
ACTIVE, COMPLETED, STOPPED, UNSUBSCRIBED, SUPPRESSED = (
    "active", "completed", "stopped", "unsubscribed", "suppressed",
)  # fmt: skip
# Step statuses. `unconfirmed`: handed to the server, the worker died before the reply.
PENDING, SENDING, SENT, FAILED, CANCELLED, UNCONFIRMED = (
    "pending", "sending", "sent", "failed", "cancelled", "unconfirmed",
)  # fmt: skip


class Enrollment(Base):
    """A lead in one sequence; a lead is in a sequence at most once."""

    __tablename__ = "nurture_enrollments"
    __table_args__ = (UniqueConstraint("lead_id", "sequence"),)

    id: Mapped[int] = mapped_column(BigIntPk, primary_key=True, autoincrement=True)
    lead_id: Mapped[str] = mapped_column(ForeignKey("leads.id", ondelete="CASCADE"), index=True)
    sequence: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), default=ACTIVE)
    stop_reason: Mapped[str | None] = mapped_column(String(64))
    conversation_id: Mapped[str | None] = mapped_column(String(255))
    time_zone: Mapped[str] = mapped_column(String(64))
    enrolled_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    stopped_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class NurtureStep(Base):
    """One email of an enrollment, due at a time; claimed by a worker with a lease."""

    __tablename__ = "nurture_steps"
    __table_args__ = (
        UniqueConstraint("enrollment_id", "step_key"),
        Index("ix_nurture_steps_status_due_at", "status", "due_at"),
    )

    id: Mapped[int] = mapped_column(BigIntPk, primary_key=True, autoincrement=True)
    enrollment_id: Mapped[int] = mapped_column(
        ForeignKey("nurture_enrollments.id", ondelete="CASCADE")
    )
    step_key: Mapped[str] = mapped_column(String(64))
    position: Mapped[int] = mapped_column(Integer)
    due_at: Mapped[datetime] = mapped_column(UtcDateTime())
    status: Mapped[str] = mapped_column(String(16), default=PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    lease_until: Mapped[datetime | None] = mapped_column(UtcDateTime())
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    # Fixed when the step is planned: every attempt carries the same Message-ID.
    message_id: Mapped[str] = mapped_column(String(255), unique=True)
    last_error: Mapped[str | None] = mapped_column(Text)
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class SendLog(Base):
    """A step handed to the mail server: written before the final hand-over, at most once."""

    __tablename__ = "nurture_send_log"
    __table_args__ = (UniqueConstraint("enrollment_id", "step_key"),)

    id: Mapped[int] = mapped_column(BigIntPk, primary_key=True, autoincrement=True)
    enrollment_id: Mapped[int] = mapped_column(
        ForeignKey("nurture_enrollments.id", ondelete="CASCADE")
    )
    step_key: Mapped[str] = mapped_column(String(64))
    message_id: Mapped[str] = mapped_column(String(255))
    worker: Mapped[str] = mapped_column(String(64))
    started_at: Mapped[datetime] = mapped_column(UtcDateTime())
    confirmed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class Suppression(Base):
    """An address no email may go to again: unsubscribed, hard-bounced or complained."""

    __tablename__ = "nurture_suppressions"

    id: Mapped[int] = mapped_column(BigIntPk, primary_key=True, autoincrement=True)
    email_key: Mapped[str] = mapped_column(String(320), unique=True)
    reason: Mapped[str] = mapped_column(String(32))  # unsubscribed | bounced | complained
    source: Mapped[str] = mapped_column(String(64))  # one_click | smtp | webhook | api ...
    detail: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
