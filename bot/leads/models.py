"""The lead store's tables, as SQLAlchemy 2.x typed ORM classes.

Portable across SQLite (the embedded default) and PostgreSQL. The classes carry no
relationships: the repositories query what they need explicitly, which keeps async
code free of lazy loads. Every timestamp is timezone-aware UTC on the way in and out.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timezone
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Dialect,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import DateTime, TypeDecorator, TypeEngine

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

MONEY_PLACES = Decimal("0.01")


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def new_id() -> str:
    return str(uuid.uuid4())


class UtcDateTime(TypeDecorator[datetime]):
    """TIMESTAMP WITH TIME ZONE that refuses naive datetimes and always returns UTC.

    SQLite keeps no offset, so values are stored as naive UTC there and read back as UTC.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"naive datetime {value!r}: pass a timezone-aware UTC time")
        value = value.astimezone(timezone.utc)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


class Money(TypeDecorator[Decimal]):
    """NUMERIC(14, 2) that round-trips Decimal on every backend.

    PostgreSQL stores decimals natively. SQLite has no decimal type (SQLAlchemy would warn
    and convert through float), so there the value travels as a float and is rebuilt
    exactly: 14 significant digits fit a double without loss.
    """

    impl = Numeric(14, 2)
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(Numeric(14, 2, asdecimal=False))
        return dialect.type_descriptor(Numeric(14, 2))

    def process_bind_param(self, value: Decimal | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        return Decimal(value).quantize(MONEY_PLACES)

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        return Decimal(repr(value) if isinstance(value, float) else str(value)).quantize(
            MONEY_PLACES
        )


# JSONB on PostgreSQL (indexable, compact), JSON text elsewhere.
Json = JSON().with_variant(JSONB(), "postgresql")
# 64-bit surrogate keys; SQLite only auto-increments a column declared INTEGER.
BigIntPk = BigInteger().with_variant(Integer(), "sqlite")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Lead(Base):
    """A person we talked to, merged over conversations by their email's dedupe key."""

    __tablename__ = "leads"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    email: Mapped[str | None] = mapped_column(String(320))
    email_key: Mapped[str | None] = mapped_column(String(320), unique=True)
    email_status: Mapped[str | None] = mapped_column(String(16))
    name: Mapped[str | None] = mapped_column(String(255))
    company: Mapped[str | None] = mapped_column(String(255))

    budget_amount: Mapped[Decimal | None] = mapped_column(Money())
    budget_amount_max: Mapped[Decimal | None] = mapped_column(Money())
    budget_currency: Mapped[str | None] = mapped_column(String(3))
    budget_period: Mapped[str | None] = mapped_column(String(16))
    budget_status: Mapped[str | None] = mapped_column(String(16))
    budget_raw: Mapped[str | None] = mapped_column(Text)

    authority_decision_maker: Mapped[bool | None] = mapped_column(Boolean)
    authority_role: Mapped[str | None] = mapped_column(String(255))
    authority_level: Mapped[str | None] = mapped_column(String(16))
    authority_raw: Mapped[str | None] = mapped_column(Text)

    need_summary: Mapped[str | None] = mapped_column(Text)
    need_level: Mapped[str | None] = mapped_column(String(16))
    need_raw: Mapped[str | None] = mapped_column(Text)

    timeline_months: Mapped[float | None] = mapped_column(Float)
    timeline_status: Mapped[str | None] = mapped_column(String(16))
    timeline_raw: Mapped[str | None] = mapped_column(Text)

    score: Mapped[int | None] = mapped_column(Integer)
    grade: Mapped[str | None] = mapped_column(String(8), index=True)
    route: Mapped[str | None] = mapped_column(String(16), index=True)
    rubric_version: Mapped[int | None] = mapped_column(Integer)
    breakdown: Mapped[list[Any] | None] = mapped_column(Json)

    # First touch: where the person first came from (each conversation keeps its own).
    source_page_url: Mapped[str | None] = mapped_column(Text)
    source_referrer: Mapped[str | None] = mapped_column(Text)
    source_utm_source: Mapped[str | None] = mapped_column(String(255))
    source_utm_medium: Mapped[str | None] = mapped_column(String(255))
    source_utm_campaign: Mapped[str | None] = mapped_column(String(255))
    source_utm_term: Mapped[str | None] = mapped_column(String(255))
    source_utm_content: Mapped[str | None] = mapped_column(String(255))
    time_zone: Mapped[str | None] = mapped_column(String(64))

    status: Mapped[str] = mapped_column(String(16), default="new")
    # The visitor asked to talk to a person: reps pick these up first, whatever the score.
    human_requested: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=false(), nullable=False
    )
    # Room for the booking and nurture issues: the meeting booked, the sequence state.
    meeting: Mapped[dict[str, Any] | None] = mapped_column(Json)
    nurture: Mapped[dict[str, Any] | None] = mapped_column(Json)

    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow, index=True)


class Conversation(Base):
    """One chat, keyed by Rasa's sender (conversation) id."""

    __tablename__ = "conversations"

    id: Mapped[str] = mapped_column(String(255), primary_key=True)
    lead_id: Mapped[str | None] = mapped_column(
        ForeignKey("leads.id", ondelete="SET NULL"), index=True
    )
    started_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    source_page_url: Mapped[str | None] = mapped_column(Text)
    source_referrer: Mapped[str | None] = mapped_column(Text)
    source_utm_source: Mapped[str | None] = mapped_column(String(255))
    source_utm_medium: Mapped[str | None] = mapped_column(String(255))
    source_utm_campaign: Mapped[str | None] = mapped_column(String(255))
    source_utm_term: Mapped[str | None] = mapped_column(String(255))
    source_utm_content: Mapped[str | None] = mapped_column(String(255))
    # `metadata` is taken by the declarative base; the column keeps the name.
    meta: Mapped[dict[str, Any] | None] = mapped_column("metadata", Json)


class TranscriptMessage(Base):
    """One message of a conversation; (conversation_id, seq) makes re-sends harmless."""

    __tablename__ = "transcript_messages"
    __table_args__ = (UniqueConstraint("conversation_id", "seq"),)

    id: Mapped[int] = mapped_column(BigIntPk, primary_key=True, autoincrement=True)
    conversation_id: Mapped[str] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"))
    seq: Mapped[int] = mapped_column(Integer)
    sender: Mapped[str] = mapped_column(String(16))  # visitor | bot | agent (human takeover)
    text: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(UtcDateTime())


class ScoreHistory(Base):
    """Every score a lead was given, with the rubric version that produced it."""

    __tablename__ = "score_history"

    id: Mapped[int] = mapped_column(BigIntPk, primary_key=True, autoincrement=True)
    lead_id: Mapped[str] = mapped_column(ForeignKey("leads.id", ondelete="CASCADE"), index=True)
    conversation_id: Mapped[str | None] = mapped_column(
        ForeignKey("conversations.id", ondelete="SET NULL"), index=True
    )
    score: Mapped[int] = mapped_column(Integer)
    grade: Mapped[str] = mapped_column(String(8))
    route: Mapped[str] = mapped_column(String(16))
    rubric_version: Mapped[int] = mapped_column(Integer)
    breakdown: Mapped[list[Any]] = mapped_column(Json)
    at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class Consent(Base):
    """A notice the person was shown and accepted (privacy notice, marketing email...)."""

    __tablename__ = "consents"

    id: Mapped[int] = mapped_column(BigIntPk, primary_key=True, autoincrement=True)
    lead_id: Mapped[str] = mapped_column(ForeignKey("leads.id", ondelete="CASCADE"), index=True)
    conversation_id: Mapped[str | None] = mapped_column(
        ForeignKey("conversations.id", ondelete="SET NULL"), index=True
    )
    kind: Mapped[str] = mapped_column(String(64))
    notice_version: Mapped[str] = mapped_column(String(64))
    given_at: Mapped[datetime] = mapped_column(UtcDateTime())
    text: Mapped[str | None] = mapped_column(Text)
    # Room for the unsubscribe issue: a consent is withdrawn, never rewritten.
    withdrawn_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    # Nurture (migration 0003): a question can be answered no; the visitor's own words.
    answer: Mapped[str | None] = mapped_column(String(16))  # granted | declined
    answer_text: Mapped[str | None] = mapped_column(Text)


class OutboxMessage(Base):
    """A side effect (notification, email) written with the change that causes it.

    Delivered later by a worker: `claim_due` leases due rows, then `mark_sent` or
    `mark_failed`. `idempotency_key` makes a repeated enqueue a no-op.
    """

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_status_next_attempt_at", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(BigIntPk, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(32))  # notification | email | webhook ...
    channel: Mapped[str] = mapped_column(String(64))  # slack | smtp | webhook ...
    payload: Mapped[dict[str, Any]] = mapped_column(Json)
    idempotency_key: Mapped[str] = mapped_column(String(255), unique=True)
    # The person the message is about, so erasure can find it (no FK: rows may outlive it).
    lead_id: Mapped[str | None] = mapped_column(String(36), index=True)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    claimed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


# -- handoff (issue 12) and nurture (issue 13) keep their tables in their own packages on this
# same Base; imported here so the metadata Alembic and the tests compare against is whole.
import bot.handoff.models  # noqa: E402
import bot.nurture.models  # noqa: E402, F401

ALL_TABLES = tuple(Base.metadata.sorted_tables)
