"""Slack messages: what the rep sees, and visitor text that can neither ping nor link."""

from __future__ import annotations

import json

from bot.notify.slack import build_message, escape
from tests.integration.notify.samples import sample_event, sample_lead


def _rendered(payload: dict[str, object]) -> tuple[str, str]:
    text, blocks = build_message(payload)  # type: ignore[arg-type]
    return text, json.dumps([block.to_dict() for block in blocks])


def test_escape_turns_slack_markup_into_text() -> None:
    assert (
        escape("<!channel> & <https://x|click>") == "&lt;!channel&gt; &amp; &lt;https://x|click&gt;"
    )


def test_visitor_text_pings_no_one_and_links_nowhere() -> None:
    lead = sample_lead(
        name="<!channel>",
        company="<https://evil.example|click>",
        breakdown=[{"criterion": "need", "points": 5, "max": 25, "rule": "need.vague",
                    "label": "vague", "evidence": "<!here> see <https://x|click> & <@U123>"}],
    )  # fmt: skip
    text, blocks = _rendered(sample_event("lead.qualified", lead=lead).to_payload())
    for raw in (
        "<!channel>",
        "<!here>",
        "<https://x|click>",
        "<https://evil.example|click>",
        "<@U123>",
    ):
        assert raw not in blocks
        assert raw not in text
    assert "&lt;!channel&gt;" in blocks
    assert "&lt;https://x|click&gt;" in blocks


def test_booked_meeting_shows_the_reps_own_time_and_the_breakdown() -> None:
    text, blocks = _rendered(sample_event("meeting.booked").to_payload())
    assert text == "Meeting booked: Sophie Laurent (Acme)"
    # 14:00 UTC is 15:00 in Paris (the rep's zone) in December
    assert "Wed 2 Dec 2026, 15:00 CET (Europe/Paris)" in blocks
    assert "about 20k a year" in blocks
    assert "https://acme.example/pricing" in blocks
    assert "grade A, 85/100" in blocks
    assert "http://bot.example/api/leads/" in blocks


def test_human_request_is_urgent_and_carries_the_transcript() -> None:
    event = sample_event(
        "human.requested",
        urgent=True,
        transcript=[{"sender": "visitor", "text": "can I talk to a person?"}],
    )
    text, blocks = _rendered(event.to_payload())
    assert text.startswith("URGENT: A visitor asks for a person")
    assert "can I talk to a person?" in blocks


def test_a_callback_request_shows_the_number_to_call() -> None:
    event = sample_event("human.requested", urgent=True, note="Please call +1 212-555-0123.")
    _, blocks = _rendered(event.to_payload())
    assert "Please call +1 212-555-0123." in blocks
