"""The visitor's booking page: the signed link in the confirmation and the invite.

    GET  /booking/{token}              the meeting, on the visitor's clock, and other times
    POST /booking/{token}/cancel       cancel it (the rep is told)
    POST /booking/{token}/reschedule   start=<ISO 8601>: move it (the rep is told)

The token (bot.signing, Purpose.BOOKING) is the only key: no account, nothing to guess.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from aiohttp import web
from jinja2 import Environment, select_autoescape

from bot.handoff import service
from bot.handoff.reps import zone_or_none
from bot.handoff.wording import slot_label
from bot.signing import InvalidToken, Purpose
from bot.web.keys import SERVICES

routes = web.RouteTableDef()

TOKEN_MAX_AGE = 90 * 24 * 3600
_PAGE = Environment(autoescape=select_autoescape(default=True)).from_string(
    """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>Your call</title>
<style>
body{font:16px/1.5 system-ui,sans-serif;max-width:34rem;margin:2rem auto;padding:0 1rem;color:#222}
button{font:inherit;padding:.5rem .9rem;margin:.25rem .25rem .25rem 0;border-radius:.4rem;
border:1px solid #888;background:#fff;cursor:pointer}
.primary{background:#1f5fbf;color:#fff;border-color:#1f5fbf}.note{color:#555}
</style></head><body>
{% if message %}<p class="note" role="status">{{ message }}</p>{% endif %}
{% if meeting %}
<h1>Your call with {{ rep }}</h1>
{% if meeting.status == "booked" %}
<p><strong>{{ when }}</strong> ({{ zone }})</p>
<form method="post" action="{{ base }}/cancel">
<button type="submit">Cancel this call</button></form>
{% if slots %}<h2>Or pick another time</h2>
<form method="post" action="{{ base }}/reschedule">
{% for slot in slots %}
<button class="primary" name="start" value="{{ slot.value }}">{{ slot.label }}</button>
{% endfor %}
</form>{% endif %}
{% else %}<p>This call is cancelled.</p>{% endif %}
{% else %}<h1>Link not valid</h1><p>This link is not valid or has expired.</p>{% endif %}
</body></html>"""
)


def _meeting_id(request: web.Request) -> str | None:
    signer = request.app[SERVICES].handoff.signer
    try:
        data = signer.load(Purpose.BOOKING, request.match_info["token"], max_age=TOKEN_MAX_AGE)
    except InvalidToken:
        return None
    meeting = data.get("meeting") if isinstance(data, dict) else None
    return str(meeting) if meeting else None


async def _render(
    request: web.Request, message: str | None = None, status: int = 200
) -> web.Response:
    services = request.app[SERVICES]
    meeting_id = _meeting_id(request)
    meeting = (
        await service.meeting_details(services.uow(), services.handoff, meeting_id)
        if meeting_id
        else None
    )
    context: dict[str, Any] = {"message": message, "meeting": meeting}
    if meeting is None:
        return web.Response(
            text=_PAGE.render(context),
            content_type="text/html",
            status=404 if status == 200 else status,
        )
    rep = services.handoff.team.rep(meeting["rep"]["id"])
    zone: ZoneInfo = zone_or_none(meeting.get("time_zone")) or (
        rep.zone if rep else ZoneInfo("UTC")
    )
    start = datetime.fromisoformat(meeting["start"])
    slots: list[dict[str, str]] = []
    if meeting["status"] == "booked" and rep is not None:
        now = services.clock.now()
        busy = await services.calendars.busy(rep)
        offer = await service.offer_slots_for_rep(
            services.uow(), services.handoff, rep, now, external={rep.id: busy}, count=6
        )
        slots = [
            {"value": s.isoformat(), "label": slot_label(s, zone)} for s in offer if s != start
        ]
    context.update(
        rep=meeting["rep"]["name"],
        when=slot_label(start, zone),
        zone=zone.key,
        slots=slots,
        base=f"/booking/{request.match_info['token']}",
    )
    return web.Response(
        text=_PAGE.render(context),
        content_type="text/html",
        status=status,
        headers={"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"},
    )


@routes.get("/booking/{token}", name="booking")
async def booking_page(request: web.Request) -> web.Response:
    moved = "Your call is moved. We've let the team know." if "moved" in request.query else None
    return await _render(request, moved)


@routes.post("/booking/{token}/cancel", name="booking_cancel")
async def cancel_booking(request: web.Request) -> web.Response:
    services = request.app[SERVICES]
    meeting_id = _meeting_id(request)
    if meeting_id is None:
        return await _render(request)
    done = await service.cancel(services.uow(), services.handoff, meeting_id, services.clock.now())
    message = (
        "Your call is cancelled. We've let the team know."
        if done
        else "This call was already cancelled."
    )
    return await _render(request, message)


@routes.post("/booking/{token}/reschedule", name="booking_reschedule")
async def reschedule_booking(request: web.Request) -> web.Response:
    services = request.app[SERVICES]
    meeting_id = _meeting_id(request)
    if meeting_id is None:
        return await _render(request)
    form = await request.post()
    try:
        start = datetime.fromisoformat(str(form.get("start", "")))
    except ValueError:
        return await _render(request, "Please pick one of the times below.", status=400)
    if start.tzinfo is None:
        return await _render(request, "Please pick one of the times below.", status=400)
    details = await service.meeting_details(services.uow(), services.handoff, meeting_id)
    rep = services.handoff.team.rep(details["rep"]["id"]) if details else None
    busy = {rep.id: await services.calendars.busy(rep, fresh=True)} if rep else {}
    result = await service.reschedule(
        services.uow(), services.handoff, meeting_id, start, services.clock.now(), external=busy
    )
    if result is None:
        return await _render(request, "This call can no longer be changed.", status=409)
    if not result.booked:
        return await _render(
            request, "Sorry, that time was just taken. Please pick another.", status=409
        )
    new_token = (result.manage_url or "").rsplit("/", 1)[-1]
    raise web.HTTPSeeOther(f"/booking/{new_token}?moved=1")
