"""Plain-text pieces every channel shares: times in a zone, the score line, the breakdown."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo


def parse_instant(value: str) -> datetime:
    return datetime.fromisoformat(value)


def format_in_zone(instant: datetime, zone: str) -> str:
    """'Tue 2 Dec 2026, 15:00 CET (Europe/Paris)': the day, the time and whose clock it is."""
    local = instant.astimezone(ZoneInfo(zone))
    return f"{local:%a} {local.day} {local:%b %Y, %H:%M} {local.tzname()} ({zone})"


def meeting_line(meeting: dict[str, Any], zone: str) -> str:
    start = parse_instant(str(meeting["start"]))
    return format_in_zone(start, zone)


def score_line(lead: dict[str, Any]) -> str:
    score, grade = lead.get("score"), lead.get("grade")
    if score is None:
        return "not scored"
    return f"grade {grade}, {score}/100"


def breakdown_lines(lead: dict[str, Any]) -> list[tuple[str, str, str | None]]:
    """(criterion and points, the rule's label, the visitor's own words or None)."""
    lines = []
    for part in lead.get("breakdown") or []:
        head = (
            f"{str(part.get('criterion', '')).capitalize()} {part.get('points')}/{part.get('max')}"
        )
        lines.append((head, str(part.get("label") or ""), part.get("evidence")))
    return lines


def who(lead: dict[str, Any]) -> str:
    name = lead.get("name") or "Someone"
    company = lead.get("company")
    return f"{name} ({company})" if company else str(name)


EVENT_TITLES = {
    "lead.qualified": "New qualified lead",
    "meeting.booked": "Meeting booked",
    "meeting.cancelled": "Meeting cancelled",
    "human.requested": "A visitor asks for a person",
}
