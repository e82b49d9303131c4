"""The events a rep is told about, and their versioned JSON payload.

One payload serves every channel: the webhook posts it as is, Slack and email render it.
It is built when the fact happens (in the same transaction as the lead or the booking) and
stored in the outbox row, so a retry days later sends exactly what was true then.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

EventType = Literal["lead.qualified", "meeting.booked", "meeting.cancelled", "human.requested"]
EVENT_TYPES: tuple[EventType, ...] = (
    "lead.qualified",
    "meeting.booked",
    "meeting.cancelled",
    "human.requested",
)
PAYLOAD_VERSION = 1
# Fixed namespace: an event's id is derived from what it is about, so a retried use case
# produces the same id (and the outbox's idempotency key turns the repeat into a no-op).
_EVENT_NAMESPACE = uuid.UUID("6f1d3c2a-5b7e-4c1e-9a3d-2f8b7c6d5e4f")


def event_id(event_type: EventType, *about: str) -> str:
    """A stable id for "this event about these things" (lead id, meeting id, ...)."""
    return str(uuid.uuid5(_EVENT_NAMESPACE, "|".join((event_type, *about))))


@dataclass(frozen=True)
class RepRef:
    id: str
    name: str
    email: str
    time_zone: str

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "email": self.email, "time_zone": self.time_zone}


@dataclass(frozen=True)
class Event:
    """What happened, to which lead, for which rep.

    `lead` is the lead in the leads API's shape; `meeting` is the API's meeting object
    (start/end in ISO 8601 UTC) or None; `transcript` is filled for human.requested, where
    the rep needs the conversation so far to pick it up.
    """

    id: str
    type: EventType
    occurred_at: datetime
    rep: RepRef
    lead: dict[str, Any]
    lead_url: str
    conversation_id: str | None = None
    transcript_url: str | None = None
    meeting: dict[str, Any] | None = None
    manage_url: str | None = None
    transcript: list[dict[str, Any]] = field(default_factory=list)
    urgent: bool = False
    note: str | None = None  # e.g. "Please call +1 212 555 0100" (call me instead)

    def to_payload(self) -> dict[str, Any]:
        return {
            "version": PAYLOAD_VERSION,
            "id": self.id,
            "type": self.type,
            "occurred_at": self.occurred_at.isoformat(),
            "urgent": self.urgent,
            "rep": self.rep.to_dict(),
            "lead": self.lead,
            "lead_url": self.lead_url,
            "conversation_id": self.conversation_id,
            "transcript_url": self.transcript_url,
            "meeting": self.meeting,
            "manage_url": self.manage_url,
            "transcript": self.transcript,
            "note": self.note,
        }
