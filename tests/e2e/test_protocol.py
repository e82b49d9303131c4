"""The rasa-webchat protocol against the real Rasa, with a python-socketio client: the
greeting, a form turn, page context in Rasa's tracker, and history equal to what was sent
live (same ids, same order)."""

from __future__ import annotations

import asyncio
from typing import Any

import socketio
from itsdangerous import URLSafeTimedSerializer

from tests.e2e.conftest import App
from tests.e2e.test_widget_resume import SECRET

CONTEXT = {
    "page_url": "https://www.northwind.example/pricing?utm_source=ads",
    "referrer": "https://search.example/",
    "utm_source": "ads",
    "time_zone": "Asia/Tokyo",
    "language": "ja-JP",
}


async def _conversation(app: App) -> tuple[list[dict[str, Any]], dict[str, Any], str]:
    client = socketio.AsyncClient(reconnection=False)
    live: list[dict[str, Any]] = []
    client.on("bot_uttered", live.append)
    await client.connect(app.url, transports=["websocket"])
    confirm = await client.call("session_request", {"session_id": None, "leadbot": 1})
    greet = await client.call(
        "user_uttered",
        {"message": "/greet", "customData": {**CONTEXT, "message_id": "greet"}},
        timeout=120,
    )
    demo = await client.call(
        "user_uttered",
        {
            "message": "I'd like to book a demo please",
            "customData": {**CONTEXT, "message_id": "m1"},
        },
        timeout=120,
    )
    assert greet == {"status": "ok", "id": "greet", "replies": 1}
    assert demo == {"status": "ok", "id": "m1", "replies": 2}
    for _ in range(100):  # events are handled as tasks: the last one may still be on its way
        if len(live) == 3:
            break
        await asyncio.sleep(0.01)
    history = await client.call("history", {}, timeout=60)
    await client.disconnect()
    return live, history, str(confirm["session_id"])


def test_the_protocol_with_the_real_rasa(app: App) -> None:
    live, history, token = asyncio.run(_conversation(app))
    assert [m["id"] for m in live] == ["greet:0", "m1:0", "m1:1"]
    assert all(m["sender"] == "bot" and m["text"] for m in live)
    assert history["paused"] is False
    assert history["messages"] == [
        live[0],
        {"id": "m1", "sender": "visitor", "text": "I'd like to book a demo please"},
        live[1],
        live[2],
    ]
    conversation = URLSafeTimedSerializer(SECRET, salt="leadbot.visitor").loads(token)["c"]
    users = [e for e in app.stack.tracker(conversation)["events"] if e["event"] == "user"]
    keys = (*CONTEXT, "message_id")  # Rasa adds its own (model_id, assistant_id)
    assert [{k: u["metadata"].get(k) for k in keys} for u in users] == [
        {**CONTEXT, "message_id": "greet"},
        {**CONTEXT, "message_id": "m1"},
    ]
