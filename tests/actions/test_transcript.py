"""The transcript a lead keeps: who said what, a rep's takeover messages included."""

from __future__ import annotations

from rasa_sdk import Tracker

from actions.leads import lead_input_from_tracker


def test_a_reps_message_is_kept_as_the_agents() -> None:
    events = [
        {"event": "user", "text": "hi", "timestamp": 1.0, "metadata": {}},
        {"event": "bot", "text": "Hello! What brings you here?", "timestamp": 2.0},
        {
            "event": "bot",
            "text": "Hi, I'm Ana from sales. How can I help?",
            "timestamp": 3.0,
            "metadata": {"message_id": "r1", "sender": "agent", "rep": "Ana"},
        },
        {"event": "user", "text": "can you call me?", "timestamp": 4.0, "metadata": {}},
    ]
    tracker = Tracker("conv-1", {}, {}, events, False, None, None, "action_listen")
    transcript = lead_input_from_tracker(tracker).transcript
    assert [(m.sender, m.text) for m in transcript] == [
        ("visitor", "hi"),
        ("bot", "Hello! What brings you here?"),
        ("agent", "Hi, I'm Ana from sales. How can I help?"),
        ("visitor", "can you call me?"),
    ]
