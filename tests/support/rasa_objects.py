"""Builders for real rasa_sdk objects, as Rasa would send them to the action server."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher


def make_tracker(
    *,
    text: str,
    intent: str = "inform",
    slots: dict[str, Any] | None = None,
    candidates: dict[str, Any] | None = None,
    requested_slot: str | None = None,
    form: str | None = "qualification_form",
    history: list[dict[str, Any]] | None = None,
    metadata: dict[str, Any] | None = None,
    entities: list[tuple[str, str]] | None = None,
    confidence: float = 0.95,
    lower_case_values: bool = False,
) -> Tracker:
    """A tracker whose latest user message is `text`, followed by the SlotSet events of
    `candidates` (what action_extract_slots proposed), as in a real form turn.
    `lower_case_values`: entity values lower-cased, as DIET gives them (it reads a
    lower-cased copy of the message)."""
    slot_values: dict[str, Any] = {"requested_slot": requested_slot, **(slots or {})}
    events: list[dict[str, Any]] = [{"event": "action", "name": "action_listen"}]
    for name, value in (slots or {}).items():
        events.append({"event": "slot", "name": name, "value": value})
    events.extend(history or [])
    latest = {
        "text": text,
        "intent": {"name": intent, "confidence": confidence},
        "entities": [_entity(text, e, v, lower_case_values) for e, v in entities or []],
        "metadata": metadata or {},
    }
    events.append({"event": "user", "text": text, "parse_data": latest, "metadata": metadata or {}})
    for name, value in (candidates or {}).items():
        events.append({"event": "slot", "name": name, "value": value})
        slot_values[name] = value
    return Tracker(
        sender_id="visitor-1",
        slots=slot_values,
        latest_message=latest,
        events=events,
        paused=False,
        followup_action=None,
        active_loop={"name": form} if form else {},
        latest_action_name="action_listen",
    )


def responses(dispatcher: CollectingDispatcher) -> list[str | None]:
    return [m.get("response") for m in dispatcher.messages]


def _entity(text: str, entity: str, value: str, lower: bool = False) -> dict[str, Any]:
    """An entity as DIET reports it, with its character span when `value` is in `text`."""
    start = text.find(value)
    found: dict[str, Any] = {"entity": entity, "value": value.lower() if lower else value}
    if start >= 0:
        found.update(start=start, end=start + len(value))
    return found
