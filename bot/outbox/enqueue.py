"""Writing notifications into the outbox, inside the caller's transaction.

The caller opened the unit of work that records the fact (a qualified lead, a booking);
these rows commit or roll back with it, so "the lead is stored but the rep never hears"
cannot happen. One row per (event, channel): its idempotency key is that pair, reused on
every retry, and enqueueing the same pair again is a no-op.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from bot.leads.unit_of_work import SqlAlchemyUnitOfWork
from bot.notify.channels import Channel, channel_label, channel_to_dict
from bot.notify.events import Event

NOTIFY_CHANNEL = "leadbot_outbox"
KIND_NOTIFICATION = "notification"


def idempotency_key(event_id: str, channel: Channel) -> str:
    return f"{event_id}/{channel_label(channel)}"[:255]


async def enqueue_event(
    uow: SqlAlchemyUnitOfWork, event: Event, channels: Iterable[Channel], *, now: datetime
) -> int:
    """One outbox row per channel for `event`; returns how many were new."""
    payload = event.to_payload()
    added = 0
    for channel in channels:
        added += await uow.outbox.add(
            kind=KIND_NOTIFICATION,
            channel=channel.kind,
            payload={"channel": channel_to_dict(channel), "event": payload},
            idempotency_key=idempotency_key(event.id, channel),
            now=now,
            lead_id=str(event.lead.get("id")) if event.lead.get("id") else None,
        )
    if added:
        await wake_workers(uow)
    return added


async def wake_workers(uow: SqlAlchemyUnitOfWork) -> None:
    """PostgreSQL: NOTIFY, delivered to listening workers when this transaction commits
    (and dropped if it rolls back). SQLite workers watch the database file instead."""
    await wake_workers_in(uow.session)


async def wake_workers_in(session: AsyncSession) -> None:
    """`wake_workers` for a caller holding a plain session (the nurture enrollment)."""
    if session.get_bind().dialect.name == "postgresql":
        await session.execute(text("SELECT pg_notify(:channel, '')"), {"channel": NOTIFY_CHANNEL})
