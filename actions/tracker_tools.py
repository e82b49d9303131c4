"""Small readers over rasa_sdk's Tracker that several actions share."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker


def _last_user_event(tracker: Tracker) -> dict[str, Any]:
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            return dict(event)
    return {}


def latest_text(tracker: Tracker) -> str:
    event = _last_user_event(tracker)
    return str(event.get("text") or (tracker.latest_message or {}).get("text") or "")


def latest_entities(tracker: Tracker) -> list[dict[str, Any]]:
    """Entities of the visitor's last message (see latest_intent for why not latest_message)."""
    event = _last_user_event(tracker)
    if event:
        return list((event.get("parse_data") or {}).get("entities") or [])
    return list((tracker.latest_message or {}).get("entities") or [])


def latest_intent(tracker: Tracker) -> str | None:
    """The intent of the visitor's last message.

    Read from the last `user` event: Rasa 3.6 leaves `latest_message` pointing at an older
    message while a form is filling slots (seen in this project's conversation tests).
    """
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            name = ((event.get("parse_data") or {}).get("intent") or {}).get("name")
            return str(name) if name else None
    intent = (tracker.latest_message or {}).get("intent") or {}
    name = intent.get("name")
    return str(name) if name else None


def previous_slot_value(tracker: Tracker, slot: str) -> Any:
    """The slot's value before the latest user message (what a rejected candidate replaced)."""
    events = list(tracker.events)
    last_user = max((i for i, e in enumerate(events) if e.get("event") == "user"), default=-1)
    for event in reversed(events[: max(last_user, 0)]):
        if event.get("event") == "slot" and event.get("name") == slot:
            return event.get("value")
    return None
