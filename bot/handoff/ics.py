"""The calendar invite (RFC 5545 via `icalendar`): METHOD:REQUEST to book, CANCEL to cancel.

The UID is the meeting's id, so a cancellation or an update replaces the event in the
recipient's calendar instead of adding a second one; SEQUENCE tells which is newer.
Times are written in UTC: every calendar shows the same instant in its owner's zone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from icalendar import Calendar, Event, vCalAddress, vText

PRODID = "-//Leadbot//Leadbot handoff//EN"


@dataclass(frozen=True)
class Invite:
    meeting_id: str
    start: datetime
    end: datetime
    summary: str
    description: str
    organizer_name: str
    organizer_email: str
    attendee_name: str | None
    attendee_email: str | None
    url: str | None = None
    method: Literal["REQUEST", "CANCEL"] = "REQUEST"
    sequence: int = 0

    @property
    def uid(self) -> str:
        return f"{self.meeting_id}@leadbot"


def _address(email: str, name: str | None, *, role: str | None = None) -> vCalAddress:
    address: vCalAddress = vCalAddress(f"mailto:{email}")
    if name:
        address.params["cn"] = vText(name)
    if role:
        address.params["role"] = vText(role)
        address.params["partstat"] = vText("NEEDS-ACTION")
        address.params["rsvp"] = vText("TRUE")
    return address


def build_ics(invite: Invite, *, stamp: datetime) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", invite.method)
    event = Event()
    event.add("uid", invite.uid)
    event.add("dtstamp", stamp)
    event.add("dtstart", invite.start)
    event.add("dtend", invite.end)
    event.add("sequence", invite.sequence)
    event.add("summary", invite.summary)
    event.add("description", invite.description)
    event.add("status", "CANCELLED" if invite.method == "CANCEL" else "CONFIRMED")
    if invite.url:
        event.add("url", invite.url)
    event["organizer"] = _address(invite.organizer_email, invite.organizer_name)
    attendees = [_address(invite.organizer_email, invite.organizer_name, role="CHAIR")]
    if invite.attendee_email:
        attendees.append(
            _address(invite.attendee_email, invite.attendee_name, role="REQ-PARTICIPANT")
        )
    for attendee in attendees:
        event.add("attendee", attendee, encode=False)
    calendar.add_component(event)
    return bytes(calendar.to_ical())
