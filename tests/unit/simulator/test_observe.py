"""What the bot did in a turn is read from the tracker's events, by response name."""

from __future__ import annotations

from typing import Any

from tests.conversations.simulator.observe import read_turn
from tests.conversations.simulator.visitor import Button


def _user(text: str, intent: str) -> dict[str, Any]:
    return {"event": "user", "text": text, "parse_data": {"intent": {"name": intent}}}


def _bot(response: str | None, text: str = "...", buttons: Any = None) -> dict[str, Any]:
    event: dict[str, Any] = {"event": "bot", "text": text, "data": {"buttons": buttons}}
    event["metadata"] = {"utter_action": response} if response else {}
    return event


TRACKER: dict[str, Any] = {
    "events": [
        {"event": "action", "name": "action_session_start"},
        _user("hi", "greet"),
        _bot(
            "utter_greet",
            "Hi! What brings you here?",
            [{"title": "See a demo", "payload": "/request_demo"}],
        ),
        _user("a demo", "request_sales"),
        {"event": "action", "name": "qualification_form"},
        _bot("utter_start_qualification"),
        _bot("utter_ask_qualification_form_need", "What are you hoping to solve?"),
        _user("blue", "out_of_scope"),
        {"event": "action", "name": "action_default_fallback"},
        _user("green", "out_of_scope"),
        _bot("utter_invalid_need"),
        _bot("utter_ask_need"),
        _user("why", "why_ask"),
        _bot("utter_why_need"),
        _bot("action_ask_budget"),
        _bot(None, "no name on this one"),
    ],
    "slots": {"requested_slot": "budget", "lead_route": None},
    "active_loop": {"name": "qualification_form"},
}


def test_a_turn_is_the_bot_s_events_after_the_visitor_s_message() -> None:
    first = read_turn(TRACKER, 0)
    assert first.intent == "greet"
    assert [m.response for m in first.messages] == ["utter_greet"]
    assert first.buttons == (Button("See a demo", "/request_demo"),)
    assert first.last_text == "Hi! What brings you here?"
    assert first.asked == ()
    assert not first.not_understood


def test_questions_are_read_from_the_response_names() -> None:
    assert read_turn(TRACKER, 1).asked == ("need",)
    assert read_turn(TRACKER, 3).asked == ("need",)
    assert read_turn(TRACKER, 4).asked == ("budget",)


def test_fallbacks_and_invalid_answers_are_not_understood() -> None:
    assert read_turn(TRACKER, 2).not_understood  # a fallback action, no message
    assert read_turn(TRACKER, 3).not_understood  # utter_invalid_need
    assert not read_turn(TRACKER, 4).not_understood  # a why-ask is understood


def test_the_form_s_requested_slot_only_counts_while_the_form_runs() -> None:
    assert read_turn(TRACKER, 4).waiting_for == "budget"
    closed = {**TRACKER, "active_loop": {}}
    assert read_turn(closed, 4).waiting_for is None


def test_goodbye_and_lead_route() -> None:
    tracker = {
        "events": [_user("bye", "goodbye"), _bot("utter_goodbye")],
        "slots": {"lead_route": "nurture"},
    }
    turn = read_turn(tracker, 0)
    assert turn.said_goodbye
    assert turn.lead_route == "nurture"
