"""Small readers over rasa_sdk's Tracker that several actions share."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker


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
