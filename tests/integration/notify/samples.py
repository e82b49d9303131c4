"""A realistic event for notification tests (the lead in the leads API's shape)."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from bot.notify.events import Event, EventType, RepRef, event_id

REP = RepRef(id="ana", name="Ana Souza", email="ana@example.com", time_zone="Europe/Paris")
BOOKED_AT = datetime(2026, 12, 1, 9, 0, tzinfo=timezone.utc)


def sample_lead(**changes: Any) -> dict[str, Any]:
    lead: dict[str, Any] = {
        "id": "7b0c8e4e-1111-4c1e-9a3d-000000000001",
        "email": "sophie@acme.io",
        "name": "Sophie Laurent",
        "company": "Acme",
        "score": 85,
        "grade": "A",
        "route": "handoff",
        "breakdown": [
            {"criterion": "budget", "points": 30, "max": 30, "rule": "budget.high",
             "label": ">= 10,000 USD a year", "evidence": "about 20k a year"},
            {"criterion": "need", "points": 25, "max": 25, "rule": "need.concrete",
             "label": "concrete need", "evidence": "our reps answer web leads a day late"},
        ],
        "source": {"page_url": "https://acme.example/pricing", "utm_source": "google"},
        "time_zone": "America/New_York",
    }  # fmt: skip
    lead.update(changes)
    return lead


def sample_event(kind: EventType = "meeting.booked", **changes: Any) -> Event:
    lead = changes.pop("lead", None) or sample_lead()
    meeting = None
    if kind.startswith("meeting."):
        meeting = {
            "id": "m-0001",
            "start": "2026-12-02T14:00:00+00:00",
            "end": "2026-12-02T14:30:00+00:00",
            "time_zone": "America/New_York",
            "rep": {"id": REP.id, "name": REP.name},
            "status": "cancelled" if kind == "meeting.cancelled" else "booked",
        }
    values: dict[str, Any] = {
        "id": event_id(kind, str(lead["id"]), "m-0001"),
        "type": kind,
        "occurred_at": BOOKED_AT,
        "rep": REP,
        "lead": lead,
        "lead_url": f"http://bot.example/api/leads/{lead['id']}",
        "conversation_id": "conv-1",
        "transcript_url": f"http://bot.example/api/leads/{lead['id']}#conv-1",
        "meeting": meeting,
        "manage_url": "http://bot.example/booking/TOKEN" if meeting else None,
    }
    values.update(changes)
    return Event(**values)
