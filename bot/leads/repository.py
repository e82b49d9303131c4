"""Async repositories over one SQLAlchemy session: leads, conversations, outbox.

They add, find and lock rows; they never commit (the unit of work does). Loads with
`for_update=True` lock the row on PostgreSQL (SQLite's `BEGIN IMMEDIATE` already
serializes writers) and refresh any stale copy held by the session.
"""

from __future__ import annotations

import builtins
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

from sqlalchemy import CursorResult, Select, delete, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.handoff.models import LeadOwner, Meeting
from bot.leads.keys import email_key
from bot.leads.models import (
    Consent,
    Conversation,
    Lead,
    OutboxMessage,
    ScoreHistory,
    TranscriptMessage,
    new_id,
)

MAX_PAGE_SIZE = 500
_INSERT_CHUNK = 500

OutboxStatus = Literal["pending", "sent", "failed", "dead"]


@dataclass(frozen=True)
class LeadFilter:
    """Which leads to list. `email` matches any spelling of the mailbox (by its key);
    `since` keeps leads updated at or after that time. Newest first."""

    conversation_id: str | None = None
    email: str | None = None
    route: str | None = None
    grade: str | None = None
    since: datetime | None = None
    limit: int = 50
    offset: int = 0

    def __post_init__(self) -> None:
        if not 1 <= self.limit <= MAX_PAGE_SIZE:
            raise ValueError(f"limit must be between 1 and {MAX_PAGE_SIZE}")
        if self.offset < 0:
            raise ValueError("offset must not be negative")


def _dialect_insert(session: AsyncSession, table: Any) -> Any:
    """INSERT with ON CONFLICT support for the session's backend."""
    name = session.get_bind().dialect.name
    if name == "postgresql":
        return postgresql.insert(table)
    if name == "sqlite":
        return sqlite.insert(table)
    raise NotImplementedError(f"no upsert for dialect {name!r}")


async def _rowcount(session: AsyncSession, statement: Any) -> int:
    result = await session.execute(statement)
    assert isinstance(result, CursorResult)
    return max(result.rowcount, 0)


class LeadRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, lead: Lead) -> None:
        """Insert a new lead now (so rows referring to it can follow in any order)."""
        self._session.add(lead)
        await self._session.flush()

    async def get(self, lead_id: str, *, for_update: bool = False) -> Lead | None:
        return await self._one(select(Lead).where(Lead.id == lead_id), for_update)

    async def get_by_email_key(self, key: str, *, for_update: bool = False) -> Lead | None:
        return await self._one(select(Lead).where(Lead.email_key == key), for_update)

    async def get_by_email(self, email: str, *, for_update: bool = False) -> Lead | None:
        return await self.get_by_email_key(email_key(email), for_update=for_update)

    async def get_by_conversation(
        self, conversation_id: str, *, for_update: bool = False
    ) -> Lead | None:
        owner = select(Conversation.lead_id).where(Conversation.id == conversation_id)
        return await self._one(select(Lead).where(Lead.id.in_(owner.scalar_subquery())), for_update)

    async def list(self, filters: LeadFilter) -> list[Lead]:
        statement = (
            self._filtered(select(Lead), filters)
            .order_by(Lead.created_at.desc(), Lead.id.desc())
            .limit(filters.limit)
            .offset(filters.offset)
        )
        return builtins.list((await self._session.scalars(statement)).all())

    async def count(self, filters: LeadFilter) -> int:
        statement = self._filtered(select(func.count()).select_from(Lead), filters)
        return int((await self._session.execute(statement)).scalar_one())

    async def insert_if_email_key_absent(self, key: str, email: str, now: datetime) -> bool:
        """Create an empty lead owning `key` unless one exists (or is being created by a
        concurrent transaction, which this waits for). True if this call created it."""
        statement = (
            _dialect_insert(self._session, Lead)
            .values(
                id=new_id(), email=email, email_key=key, status="new", created_at=now,
                updated_at=now,
            )
            .on_conflict_do_nothing(index_elements=[Lead.email_key])
        )  # fmt: skip
        return await _rowcount(self._session, statement) == 1

    async def claim_email_key(self, lead: Lead, key: str, email: str) -> bool:
        """Give `lead` the dedupe key `key`; False (nothing changed) if another lead holds
        it, including one committed by a concurrent transaction meanwhile."""
        await self._session.flush()
        try:
            async with self._session.begin_nested():
                await self._session.execute(
                    update(Lead).where(Lead.id == lead.id).values(email_key=key, email=email)
                )
        except IntegrityError:
            await self._session.refresh(lead)
            return False
        return True

    async def move_belongings(self, from_lead_id: str, to_lead_id: str) -> None:
        """Re-point everything that belongs to one lead at another (before a merge)."""
        for model in (Conversation, ScoreHistory, Consent, OutboxMessage, Meeting):
            await self._session.execute(
                update(model)
                .where(model.lead_id == from_lead_id)
                .values(lead_id=to_lead_id)
                .execution_options(synchronize_session=False)
            )
        # The rep who owns the person stays theirs: the winner's owner if it has one, else
        # the absorbed lead's (a merge never leaves a returning person without their rep).
        winner_owned = await self._session.scalar(
            select(func.count()).select_from(LeadOwner).where(LeadOwner.lead_id == to_lead_id)
        )
        if not winner_owned:
            await self._session.execute(
                update(LeadOwner)
                .where(LeadOwner.lead_id == from_lead_id)
                .values(lead_id=to_lead_id)
                .execution_options(synchronize_session=False)
            )

    async def delete(self, lead: Lead) -> None:
        await self._session.execute(
            delete(Lead).where(Lead.id == lead.id).execution_options(synchronize_session=False)
        )
        self._session.expunge(lead)

    def add_score(self, row: ScoreHistory) -> None:
        self._session.add(row)

    async def last_score(self, lead_id: str, conversation_id: str | None) -> ScoreHistory | None:
        statement = (
            select(ScoreHistory)
            .where(
                ScoreHistory.lead_id == lead_id,
                ScoreHistory.conversation_id.is_(None)
                if conversation_id is None
                else ScoreHistory.conversation_id == conversation_id,
            )
            .order_by(ScoreHistory.id.desc())
            .limit(1)
        )
        return (await self._session.scalars(statement)).first()

    async def score_history(self, lead_id: str) -> builtins.list[ScoreHistory]:
        statement = (
            select(ScoreHistory).where(ScoreHistory.lead_id == lead_id).order_by(ScoreHistory.id)
        )
        return builtins.list((await self._session.scalars(statement)).all())

    def add_consent(self, consent: Consent) -> None:
        self._session.add(consent)

    async def consents(self, lead_id: str) -> builtins.list[Consent]:
        statement = select(Consent).where(Consent.lead_id == lead_id).order_by(Consent.id)
        return builtins.list((await self._session.scalars(statement)).all())

    async def delete_person_rows(self, lead_ids: Sequence[str]) -> dict[str, int]:
        """Delete the leads and their score history and consents; rows deleted per table."""
        counts = {}
        for model in (ScoreHistory, Consent):
            counts[model.__tablename__] = await _rowcount(
                self._session,
                delete(model)
                .where(model.lead_id.in_(lead_ids))
                .execution_options(synchronize_session=False),
            )
        counts[Lead.__tablename__] = await _rowcount(
            self._session,
            delete(Lead).where(Lead.id.in_(lead_ids)).execution_options(synchronize_session=False),
        )
        return counts

    async def _one(self, statement: Select[tuple[Lead]], for_update: bool) -> Lead | None:
        if for_update:
            statement = statement.with_for_update().execution_options(populate_existing=True)
        return (await self._session.scalars(statement)).first()

    @staticmethod
    def _filtered(statement: Select[Any], filters: LeadFilter) -> Select[Any]:
        if filters.conversation_id is not None:
            owner = select(Conversation.lead_id).where(Conversation.id == filters.conversation_id)
            statement = statement.where(Lead.id.in_(owner.scalar_subquery()))
        if filters.email is not None:
            statement = statement.where(Lead.email_key == email_key(filters.email))
        if filters.route is not None:
            statement = statement.where(Lead.route == filters.route)
        if filters.grade is not None:
            statement = statement.where(Lead.grade == filters.grade)
        if filters.since is not None:
            statement = statement.where(Lead.updated_at >= filters.since)
        return statement


class ConversationRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, conversation_id: str, *, for_update: bool = False) -> Conversation | None:
        statement = select(Conversation).where(Conversation.id == conversation_id)
        if for_update:
            statement = statement.with_for_update().execution_options(populate_existing=True)
        return (await self._session.scalars(statement)).first()

    async def ensure(self, conversation_id: str, now: datetime) -> tuple[Conversation, bool]:
        """The conversation row, created if new, locked for this transaction.

        Concurrent calls for one conversation queue here, so everything after runs one
        at a time per conversation. Returns (conversation, created)."""
        statement = (
            _dialect_insert(self._session, Conversation)
            .values(id=conversation_id, started_at=now, last_seen_at=now)
            .on_conflict_do_nothing(index_elements=[Conversation.id])
        )
        created = await _rowcount(self._session, statement) == 1
        conversation = await self.get(conversation_id, for_update=True)
        assert conversation is not None
        return conversation, created

    async def for_lead(self, lead_id: str) -> list[Conversation]:
        statement = (
            select(Conversation)
            .where(Conversation.lead_id == lead_id)
            .order_by(Conversation.started_at, Conversation.id)
        )
        return list((await self._session.scalars(statement)).all())

    async def append_messages(self, conversation_id: str, rows: Sequence[dict[str, Any]]) -> int:
        """Insert transcript rows (dicts with seq, sender, text, at); a seq already stored
        for the conversation is skipped. Returns how many were new."""
        added = 0
        for start in range(0, len(rows), _INSERT_CHUNK):
            chunk = [
                {**row, "conversation_id": conversation_id}
                for row in rows[start : start + _INSERT_CHUNK]
            ]
            statement = (
                _dialect_insert(self._session, TranscriptMessage)
                .values(chunk)
                .on_conflict_do_nothing(
                    index_elements=[TranscriptMessage.conversation_id, TranscriptMessage.seq]
                )
            )
            added += await _rowcount(self._session, statement)
        return added

    async def transcript(self, conversation_id: str) -> list[TranscriptMessage]:
        statement = (
            select(TranscriptMessage)
            .where(TranscriptMessage.conversation_id == conversation_id)
            .order_by(TranscriptMessage.seq)
        )
        return list((await self._session.scalars(statement)).all())

    async def delete_with_transcripts(self, conversation_ids: Sequence[str]) -> dict[str, int]:
        """Delete conversations, their transcripts and the scores and consents they carry."""
        counts = {}
        for model in (TranscriptMessage, ScoreHistory, Consent):
            counts[model.__tablename__] = await _rowcount(
                self._session,
                delete(model)
                .where(model.conversation_id.in_(conversation_ids))
                .execution_options(synchronize_session=False),
            )
        counts[Conversation.__tablename__] = await _rowcount(
            self._session,
            delete(Conversation)
            .where(Conversation.id.in_(conversation_ids))
            .execution_options(synchronize_session=False),
        )
        return counts


class OutboxRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(
        self,
        *,
        kind: str,
        channel: str,
        payload: dict[str, Any],
        idempotency_key: str,
        now: datetime,
        lead_id: str | None = None,
        not_before: datetime | None = None,
    ) -> bool:
        """Enqueue a message; a repeated idempotency key is a no-op. True if enqueued."""
        statement = (
            _dialect_insert(self._session, OutboxMessage)
            .values(
                kind=kind,
                channel=channel,
                payload=payload,
                idempotency_key=idempotency_key,
                lead_id=lead_id,
                status="pending",
                attempts=0,
                next_attempt_at=not_before or now,
                created_at=now,
            )
            .on_conflict_do_nothing(index_elements=[OutboxMessage.idempotency_key])
        )
        return await _rowcount(self._session, statement) == 1

    async def get(self, message_id: int) -> OutboxMessage | None:
        return await self._session.get(OutboxMessage, message_id)

    async def get_by_key(self, idempotency_key: str) -> OutboxMessage | None:
        statement = select(OutboxMessage).where(OutboxMessage.idempotency_key == idempotency_key)
        return (await self._session.scalars(statement)).first()

    async def claim_due(
        self, now: datetime, *, limit: int = 10, lease: timedelta = timedelta(minutes=5)
    ) -> list[OutboxMessage]:
        """Lease up to `limit` due messages (pending, or failed and due for a retry).

        Each claimed row gets `attempts + 1` and is hidden from other workers until
        `now + lease`; commit, deliver, then `mark_sent` / `mark_failed` in a new unit of
        work. A worker that dies mid-delivery leaves the row to be claimed again after the
        lease. On PostgreSQL concurrent workers skip each other's rows (FOR UPDATE SKIP
        LOCKED); on SQLite writers are serialized anyway.
        """
        statement = (
            select(OutboxMessage)
            .where(
                OutboxMessage.status.in_(("pending", "failed")),
                OutboxMessage.next_attempt_at <= now,
            )
            .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
            .execution_options(populate_existing=True)
        )
        messages = list((await self._session.scalars(statement)).all())
        for message in messages:
            message.attempts += 1
            message.claimed_at = now
            message.next_attempt_at = now + lease
        await self._session.flush()
        return messages

    async def mark_sent(self, message_id: int, now: datetime) -> None:
        await self._set(message_id, status="sent", sent_at=now, last_error=None)

    async def mark_failed(
        self, message_id: int, error: str, now: datetime, *, retry_at: datetime | None
    ) -> None:
        """Record a failed attempt: retried at `retry_at`, or `dead` when None."""
        if retry_at is None:
            await self._set(message_id, status="dead", last_error=error)
        else:
            await self._set(message_id, status="failed", last_error=error, next_attempt_at=retry_at)

    async def for_lead(self, lead_ids: Sequence[str]) -> list[OutboxMessage]:
        statement = (
            select(OutboxMessage)
            .where(OutboxMessage.lead_id.in_(lead_ids))
            .order_by(OutboxMessage.id)
        )
        return list((await self._session.scalars(statement)).all())

    async def delete_for_leads(self, lead_ids: Sequence[str]) -> int:
        return await _rowcount(
            self._session,
            delete(OutboxMessage)
            .where(OutboxMessage.lead_id.in_(lead_ids))
            .execution_options(synchronize_session=False),
        )

    async def _set(self, message_id: int, **values: Any) -> None:
        statement = (
            update(OutboxMessage)
            .where(OutboxMessage.id == message_id)
            .values(**values)
            .execution_options(synchronize_session="fetch")
        )
        if await _rowcount(self._session, statement) != 1:
            raise LookupError(f"no outbox message {message_id}")
