"""Nurture on the web: unsubscribe pages, the mail provider's webhooks, a manual stop.

- `GET /nurture/unsubscribe/{token}`: a small confirm page ("just this sequence" or
  "everything"); it changes nothing, so mail scanners that follow links unsubscribe no one.
- `POST /nurture/unsubscribe/{token}`: RFC 8058 one-click (`List-Unsubscribe=One-Click`:
  everything) or the page's buttons. No login; idempotent.
- `POST /api/nurture/inbound`, `POST /api/nurture/bounces`: the provider's webhooks, signed
  (bot.nurture.webhooks); a reply stops the sender's sequences, a hard bounce or a complaint
  puts the address on the suppression list.
- `POST /api/leads/{lead_id}/nurture/stop`: a rep stops a lead's emails (bearer token).

`setup(app)` adds the routes and runs the nurture worker for the app's life.
"""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any, Literal

from aiohttp import web
from markupsafe import Markup

from bot.clock import Clock, SystemClock
from bot.nurture import service
from bot.nurture.sender import NurtureSender
from bot.nurture.webhooks import SIGNATURE_HEADER, bounce_events, inbound_mail, signature_ok
from bot.nurture.worker import IDLE_SECONDS, build_sender, running
from bot.settings import DEV_SECRET_KEY
from bot.signing import InvalidToken, Purpose, Signer
from bot.web.keys import SERVICES
from bot.web.responses import json_error

logger = logging.getLogger(__name__)
routes = web.RouteTableDef()


@dataclass
class NurtureWeb:
    sender: NurtureSender
    clock: Clock
    run_worker: bool = True
    idle_seconds: float = IDLE_SECONDS


NURTURE = web.AppKey("nurture", NurtureWeb)
PAGE_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'",
    "Referrer-Policy": "no-referrer",  # the token is in the URL
    "X-Robots-Tag": "noindex",
    "Cache-Control": "no-store",
}


def setup(app: web.Application) -> None:
    app.add_routes(routes)
    app.cleanup_ctx.append(_nurture_ctx)


async def _nurture_ctx(app: web.Application) -> AsyncIterator[None]:
    services = app[SERVICES]
    if NURTURE not in app:  # tests may put their own (a FrozenClock, no worker)
        worker = build_sender(services.settings, engine=services.engine)
        app[NURTURE] = NurtureWeb(sender=worker.sender, clock=SystemClock())
    nurture = app[NURTURE]
    if not nurture.run_worker:
        yield
        return
    async with running(
        [nurture.sender], services.settings.database_url, idle_seconds=nurture.idle_seconds
    ):
        yield
    await nurture.sender.handover.close()


def _page(title: str, body: Markup, status: int = 200) -> web.Response:
    html = Markup(
        "<!doctype html><html lang=en><head><meta charset=utf-8>"
        '<meta name=viewport content="width=device-width,initial-scale=1">'
        "<title>{0}</title><style>body{{font:16px/1.5 system-ui,sans-serif;max-width:32em;"
        "margin:3em auto;padding:0 1em}}button{{font:inherit;padding:.5em 1em;margin:.25em 0}}"
        "</style></head><body><h1>{0}</h1>{1}</body></html>"
    ).format(title, body)
    return web.Response(
        text=str(html), content_type="text/html", status=status, headers=PAGE_HEADERS
    )


def _enrollment_id(request: web.Request) -> int | None:
    signer = Signer(request.app[SERVICES].settings.secret_key or DEV_SECRET_KEY)
    try:
        data = signer.load(Purpose.UNSUBSCRIBE, request.match_info["token"])
    except InvalidToken:
        return None
    value = data.get("e") if isinstance(data, dict) else None
    return value if isinstance(value, int) else None


def _bad_link() -> web.Response:
    return _page(
        "This link does not work",
        Markup("<p>The unsubscribe link is not valid. Reply to any of our emails and we will "
               "take you off the list.</p>"),
        status=404,
    )  # fmt: skip


@routes.get("/nurture/unsubscribe/{token}", name="nurture_unsubscribe_page")
async def unsubscribe_page(request: web.Request) -> web.Response:
    if _enrollment_id(request) is None:
        return _bad_link()
    body = Markup(
        "<p>Do you want to stop receiving these emails?</p>"
        "<form method=post><input type=hidden name=scope value=sequence>"
        "<button>Just this series of emails</button></form>"
        "<form method=post><input type=hidden name=scope value=all>"
        "<button>Every email from us</button></form>"
    )
    return _page("Unsubscribe", body)


@routes.post("/nurture/unsubscribe/{token}", name="nurture_unsubscribe")
async def unsubscribe_post(request: web.Request) -> web.Response:
    enrollment_id = _enrollment_id(request)
    if enrollment_id is None:
        return _bad_link()
    form = await request.post()
    scope: Literal["sequence", "all"]
    if form.get("List-Unsubscribe") == "One-Click":  # RFC 8058, sent by the mail client
        scope = "all"
    elif form.get("scope") == "sequence":
        scope = "sequence"
    elif form.get("scope") == "all":
        scope = "all"
    else:
        return _page("Unsubscribe", Markup("<p>Please use the buttons on the page.</p>"), 400)
    nurture = request.app[NURTURE]
    sequence = await service.unsubscribe(
        request.app[SERVICES].session_factory,
        enrollment_id,
        scope,
        nurture.clock.now(),
    )
    what = "these emails" if scope == "sequence" else "all our emails"
    logger.info("unsubscribed enrollment %s (%s)", enrollment_id, scope)
    if sequence is None:
        return _page("You are unsubscribed", Markup("<p>You will not receive any more emails.</p>"))
    return _page(
        "You are unsubscribed", Markup("<p>You will not receive {0} again.</p>").format(what)
    )


async def _signed_json(request: web.Request) -> Any | web.Response:
    secret = request.app[SERVICES].settings.webhook_secret
    if not secret:
        return json_error(403, "webhooks are disabled: set LEADBOT_WEBHOOK_SECRET")
    body = await request.read()
    if not signature_ok(secret, body, request.headers.get(SIGNATURE_HEADER)):
        return json_error(401, "bad signature")
    content_type = request.content_type
    if content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        return {key: str(value) for key, value in (await request.post()).items()}
    try:
        return json.loads(body)
    except ValueError:
        return json_error(400, "the body is not JSON")


@routes.post("/api/nurture/bounces", name="nurture_bounces")
async def bounces(request: web.Request) -> web.Response:
    payload = await _signed_json(request)
    if isinstance(payload, web.Response):
        return payload
    now = request.app[NURTURE].clock.now()
    suppressed = 0
    for event in bounce_events(payload):
        if "@" not in event.email:
            continue
        await service.suppress(
            request.app[SERVICES].session_factory,
            event.email,
            event.kind,
            "webhook",
            now,
            event.detail,
        )
        suppressed += 1
    return web.json_response({"suppressed": suppressed})


@routes.post("/api/nurture/inbound", name="nurture_inbound")
async def inbound(request: web.Request) -> web.Response:
    payload = await _signed_json(request)
    if isinstance(payload, web.Response):
        return payload
    mail = inbound_mail(payload) if isinstance(payload, dict) else None
    if mail is None:
        return json_error(400, "no sender address in the payload")
    sessions = request.app[SERVICES].session_factory
    now = request.app[NURTURE].clock.now()
    if mail.unsubscribe_token is not None:  # our List-Unsubscribe mailto
        request.match_info["token"] = mail.unsubscribe_token
        enrollment_id = _enrollment_id(request)
        if enrollment_id is not None:
            await service.unsubscribe(sessions, enrollment_id, "all", now)
            return web.json_response({"action": "unsubscribed"})
    stopped = await service.stop_address(sessions, mail.sender, "replied", now)
    return web.json_response({"action": "stopped", "sequences": stopped})


@routes.post("/api/leads/{id}/nurture/stop", name="nurture_stop")
async def stop(request: web.Request) -> web.Response:
    reason = "manual"
    if request.can_read_body and await request.read():
        try:
            data = await request.json()
        except ValueError:
            return json_error(400, 'the body must be JSON like {"reason": "..."}')
        if not isinstance(data, dict) or set(data) - {"reason"}:
            return json_error(400, 'the body must be JSON like {"reason": "..."}')
        given = data.get("reason", "")
        if not isinstance(given, str) or len(given) > 200:
            return json_error(400, "reason must be text of at most 200 characters")
        reason = f"manual: {given}" if given else reason
    stopped = await service.stop_lead(
        request.app[SERVICES].session_factory,
        request.match_info["id"],
        reason,
        request.app[NURTURE].clock.now(),
    )
    if stopped is None:
        return json_error(404, "no such lead")
    return web.json_response({"stopped": stopped})
