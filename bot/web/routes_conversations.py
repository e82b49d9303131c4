"""A rep takes over a conversation (API token, like every /api route).

    POST /api/conversations/{id}/claim     {"rep": "Ana"}           the bot pauses
    POST /api/conversations/{id}/release   {"rep": "Ana"}           the bot resumes
    POST /api/conversations/{id}/messages  {"rep": "Ana", "text"}   shown in the widget

Pausing is Rasa's own `pause` event (the tracker keeps listening, the bot stays silent), so
every Rasa replica agrees; the rep's messages are kept in Rasa's tracker with the
conversation, so a reload shows them.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from bot.web.gateway.rasa_client import RasaUnavailable
from bot.web.gateway.server import NotClaimed, UnknownConversation
from bot.web.gateway.visitors import is_conversation_id
from bot.web.keys import GATEWAY
from bot.web.responses import json_error

routes = web.RouteTableDef()

REP_NAME_CHARS = 80
REP_TEXT_CHARS = 4000


async def _body(request: web.Request) -> dict[str, Any]:
    try:
        body = await request.json()
    except ValueError:
        raise web.HTTPBadRequest(reason="the body must be JSON") from None
    if not isinstance(body, dict):
        raise web.HTTPBadRequest(reason="the body must be a JSON object")
    return body


def _text(body: dict[str, Any], key: str, limit: int) -> str:
    value = body.get(key)
    if not isinstance(value, str) or not value.strip():
        raise web.HTTPBadRequest(reason=f"{key} is required")
    if len(value) > limit:
        raise web.HTTPBadRequest(reason=f"{key} is longer than {limit} characters")
    return value.strip()


def _conversation(request: web.Request) -> str:
    conversation_id = request.match_info["conversation_id"]
    if not is_conversation_id(conversation_id):
        raise web.HTTPNotFound(reason="no such conversation")
    return conversation_id


async def _answer(call: Any) -> web.Response:
    try:
        message = await call
    except UnknownConversation:
        return json_error(404, "no such conversation")
    except NotClaimed:
        return json_error(409, "claim the conversation first: the bot is still answering")
    except RasaUnavailable:
        return json_error(503, "Rasa unavailable")
    return web.json_response({"message": message})


@routes.post("/api/conversations/{conversation_id}/claim", name="conversation_claim")
async def claim(request: web.Request) -> web.Response:
    conversation_id = _conversation(request)
    rep = _text(await _body(request), "rep", REP_NAME_CHARS)
    return await _answer(request.app[GATEWAY].claim(conversation_id, rep))


@routes.post("/api/conversations/{conversation_id}/release", name="conversation_release")
async def release(request: web.Request) -> web.Response:
    conversation_id = _conversation(request)
    rep = _text(await _body(request), "rep", REP_NAME_CHARS)
    return await _answer(request.app[GATEWAY].release(conversation_id, rep))


@routes.post("/api/conversations/{conversation_id}/messages", name="conversation_messages")
async def rep_message(request: web.Request) -> web.Response:
    conversation_id = _conversation(request)
    body = await _body(request)
    rep = _text(body, "rep", REP_NAME_CHARS)
    text = _text(body, "text", REP_TEXT_CHARS)
    return await _answer(request.app[GATEWAY].rep_message(conversation_id, rep, text))
