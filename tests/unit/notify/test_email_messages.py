"""Emails: the rep's notification with the invite, the visitor's invite, one instant."""

from __future__ import annotations

from datetime import datetime, timezone

from icalendar import Calendar

from bot.notify.email import message_id, rep_email, visitor_invite_email
from tests.integration.notify.samples import sample_event

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=timezone.utc)


def _calendar(message: object) -> Calendar:
    parts = [p for p in message.iter_attachments() if p.get_content_type() == "text/calendar"]  # type: ignore[attr-defined]
    assert len(parts) == 1
    return Calendar.from_ical(parts[0].get_payload(decode=True))


def test_rep_and_visitor_invites_are_the_same_event_at_the_same_instant() -> None:
    payload = sample_event("meeting.booked").to_payload()
    to_rep = rep_email(payload, to="ana@example.com", sender="bot@x", key="k1", now=NOW)
    to_visitor = visitor_invite_email(
        payload, to="sophie@acme.io", sender="bot@x", key="k2", now=NOW
    )
    rep_cal, visitor_cal = _calendar(to_rep), _calendar(to_visitor)
    for cal in (rep_cal, visitor_cal):
        assert cal["method"] == "REQUEST"
        (event,) = cal.walk("VEVENT")
        assert str(event["uid"]) == "m-0001@leadbot"
        assert event.decoded("dtstart") == datetime(2026, 12, 2, 14, 0, tzinfo=timezone.utc)
        assert str(event["organizer"]) == "mailto:ana@example.com"
        attendees = [str(a) for a in event.get("attendee")]
        assert "mailto:sophie@acme.io" in attendees
    # each shows the time on its reader's clock: the rep in Paris, the visitor in New York
    assert "15:00 CET (Europe/Paris)" in to_rep.get_body().get_content()  # type: ignore[union-attr]
    assert "09:00 EST (America/New_York)" in str(to_visitor["Subject"])
    assert "http://bot.example/booking/TOKEN" in to_visitor.get_body().get_content()  # type: ignore[union-attr]


def test_cancellation_keeps_the_uid_and_says_cancel() -> None:
    payload = sample_event("meeting.cancelled").to_payload()
    message = visitor_invite_email(payload, to="sophie@acme.io", sender="bot@x", key="k", now=NOW)
    cal = _calendar(message)
    assert cal["method"] == "CANCEL"
    (event,) = cal.walk("VEVENT")
    assert str(event["uid"]) == "m-0001@leadbot"
    assert event["status"] == "CANCELLED"
    assert int(event["sequence"]) == 1


def test_message_id_is_stable_per_key() -> None:
    assert message_id("a/b") == message_id("a/b") != message_id("a/c")
