"""The request Rasa 3.6 sends to the action server to run `action_score_and_store_lead`
at the end of a qualification: `{next_action, sender_id, tracker, domain, version}`, the
tracker being `DialogueStateTracker.current_state(EventVerbosity.ALL)` of a whole
conversation (session start, greeting, the seven form questions and answers with the
validators' slot events, the form closed), the domain our domain.yml.

Built here in the app environment (it cannot import rasa); tests/faults/test_action_call.py
rebuilds the same tracker with Rasa's own classes and checks that Rasa would send exactly
this. Two kinds of visitor: a hot lead (handoff) and a cool one (nurture).
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
RASA_VERSION = "3.6.21"
ACTION = "action_score_and_store_lead"
FORM = "qualification_form"
PAGE = {
    "page_url": "https://example.com/pricing",
    "referrer": "https://news.example/",
    "utm_source": "newsletter",
    "utm_campaign": "spring",
}

# (slot, the visitor's answer, intent, the validator's `<slot>_detail`) in the form's order.
HOT: list[tuple[str, str, str, dict[str, Any] | None]] = [
    (
        "need",
        "we lose inbound leads at night",
        "inform",
        {
            "raw": "we lose inbound leads at night",
            "level": "concrete",
            "summary": "lose inbound leads at night",
        },
    ),
    (
        "budget",
        "about $60k a year",
        "inform",
        {
            "raw": "about $60k a year",
            "status": "amount",
            "amount": 60000.0,
            "amount_max": None,
            "currency": "USD",
            "period": "year",
        },
    ),
    (
        "authority",
        "I'm the head of sales, I sign off",
        "inform",
        {
            "raw": "I'm the head of sales, I sign off",
            "level": "decision_maker",
            "decision_maker": True,
            "role": "Head of Sales",
        },
    ),
    (
        "timeline",
        "within 3 months",
        "inform",
        {"raw": "within 3 months", "status": "date", "months": 3.0},
    ),
    ("name", "Sophie Laurent", "inform", None),
    ("email", "", "inform", None),  # the conversation's own address (see _answers)
    ("company", "Northwind", "inform", None),
]
COOL_CHANGES: dict[str, tuple[str, dict[str, Any]]] = {
    "budget": (
        "not sure yet",
        {
            "raw": "not sure yet",
            "status": "unknown",
            "amount": None,
            "amount_max": None,
            "currency": None,
            "period": None,
        },
    ),
    "authority": (
        "just researching",
        {"raw": "just researching", "level": "none", "decision_maker": False, "role": None},
    ),
    "timeline": (
        "by the end of next year",
        {"raw": "by the end of next year", "status": "date", "months": 18.0},
    ),
}


@functools.cache
def domain() -> dict[str, Any]:
    """domain.yml as plain YAML (as tests in the app environment read it)."""
    loaded: dict[str, Any] = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    return loaded


def _initial_slots() -> dict[str, Any]:
    """Every slot Rasa's tracker holds: the domain's (with `initial_value`), plus the two
    Rasa adds itself (`requested_slot` for the forms, `session_started_metadata`)."""
    slots = {
        name: spec.get("initial_value") if isinstance(spec, dict) else None
        for name, spec in (domain().get("slots") or {}).items()
    }
    slots.setdefault("requested_slot", None)
    slots["session_started_metadata"] = None
    return slots


def _text(response: str) -> tuple[str, list[dict[str, Any]] | None]:
    """The first variant of a response, as Rasa's NLG would pick one."""
    first = domain()["responses"][response][0]
    return str(first["text"]), first.get("buttons")


class _Events:
    """Rasa's event dicts (`Event.as_dict()`), one timestamp apart each."""

    def __init__(self, start: float) -> None:
        self.clock = start
        self.items: list[dict[str, Any]] = []

    def _stamp(self) -> float:
        self.clock += 0.25
        return round(self.clock, 3)

    def action(self, name: str, policy: str | None = "RulePolicy") -> None:
        self.items.append(
            {
                "event": "action",
                "timestamp": self._stamp(),
                "name": name,
                "policy": policy,
                "confidence": 1.0 if policy else None,
                "action_text": None,
                "hide_rule_turn": policy == "RulePolicy",
            }
        )

    def user(self, text: str, intent: str, message_id: str, metadata: dict[str, Any]) -> None:
        intent_data = {"name": intent, "confidence": 0.97}
        parse_data = {
            "intent": intent_data,
            "entities": [],
            "text": text,
            "message_id": message_id,
            "metadata": metadata,
            "text_tokens": [],
            "intent_ranking": [intent_data, {"name": "nlu_fallback", "confidence": 0.03}],
        }
        self.items.append(
            {
                "event": "user",
                "timestamp": self._stamp(),
                "metadata": metadata,
                "text": text,
                "parse_data": parse_data,
                "input_channel": "rest",
                "message_id": message_id,
            }
        )
        self.items.append(
            {
                "event": "user_featurization",
                "timestamp": self._stamp(),
                "use_text_for_featurization": False,
            }
        )

    def bot(self, response: str) -> None:
        text, buttons = _text(response)
        data = {
            "elements": None,
            "quick_replies": None,
            "buttons": buttons,
            "attachment": None,
            "image": None,
            "custom": None,
        }
        metadata = {"utter_action": response}
        self.items.append(
            {
                "event": "bot",
                "timestamp": self._stamp(),
                "metadata": metadata,
                "text": text,
                "data": data,
            }
        )

    def slot(self, name: str, value: Any) -> None:
        self.items.append(
            {"event": "slot", "timestamp": self._stamp(), "name": name, "value": value}
        )

    def loop(self, name: str | None) -> None:
        self.items.append({"event": "active_loop", "timestamp": self._stamp(), "name": name})


def _answers(email: str, hot: bool) -> list[tuple[str, str, str, Any]]:
    detail_of_email = {
        "raw": email,
        "status": "ok",
        "normalized": email,
        "domain": email.split("@")[1],
        "reason": None,
    }
    answers: list[tuple[str, str, str, Any]] = []
    for slot, text, intent, detail in HOT:
        if not hot and slot in COOL_CHANGES:
            text, detail = COOL_CHANGES[slot]
        if slot == "email":
            text, detail = email, detail_of_email
        answers.append((slot, text, intent, detail))
    return answers


def finished_qualification(
    sender_id: str, email: str, *, hot: bool = True, start: float = 1_760_000_000.0
) -> dict[str, Any]:
    """The action call after the last answer of `sender_id`'s qualification form."""
    events = _Events(start)
    events.action("action_session_start", policy=None)
    events.items.append({"event": "session_started", "timestamp": events._stamp()})
    events.slot("session_started_metadata", PAGE)
    events.action("action_listen", policy=None)
    events.user("hi, do you do chat bots for websites?", "greet", f"{sender_id}-m0", PAGE)
    events.action("utter_greet")
    events.bot("utter_greet")
    events.action("action_listen")
    events.user("I'd like a demo", "request_sales", f"{sender_id}-m1", PAGE)
    events.action("utter_start_qualification")
    events.bot("utter_start_qualification")
    events.action(FORM)
    events.loop(FORM)
    answers = _answers(email, hot)
    events.slot("requested_slot", answers[0][0])
    events.bot(f"utter_ask_{answers[0][0]}")
    events.action("action_listen")
    for index, (slot, text, intent, detail) in enumerate(answers):
        events.user(text, intent, f"{sender_id}-m{index + 2}", PAGE)
        events.action(FORM)
        events.slot(slot, text)
        if detail is not None:
            events.slot(f"{slot}_detail", detail)
        following = answers[index + 1][0] if index + 1 < len(answers) else None
        events.slot("requested_slot", following)
        if following is None:
            events.loop(None)
        else:
            events.bot(f"utter_ask_{following}")
            events.action("action_listen")
    return {
        "next_action": ACTION,
        "sender_id": sender_id,
        "tracker": tracker_state(sender_id, events.items),
        "version": RASA_VERSION,
        "domain": domain(),
    }


def tracker_state(sender_id: str, events: list[dict[str, Any]]) -> dict[str, Any]:
    """`current_state(EventVerbosity.ALL)` of the tracker these events make."""
    slots = _initial_slots()
    latest_message: dict[str, Any] | None = None
    latest_action: dict[str, Any] | None = None
    active_loop: dict[str, Any] = {}
    channel = None
    for event in events:
        kind = event["event"]
        if kind == "slot":
            slots[event["name"]] = event["value"]
        elif kind == "user":
            latest_message = dict(event["parse_data"])
            channel = event["input_channel"]
        elif kind == "action":
            latest_action = {"action_name": event["name"]}
        elif kind == "active_loop":
            active_loop = (
                {"name": event["name"], "validate": True, "rejected": False, "trigger_message": {}}
                if event["name"]
                else {}
            )
    return {
        "sender_id": sender_id,
        "slots": slots,
        "latest_message": latest_message,
        "latest_event_time": events[-1]["timestamp"],
        "followup_action": None,
        "paused": False,
        "events": events,
        "latest_input_channel": channel,
        "active_loop": active_loop,
        "latest_action": latest_action,
        "latest_action_name": latest_action["action_name"] if latest_action else None,
    }


def transcript_length(call: dict[str, Any]) -> int:
    """Messages the stored lead's transcript must hold: every user and bot text."""
    return sum(
        1 for e in call["tracker"]["events"] if e["event"] in ("user", "bot") and e.get("text")
    )
