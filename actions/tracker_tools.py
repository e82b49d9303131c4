"""Small readers over rasa_sdk's Tracker that several actions share."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from rasa_sdk import Tracker


@dataclass(frozen=True)
class VisitorMessage:
    text: str
    intent: str | None
    entities: list[dict[str, Any]] = field(default_factory=list)
    confidence: float | None = None


def last_visitor_message(tracker: Tracker) -> VisitorMessage:
    """The visitor's last message, read from the last `user` event.

    Not from `latest_message`: Rasa 3.6 leaves it pointing at an older message while a form
    is filling slots (seen in this project's conversation tests). It is only the fallback
    for a tracker that has no user event.
    """
    latest = tracker.latest_message or {}
    event = next((e for e in reversed(tracker.events) if e.get("event") == "user"), None)
    parsed = (event.get("parse_data") or {}) if event is not None else latest
    name = (parsed.get("intent") or {}).get("name")
    confidence = (parsed.get("intent") or {}).get("confidence")
    text = (event or {}).get("text") or latest.get("text") or ""
    return VisitorMessage(
        text=str(text),
        intent=str(name) if name else None,
        entities=list(parsed.get("entities") or []),
        confidence=float(confidence) if isinstance(confidence, (int, float)) else None,
    )


def _last_user_at(events: list[dict[str, Any]]) -> int:
    """The index of the latest user event, -1 when there is none."""
    return max((i for i, e in enumerate(events) if e.get("event") == "user"), default=-1)


def previous_slot_value(tracker: Tracker, slot: str) -> Any:
    """The slot's value before the latest user message (what a rejected candidate replaced)."""
    events = list(tracker.events)
    last_user = _last_user_at(events)
    for event in reversed(events[: max(last_user, 0)]):
        if event.get("event") == "slot" and event.get("name") == slot:
            return event.get("value")
    return None


def judged_earlier_for_this_message(tracker: Tracker) -> dict[str, Any]:
    """Slot values already set for the visitor's latest message before the candidates now
    being validated: Rasa runs action_extract_slots a second time on the same message when
    it activates a form, and this is what the first run judged."""
    events = list(tracker.events)
    last_user = _last_user_at(events)
    if last_user < 0:
        return {}
    end = len(events)
    while end > last_user + 1 and events[end - 1].get("event") == "slot":
        end -= 1  # the trailing block: the candidates themselves
    return {
        str(e.get("name")): e.get("value")
        for e in events[last_user + 1 : end]
        if e.get("event") == "slot"
    }


def asks_so_far(tracker: Tracker, form: str) -> dict[str, int]:
    """How often the bot asked each form question in this conversation, from the bot
    messages' `utter_action` (utter_ask_<slot> or utter_ask_<form>_<slot>, which Rasa
    looks for first): the same count whatever the visitor answered in between."""
    counts: dict[str, int] = {}
    for event in tracker.events:
        if event.get("event") != "bot":
            continue
        action = str((event.get("metadata") or {}).get("utter_action") or "")
        if not action.startswith("utter_ask_"):
            continue
        slot = action.removeprefix("utter_ask_")
        for prefix in ("qualification_form_", "handoff_form_", f"{form}_"):
            slot = slot.removeprefix(prefix)
        counts[slot] = counts.get(slot, 0) + 1
    return counts


def last_form(tracker: Tracker) -> str | None:
    """The form that ran last (active or just completed), from the action events."""
    for event in reversed(tracker.events):
        if event.get("event") == "action" and str(event.get("name", "")).endswith("_form"):
            return str(event["name"])
    return None
