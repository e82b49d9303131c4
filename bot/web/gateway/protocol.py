"""The rasa-webchat protocol's messages, made from Rasa's REST replies and tracker events.

Every message the widget sees carries an id. A bot reply's id is `<visitor message id>:<n>`
(its place among the replies to that message), so the same reply has the same id whether
it arrives live or is read back from Rasa's tracker after a reload: the widget drops what
it already shows. A rep's message carries the id it was given when it was posted.

Shapes (what Rasa's own socket.io channel sends, which the community widget reads):
  text                -> {"text": ...}
  buttons             -> {"text": ..., "quick_replies": [{"content_type", "title", "payload"}]}
  image               -> {"attachment": {"type": "image", "payload": {"src": url}}}
  custom payload      -> {"data": {...}}  (Rasa 3.6's channel emits these as keyword
                         arguments, which loses them; we wrap them)
plus our own keys, which rasa-webchat ignores: "id", "sender" (bot | agent | visitor),
"rep" (a rep's name), "kind" (notice | error), "retry" (a visitor message to send again).
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping
from typing import Any

# Page context the widget sends (read by actions/leads.py: the lead's source, the booking
# time zone), the client's message id, and what to show for a clicked button.
METADATA_KEYS = (
    "page_url",
    "referrer",
    "utm_source",
    "utm_medium",
    "utm_campaign",
    "utm_term",
    "utm_content",
    "time_zone",
    "language",
    "message_id",
    "display",
)
METADATA_VALUE_CHARS = 2000
MESSAGE_ID_CHARS = 64


def clean_metadata(custom_data: object) -> dict[str, str]:
    """Only the keys we know, as strings, cut to size; anything else a browser sends is
    dropped (Rasa stores metadata with every event)."""
    if not isinstance(custom_data, Mapping):
        return {}
    cleaned: dict[str, str] = {}
    for key in METADATA_KEYS:
        value = custom_data.get(key)
        if isinstance(value, str) and value:
            limit = MESSAGE_ID_CHARS if key == "message_id" else METADATA_VALUE_CHARS
            cleaned[key] = _no_surrogates(value[:limit])
    return cleaned


def _no_surrogates(text: str) -> str:
    return text.encode("utf-8", "replace").decode("utf-8")


def clean_text(text: str) -> str:
    """A visitor's text as Rasa may safely take it (a lone surrogate stops Rasa 3.6)."""
    return _no_surrogates(text)


def _buttons(buttons: Iterable[Any]) -> list[dict[str, str]]:
    return [
        {
            "content_type": "text",
            "title": str(b.get("title", "")),
            "payload": str(b.get("payload", b.get("title", ""))),
        }
        for b in buttons
        if isinstance(b, Mapping)
    ]


def widget_message(reply: Mapping[str, Any], message_id: str) -> dict[str, Any]:
    """One REST-channel reply as the widget gets it."""
    message: dict[str, Any] = {"id": message_id, "sender": "bot"}
    if reply.get("text"):
        message["text"] = str(reply["text"])
    if reply.get("buttons"):
        message["quick_replies"] = _buttons(reply["buttons"])
    if reply.get("image"):
        message["attachment"] = {"type": "image", "payload": {"src": str(reply["image"])}}
    if reply.get("attachment"):
        message["attachment"] = reply["attachment"]
    if reply.get("custom") is not None:
        message["data"] = reply["custom"]
    return message


def replies_to_messages(
    reply_to: str, replies: Iterable[Mapping[str, Any]], start: int = 0
) -> list[dict[str, Any]]:
    return [
        widget_message(reply, f"{reply_to}:{n}") for n, reply in enumerate(replies, start=start)
    ]


def _parts_of_bot_event(event: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The REST replies one bot event became (the order and splitting of Rasa 3.6's
    OutputChannel.send_response and CollectingOutputChannel)."""
    data = event.get("data") or {}
    text = event.get("text") or ""
    buttons = data.get("quick_replies") or data.get("buttons")
    parts: list[dict[str, Any]] = []
    if buttons:
        parts.append({"text": text, "buttons": buttons})
    elif text:
        parts.extend({"text": part} for part in str(text).strip().split("\n\n"))
    if data.get("custom"):
        parts.append({"custom": data["custom"]})
    if data.get("image"):
        parts.append({"image": data["image"]})
    if data.get("attachment"):
        parts.append({"attachment": data["attachment"]})
    for element in data.get("elements") or []:
        if isinstance(element, Mapping):
            title = f"{element.get('title', '')} : {element.get('subtitle', '')}"
            parts.append({"text": title, "buttons": element.get("buttons") or []})
    return parts


def visitor_message(message_id: str, text: str) -> dict[str, Any]:
    return {"id": message_id, "sender": "visitor", "text": text}


def shown_text(text: str, metadata: Mapping[str, Any]) -> str | None:
    """What the visitor sees of their message: a clicked button's title, or the text;
    None for an intent the widget sent on its own ("/greet")."""
    display = metadata.get("display")
    if isinstance(display, str) and display:
        return display
    return None if text.startswith("/") else text


def history(events: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The conversation as the widget shows it, from Rasa's tracker events."""
    messages: list[dict[str, Any]] = []
    reply_to, n = "start", 0
    for event in events:
        kind = event.get("event")
        metadata = event.get("metadata") or {}
        if kind == "user":
            reply_to = str(metadata.get("message_id") or f"u{event.get('timestamp', 0)}")
            n = 0
            text = shown_text(str(event.get("text") or ""), metadata)
            if text is not None:
                messages.append(visitor_message(reply_to, text))
        elif kind == "bot":
            if metadata.get("message_id") and metadata.get("sender") == "agent":
                # posted by a rep (or a rep's notice) with its own id
                messages.append(posted_message(event, metadata))
                continue
            parts = _parts_of_bot_event(event)
            messages.extend(replies_to_messages(reply_to, parts, start=n))
            n += len(parts)
    return messages


def posted_message(event: Mapping[str, Any], metadata: Mapping[str, Any]) -> dict[str, Any]:
    message: dict[str, Any] = {
        "id": str(metadata["message_id"]),
        "sender": str(metadata.get("sender") or "agent"),
        "text": str(event.get("text") or ""),
    }
    for key in ("rep", "kind"):
        if metadata.get(key):
            message[key] = str(metadata[key])
    return message


def posted_event(
    message_id: str, text: str, *, sender: str, rep: str | None, kind: str | None = None
) -> dict[str, Any]:
    """A bot event for Rasa's tracker carrying a rep's message (or a notice)."""
    metadata = {"message_id": message_id, "sender": sender}
    if rep:
        metadata["rep"] = rep
    if kind:
        metadata["kind"] = kind
    return {"event": "bot", "text": text, "metadata": metadata, "timestamp": time.time()}


def notice(message_id: str, text: str, *, kind: str = "notice", **extra: str) -> dict[str, Any]:
    """A message from the gateway itself (slow down, can't answer now); not in the tracker."""
    return {"id": message_id, "sender": "bot", "kind": kind, "text": text, **extra}
