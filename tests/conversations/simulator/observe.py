"""Reads what the bot did in one turn from the conversation's tracker, not its wording.

Which question the bot asked is read from the response's name (Rasa stores it with every
bot event as `utter_action`): `utter_ask_<slot>`, `utter_ask_<form>_<slot>` or a custom
`action_ask_<slot>`'s response. What the bot waits for is the form's `requested_slot`.
A not-understood reply is a fallback, a "did you mean" or a `utter_invalid_*` answer. So
the checks keep working when the bot's texts change.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from tests.conversations.simulator.phrasings import FACT_SLOTS
from tests.conversations.simulator.visitor import Button

ASK = re.compile(r"^(?:utter|action)_ask_(?:\w+?_)?(" + "|".join(FACT_SLOTS) + r")(?:_\w+)?$")
NOT_UNDERSTOOD = re.compile(
    r"^(?:utter_default|utter_ask_rephrase|utter_invalid_\w+|utter_not_understood\w*"
    r"|utter_fallback\w*|action_default_fallback|action_two_stage_fallback"
    r"|action_default_ask_affirmation|action_default_ask_rephrase)$"
)
GOODBYE = re.compile(r"^utter_(?:goodbye|bye)\w*$")


@dataclass(frozen=True)
class BotMessage:
    text: str
    response: str | None  # the response's name, e.g. "utter_ask_budget"
    buttons: tuple[Button, ...]

    @property
    def asks(self) -> str | None:
        found = ASK.match(self.response or "")
        return found.group(1) if found else None

    @property
    def not_understood(self) -> bool:
        return bool(NOT_UNDERSTOOD.match(self.response or ""))


@dataclass(frozen=True)
class TurnView:
    """The bot's side of one turn, and the state it left the conversation in."""

    messages: tuple[BotMessage, ...]
    intent: str | None  # what NLU made of the visitor's message
    waiting_for: str | None  # the form's requested_slot, None outside a form
    lead_route: str | None
    actions: tuple[str, ...]

    @property
    def asked(self) -> tuple[str, ...]:
        return tuple(slot for m in self.messages if (slot := m.asks) is not None)

    @property
    def not_understood(self) -> bool:
        return any(m.not_understood for m in self.messages) or any(
            NOT_UNDERSTOOD.match(a) for a in self.actions
        )

    @property
    def said_goodbye(self) -> bool:
        return any(GOODBYE.match(m.response or "") for m in self.messages)

    @property
    def last_text(self) -> str:
        return self.messages[-1].text if self.messages else ""

    @property
    def buttons(self) -> tuple[Button, ...]:
        return self.messages[-1].buttons if self.messages else ()


def read_turn(tracker: Mapping[str, Any], user_events_before: int) -> TurnView:
    """The events after the visitor's (user_events_before + 1)-th message."""
    events: Sequence[Mapping[str, Any]] = tracker.get("events") or []
    seen, start = 0, len(events)
    for index, event in enumerate(events):
        if event.get("event") == "user":
            seen += 1
            if seen == user_events_before + 1:
                start = index
                break
    user = events[start] if start < len(events) else {}
    messages, actions = [], []
    for event in events[start + 1 :]:
        if event.get("event") == "user":
            break
        if event.get("event") == "bot":
            messages.append(_message(event))
        elif event.get("event") == "action" and event.get("name"):
            actions.append(str(event["name"]))
    slots = tracker.get("slots") or {}
    loop = (tracker.get("active_loop") or {}).get("name")
    requested = slots.get("requested_slot") if loop else None
    return TurnView(
        messages=tuple(messages),
        intent=((user.get("parse_data") or {}).get("intent") or {}).get("name"),
        waiting_for=requested if isinstance(requested, str) else None,
        lead_route=slots.get("lead_route"),
        actions=tuple(actions),
    )


def _message(event: Mapping[str, Any]) -> BotMessage:
    data = event.get("data") or {}
    buttons = tuple(
        Button(title=str(b.get("title", "")), payload=str(b.get("payload", "")))
        for b in (data.get("buttons") or [])
        if isinstance(b, Mapping)
    )
    metadata = event.get("metadata") or {}
    response = metadata.get("utter_action")
    return BotMessage(
        text=str(event.get("text") or ""),
        response=str(response) if response else None,
        buttons=buttons,
    )
