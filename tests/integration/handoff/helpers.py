from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import select

from bot.handoff.service import Handoff, on_lead_stored
from bot.leads.models import Lead, OutboxMessage
from bot.leads.service import record_lead
from bot.leads.unit_of_work import SqlAlchemyUnitOfWork
from tests.integration.leads.helpers import full_input, score

UowFactory = Callable[[], SqlAlchemyUnitOfWork]


async def store_hot_lead(
    new_uow: UowFactory,
    handoff: Handoff,
    conversation_id: str,
    now: datetime,
    *,
    address: str | None = "jane@acme.io",
    route: str = "handoff",
    time_zone: str | None = "America/New_York",
) -> str:
    """A qualified conversation stored the way the action does, the handoff hook included."""

    async def hook(uow: SqlAlchemyUnitOfWork, lead: Lead, conversation: str, at: datetime) -> None:
        await on_lead_stored(uow, handoff, lead, conversation, at)

    data = full_input(
        conversation_id, address, score=score(90, route=route),
        source={"page_url": "https://acme.example/pricing", "time_zone": time_zone},
    )  # fmt: skip
    result = await record_lead(new_uow(), data, now=now, on_stored=hook)
    return result.lead_id


async def outbox_rows(new_uow: UowFactory) -> list[OutboxMessage]:
    async with new_uow() as uow:
        statement = select(OutboxMessage).order_by(OutboxMessage.id)
        return list((await uow.session.scalars(statement)).all())


def events(rows: list[OutboxMessage]) -> list[tuple[str, str]]:
    """(event type, channel) per row."""
    out: list[tuple[str, str]] = []
    for row in rows:
        payload: dict[str, Any] = row.payload
        out.append((str(payload["event"]["type"]), row.channel))
    return out
