"""The outbox for operators: what failed and why, and sending it again. Bearer token.

GET  /api/outbox?status=failed     failed rows (retrying or dead), with the last error
POST /api/outbox/{id}/retry        send a failed or dead row again (same idempotency key)
"""

from __future__ import annotations

from typing import Any

from aiohttp import web
from sqlalchemy import func, select

from bot.leads.models import OutboxMessage
from bot.outbox.worker import retry_now
from bot.web import params
from bot.web.keys import SERVICES
from bot.web.outbox_runner import OUTBOX_WAKER
from bot.web.responses import json_error

routes = web.RouteTableDef()

STATUSES: dict[str, tuple[str, ...]] = {
    "pending": ("pending",),
    "sent": ("sent",),
    "failed": ("failed", "dead"),  # every row that has not got through yet, dead or retrying
    "dead": ("dead",),
}


def outbox_to_dict(row: OutboxMessage) -> dict[str, Any]:
    event = (row.payload or {}).get("event") or {}
    return {
        "id": row.id,
        "event": event.get("type") or row.kind,
        "event_id": event.get("id"),
        "channel": row.channel,
        "lead_id": row.lead_id,
        "status": row.status,
        "attempts": row.attempts,
        "last_error": row.last_error,
        "idempotency_key": row.idempotency_key,
        "created_at": row.created_at.isoformat(),
        "next_attempt_at": row.next_attempt_at.isoformat(),
        "delivered_at": row.sent_at.isoformat() if row.sent_at else None,
    }


@routes.get("/api/outbox", name="outbox")
async def list_outbox(request: web.Request) -> web.Response:
    params.only(request.query, ("status", "limit", "offset"))
    status = request.query.get("status", "failed")
    if status not in STATUSES:
        return json_error(400, f"status: one of {', '.join(STATUSES)}", parameter="status")
    limit = params.integer(request.query.get("limit", "50"), "limit", minimum=1, maximum=500)
    offset = params.integer(
        request.query.get("offset", "0"), "offset", minimum=0, maximum=params.MAX_OFFSET
    )
    where = OutboxMessage.status.in_(STATUSES[status])
    async with request.app[SERVICES].uow() as uow:
        rows = (
            await uow.session.scalars(
                select(OutboxMessage)
                .where(where)
                .order_by(OutboxMessage.id.desc())
                .limit(limit)
                .offset(offset)
            )
        ).all()
        total = (await uow.session.execute(select(func.count()).where(where))).scalar_one()
    return web.json_response(
        {
            "items": [outbox_to_dict(r) for r in rows],
            "total": total,
            "limit": limit,
            "offset": offset,
        }
    )


@routes.post("/api/outbox/{id}/retry", name="outbox_retry")
async def retry_outbox(request: web.Request) -> web.Response:
    raw = request.match_info["id"]
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 18:  # "²".isdigit() is True
        return json_error(404, "no such outbox message")
    message_id = int(raw)
    services = request.app[SERVICES]
    async with services.uow() as uow:
        row = await uow.outbox.get(message_id)
        if row is None:
            return json_error(404, "no such outbox message")
        if not await retry_now(uow, message_id, services.clock.now()):
            return json_error(
                409, f"only a failed or dead message is retried; this one is {row.status}"
            )
        await uow.commit()
        await uow.session.refresh(row)
        body = outbox_to_dict(row)
    waker = request.app.get(OUTBOX_WAKER)
    if waker is not None:
        waker.poke()
    return web.json_response(body)
