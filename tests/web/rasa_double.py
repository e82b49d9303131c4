"""A real local HTTP server answering like Rasa 3.6's REST channel and HTTP API, for the
gateway's unit tests (the browser and protocol tests against the real Rasa are in
tests/e2e and tests/web/test_gateway_rasa.py).

It keeps a tracker per sender the way Rasa does: a `user` event with the metadata sent,
one `bot` event per response (text, data.buttons), `pause`/`resume` events, `paused`.
Replies: "you said: <text>", then a question with two buttons; nothing while paused.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

TOKEN = "double-token"


@dataclass
class RasaDouble:
    received: list[dict[str, Any]] = field(default_factory=list)
    trackers: dict[str, dict[str, Any]] = field(default_factory=dict)
    down: bool = False
    silent: bool = False  # answers [] as Rasa does when the action server fails
    hold: asyncio.Event | None = None  # set: a turn waits until the test releases it

    def tracker(self, sender: str) -> dict[str, Any]:
        return self.trackers.setdefault(
            sender, {"sender_id": sender, "events": [], "paused": False}
        )

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/webhooks/rest/webhook", self.webhook)
        app.router.add_get("/conversations/{sender}/tracker", self.get_tracker)
        app.router.add_post("/conversations/{sender}/tracker/events", self.append)
        app.router.add_get("/", self.hello)
        return app

    async def webhook(self, request: web.Request) -> web.Response:
        if self.down:
            return web.json_response({"error": "down"}, status=500)
        body = await request.json()
        self.received.append(body)
        if self.hold is not None:
            await self.hold.wait()
        tracker = self.tracker(body["sender"])
        tracker["events"].append(
            {
                "event": "user",
                "text": body["message"],
                "metadata": body.get("metadata") or {},
                "timestamp": time.time(),
            }
        )
        if tracker["paused"] or self.silent:
            return web.json_response([])
        replies = [
            {"recipient_id": body["sender"], "text": f"you said: {body['message']}"},
            {
                "recipient_id": body["sender"],
                "text": "Shall we go on?",
                "buttons": [
                    {"title": "Yes", "payload": "/affirm"},
                    {"title": "No", "payload": "/deny"},
                ],
            },
        ]
        tracker["events"].append(
            {"event": "bot", "text": replies[0]["text"], "data": {}, "metadata": {}}
        )
        tracker["events"].append(
            {
                "event": "bot",
                "text": replies[1]["text"],
                "data": {"buttons": replies[1]["buttons"]},
                "metadata": {},
            }
        )
        return web.json_response(replies)

    def _authorised(self, request: web.Request) -> None:
        if request.query.get("token") != TOKEN:
            raise web.HTTPUnauthorized()

    async def get_tracker(self, request: web.Request) -> web.Response:
        self._authorised(request)
        if self.down:
            return web.json_response({"error": "down"}, status=500)
        return web.json_response(self.tracker(request.match_info["sender"]))

    async def append(self, request: web.Request) -> web.Response:
        self._authorised(request)
        tracker = self.tracker(request.match_info["sender"])
        for event in await request.json():
            if event["event"] in ("pause", "resume"):
                tracker["paused"] = event["event"] == "pause"
            tracker["events"].append(event)
        return web.json_response(tracker)

    async def hello(self, request: web.Request) -> web.Response:
        return web.Response(text="Hello from Rasa: 3.6.21")
