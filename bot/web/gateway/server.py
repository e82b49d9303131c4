"""The socket.io gateway: browsers on one side (rasa-webchat protocol), Rasa's REST channel
on the other.

Events from the browser:
  session_request {session_id, leadbot?} -> session_confirm {session_id}: the signed
                                         visitor token (a new one if the given one is not ours)
  user_uttered {message, customData}  -> Rasa; its replies as bot_uttered to every tab of
                                         the conversation. The ack says what happened:
                                         ok | duplicate | too_long | rate_limited |
                                         unavailable | refused
  history {}                          -> ack {messages, paused}: the conversation so far,
                                         from Rasa's tracker (resume after reload/reconnect)
To the browser, besides bot_uttered: visitor_uttered (a message typed in another tab).

Every conversation's room is its id, so every tab (and a reconnected socket) gets every
reply. The community rasa-webchat widget tells a message's kind by its exact set of keys
(`{"text"}` is text, `{"text", "quick_replies"}` buttons): a client that does not say
`{"leadbot": 1}` in its session_request joins the conversation's plain room and gets the
messages without our keys (id, sender, rep...), a rep's name put before the text.
Replies of one conversation are serialised (a lock per conversation), so they arrive in
order. No message text, token or address is logged.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
import weakref
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import socketio
from aiohttp import web

from bot.clock import Clock, SystemClock
from bot.settings import Settings
from bot.web.gateway.dedupe import SeenIds
from bot.web.gateway.limits import RateLimiter
from bot.web.gateway.protocol import (
    clean_metadata,
    clean_text,
    history,
    notice,
    posted_event,
    posted_message,
    replies_to_messages,
    shown_text,
    visitor_message,
)
from bot.web.gateway.rasa_client import RasaClient, RasaUnavailable
from bot.web.gateway.visitors import VisitorTokens

logger = logging.getLogger(__name__)

MAX_FRAME_BYTES = 16 * 1024  # a bigger frame closes that connection (engine.io's limit)
# New connections a minute per address: twice its message rate (each tab, each reconnect).
CONNECTIONS_PER_MESSAGE = 2

SLOW_DOWN = "You're sending messages faster than I can read them. Please wait a few seconds."
TOO_LONG = "That message is too long for me ({limit} characters at most). Could you shorten it?"
UNAVAILABLE = (
    "Sorry, I can't answer right now. Your message was not lost: "
    "press Retry (or send it again) in a moment."
)

SILENT = "Sorry, I couldn't answer that just now. Please try again in a moment."


class NotClaimed(Exception):
    """A rep's message for a conversation no rep has claimed (the bot would talk over)."""


class UnknownConversation(Exception):
    pass


@dataclass
class Visitor:
    ip: str
    conversation_id: str | None = None
    rich: bool = False  # our widget (ids, senders); False: the community rasa-webchat


OUR_KEYS = ("id", "sender", "rep", "kind", "retry")


def plain_room(conversation_id: str) -> str:
    return f"{conversation_id}#webchat"


def plain(message: dict[str, Any]) -> dict[str, Any]:
    """The message as rasa-webchat reads it: only the protocol's own keys."""
    stripped = {k: v for k, v in message.items() if k not in OUR_KEYS}
    if message.get("sender") == "agent" and message.get("rep") and message.get("kind") is None:
        stripped["text"] = f"{message['rep']}: {stripped.get('text', '')}"
    return stripped


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


class Gateway:
    def __init__(
        self,
        settings: Settings,
        rasa: RasaClient,
        tokens: VisitorTokens,
        clock: Clock | None = None,
    ) -> None:
        clock = clock or SystemClock()
        self.settings = settings
        self.rasa = rasa
        self.tokens = tokens
        self._origins = frozenset({*settings.allowed_origins, _origin(settings.public_url)})
        self.sio = socketio.AsyncServer(
            async_mode="aiohttp",
            cors_allowed_origins=self.origin_allowed,
            max_http_buffer_size=MAX_FRAME_BYTES,
            logger=False,
            engineio_logger=False,
        )
        self._visitors: dict[str, Visitor] = {}
        self._seen = SeenIds()
        self._per_visitor = RateLimiter(clock, settings.rate_per_visitor)
        self._per_ip = RateLimiter(clock, settings.rate_per_ip)
        self._connections = RateLimiter(clock, CONNECTIONS_PER_MESSAGE * settings.rate_per_ip)
        self._locks: weakref.WeakValueDictionary[str, asyncio.Lock] = weakref.WeakValueDictionary()
        self.sio.on("connect", self.on_connect)
        self.sio.on("disconnect", self.on_disconnect)
        self.sio.on("session_request", self.on_session_request)
        self.sio.on("user_uttered", self.on_user_uttered)
        self.sio.on("history", self.on_history)

    def attach(self, app: web.Application) -> None:
        self.sio.attach(app, socketio_path="socket.io")

    @property
    def connected(self) -> int:
        return len(self._visitors)

    # -- the browser's side ------------------------------------------------------------

    def origin_allowed(self, origin: str | None, environ: Mapping[str, Any]) -> bool:
        """Our own site, ALLOWED_ORIGINS, or no Origin at all (not a browser: an Origin
        check protects browsers, other clients can claim any origin)."""
        if origin is None or "*" in self._origins or origin in self._origins:
            return True
        host = environ.get("HTTP_HOST")
        return bool(host) and origin in (f"http://{host}", f"https://{host}")

    async def on_connect(self, sid: str, environ: Mapping[str, Any], auth: Any = None) -> None:
        request = environ.get("aiohttp.request")
        ip = str(getattr(request, "remote", None) or "unknown")
        if not self._connections.allow(ip):
            raise socketio.exceptions.ConnectionRefusedError("too many connections, slow down")
        self._visitors[sid] = Visitor(ip=ip)

    async def on_disconnect(self, sid: str, reason: Any = None) -> None:
        self._visitors.pop(sid, None)

    async def on_session_request(self, sid: str, data: Any = None) -> dict[str, str] | None:
        visitor = self._visitors.get(sid)
        if visitor is None:
            return None
        token = data.get("session_id") if isinstance(data, Mapping) else None
        conversation_id = self.tokens.conversation_of(token)
        if conversation_id is None:
            conversation_id, token = self.tokens.issue()
            logger.info("new conversation %s", conversation_id)
        visitor.conversation_id = conversation_id
        visitor.rich = isinstance(data, Mapping) and data.get("leadbot") == 1
        room = conversation_id if visitor.rich else plain_room(conversation_id)
        await self.sio.enter_room(sid, room)  # a coroutine since python-socketio 5.10
        confirm = {"session_id": str(token)}
        await self.sio.emit("session_confirm", confirm, to=sid)
        return confirm

    async def on_history(self, sid: str, data: Any = None) -> dict[str, Any]:
        visitor = self._visitors.get(sid)
        if visitor is None or visitor.conversation_id is None:
            return {"error": "no session"}
        try:
            tracker = await self.rasa.tracker(visitor.conversation_id)
        except RasaUnavailable:
            return {"error": "unavailable"}
        return {
            "messages": history(tracker.get("events") or []),
            "paused": bool(tracker.get("paused")),
        }

    async def _tell(self, to: str, message: dict[str, Any]) -> None:
        visitor = self._visitors.get(to)
        rich = visitor is not None and visitor.rich
        await self.sio.emit("bot_uttered", message if rich else plain(message), to=to)

    async def _broadcast(self, conversation_id: str, message: dict[str, Any]) -> None:
        """To every tab of the conversation, in the shape each client reads."""
        await self.sio.emit("bot_uttered", message, room=conversation_id)
        await self.sio.emit("bot_uttered", plain(message), room=plain_room(conversation_id))

    async def on_user_uttered(self, sid: str, data: Any = None) -> dict[str, Any]:
        visitor = self._visitors.get(sid)
        if visitor is None or visitor.conversation_id is None:
            return {"status": "refused", "reason": "send session_request first"}
        text = data.get("message") if isinstance(data, Mapping) else None
        if not isinstance(text, str) or not text.strip():
            return {"status": "refused", "reason": "malformed"}
        conversation_id = visitor.conversation_id
        metadata = clean_metadata(data.get("customData") if isinstance(data, Mapping) else None)
        message_id = metadata.setdefault("message_id", uuid.uuid4().hex)
        limit = self.settings.max_message_chars
        if len(text) > limit:
            await self._tell(sid, notice(f"n{uuid.uuid4().hex}", TOO_LONG.format(limit=limit)))
            return {"status": "too_long", "id": message_id}
        if not self._seen.claim(conversation_id, message_id):
            return {"status": "duplicate", "id": message_id}
        if not (self._per_visitor.allow(conversation_id) and self._per_ip.allow(visitor.ip)):
            self._seen.release(conversation_id, message_id)
            await self._tell(sid, notice(f"n{uuid.uuid4().hex}", SLOW_DOWN, retry=message_id))
            logger.info("rate limited in conversation %s", conversation_id)
            return {"status": "rate_limited", "id": message_id}
        shown = shown_text(text, metadata)
        if shown is not None:  # the visitor's other tabs show it too
            await self.sio.emit(
                "visitor_uttered",
                visitor_message(message_id, shown),
                room=conversation_id,
                skip_sid=sid,
            )
        return await self._turn(conversation_id, message_id, clean_text(text), metadata)

    async def _turn(
        self, conversation_id: str, message_id: str, text: str, metadata: dict[str, str]
    ) -> dict[str, Any]:
        lock = self._locks.get(conversation_id)
        if lock is None:
            lock = self._locks[conversation_id] = asyncio.Lock()
        async with lock:
            try:
                replies = await self.rasa.send(conversation_id, text, metadata)
            except RasaUnavailable as error:
                self._seen.release(conversation_id, message_id)
                logger.warning("Rasa unavailable for %s: %s", conversation_id, error)
                await self._broadcast(
                    conversation_id,
                    notice(f"n{uuid.uuid4().hex}", UNAVAILABLE, kind="error", retry=message_id),
                )
                return {"status": "unavailable", "id": message_id}
            for message in replies_to_messages(message_id, replies):
                await self._broadcast(conversation_id, message)
            if not replies and not await self._paused(conversation_id):
                # Rasa kept the message but said nothing: the action server failed or is down
                logger.warning("no reply in conversation %s", conversation_id)
                await self._broadcast(conversation_id, notice(f"n{uuid.uuid4().hex}", SILENT))
        return {"status": "ok", "id": message_id, "replies": len(replies)}

    async def _paused(self, conversation_id: str) -> bool:
        """A rep held the conversation when the visitor's latest message reached Rasa (the
        bot was silent on purpose), even if the rep has released it since: the pause or
        resume event before that message decides, not the state now."""
        try:
            tracker = await self.rasa.tracker(conversation_id)
        except RasaUnavailable:
            return False
        return paused_at_last_message(tracker.get("events") or [], bool(tracker.get("paused")))

    # -- the rep's side (bot/web/routes_conversations.py) ---------------------------------

    async def _tracker_of(self, conversation_id: str) -> dict[str, Any]:
        tracker = await self.rasa.tracker(conversation_id)
        if not any(e.get("event") == "user" for e in tracker.get("events") or []):
            raise UnknownConversation(conversation_id)
        return tracker

    async def _post(
        self,
        conversation_id: str,
        text: str,
        *,
        rep: str | None,
        kind: str | None,
        pause: bool | None = None,
    ) -> dict[str, Any]:
        event = posted_event(f"r{uuid.uuid4().hex}", text, sender="agent", rep=rep, kind=kind)
        events = [event]
        if pause is not None:
            events.insert(0, {"event": "pause" if pause else "resume"})
        await self.rasa.append_events(conversation_id, events)
        message = posted_message(event, event["metadata"])
        await self._broadcast(conversation_id, message)
        return message

    async def claim(self, conversation_id: str, rep: str) -> dict[str, Any]:
        """The bot pauses (Rasa's `pause` event) and the visitor is told who joined."""
        await self._tracker_of(conversation_id)
        return await self._post(
            conversation_id, f"{rep} joined the conversation.", rep=rep, kind="notice", pause=True
        )

    async def release(self, conversation_id: str, rep: str) -> dict[str, Any]:
        await self._tracker_of(conversation_id)
        return await self._post(
            conversation_id,
            f"{rep} left the conversation. The assistant is back.",
            rep=rep,
            kind="notice",
            pause=False,
        )

    async def rep_message(self, conversation_id: str, rep: str, text: str) -> dict[str, Any]:
        tracker = await self._tracker_of(conversation_id)
        if not tracker.get("paused"):
            raise NotClaimed(conversation_id)
        return await self._post(conversation_id, text, rep=rep, kind=None)


def paused_at_last_message(events: list[dict[str, Any]], paused_now: bool) -> bool:
    """Was the bot paused when the latest visitor message arrived? (No visitor message or no
    pause/resume before it: the state now.)"""
    last_user = max((i for i, e in enumerate(events) if e.get("event") == "user"), default=None)
    if last_user is None:
        return paused_now
    for event in reversed(events[:last_user]):
        if event.get("event") in ("pause", "resume"):
            return bool(event["event"] == "pause")
    return paused_now
