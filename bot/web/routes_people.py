"""GDPR: export everything stored about a person, or erase it everywhere we keep it.

Erasure covers the lead store, Rasa's tracker store (the conversations' events) and the
lead spool with its quarantine. Order matters: the conversation ids are read first, the
stores we don't own are cleared, and the lead store (which knows the ids) goes last, so a
failure half-way leaves a retry everything it needs. It holds the spool's file lock
throughout: no drain, in this process or another, delivers the person's lead meanwhile.
"""

from __future__ import annotations

import asyncio

from aiohttp import web

from bot.leads.service import erase_person, export_person, person_conversation_ids
from bot.web import params
from bot.web.keys import SERVICES, SPOOL_LOCK, TRACKER_STORE
from bot.web.responses import json_error

routes = web.RouteTableDef()


@routes.get("/api/people/{email}/export", name="person_export")
async def export(request: web.Request) -> web.Response:
    params.only(request.query)
    address = params.email(request.match_info["email"])
    data = await export_person(request.app[SERVICES].uow(), address)
    if not data["leads"]:
        return json_error(404, "nothing stored for this email address")
    return web.json_response(data, headers={"Cache-Control": "no-store"})


@routes.delete("/api/people/{email}", name="person")
async def erase(request: web.Request) -> web.Response:
    """Idempotent: erasing a person we know nothing about answers 200 with zero counts."""
    params.only(request.query)
    address = params.email(request.match_info["email"])
    services = request.app[SERVICES]
    tracker = request.app[TRACKER_STORE]
    # No drain, in this process or another, can bring the person back meanwhile.
    async with request.app[SPOOL_LOCK], services.spool.exclusive():
        known = await person_conversation_ids(services.uow(), address)
        events = await tracker.erase(known)
        spooled = await asyncio.to_thread(services.spool.discard, known, email=address)
        report = await erase_person(services.uow(), address)
        late = set(report.conversation_ids) - set(known)  # joined while we erased
        if late:
            events += await tracker.erase(late)
            spooled += await asyncio.to_thread(services.spool.discard, late)
    conversation_ids = sorted({*known, *report.conversation_ids})
    return web.json_response(
        {
            "email_key": report.email_key,
            "lead_ids": list(report.lead_ids),
            "conversation_ids": conversation_ids,
            "deleted": {
                "lead_store": report.rows_deleted,
                "rasa_tracker_store": {"events": events},
                "spool_files": spooled,
            },
        }
    )
