"""Slots in words, both ways: "Tue 2 Dec, 10:00" for a button, and a visitor's "thursday
afternoon" or "tomorrow at 3pm" as a DayFilter on their own clock; zones in words (the
visitor's zone is read by bot.handoff.zone_text)."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.handoff.slots import DayFilter

_WEEKDAYS = {
    "mon": 0, "monday": 0, "tue": 1, "tues": 1, "tuesday": 1, "wed": 2, "wednesday": 2,
    "thu": 3, "thur": 3, "thurs": 3, "thursday": 3, "fri": 4, "friday": 4,
    "sat": 5, "saturday": 5, "sun": 6, "sunday": 6,
}  # fmt: skip
_PARTS = {
    "morning": (time(6), time(12)),
    "lunch": (time(11, 30), time(14)),
    "lunchtime": (time(11, 30), time(14)),
    "noon": (time(11, 30), time(13)),
    "afternoon": (time(12), time(17)),
    "evening": (time(17), time(22)),
}
_WORD = re.compile(r"[a-z]+")
_CLOCK = re.compile(r"\b(\d{1,2})(?::(\d{2}))?\s*(am|pm)?\b")


def slot_label(start: datetime, zone: ZoneInfo) -> str:
    local = start.astimezone(zone)
    return f"{local:%a} {local.day} {local:%b}, {local:%H:%M}"


_ETC_GMT = re.compile(r"Etc/GMT([+-])(\d{1,2})")


def zone_label(zone: ZoneInfo) -> str:
    """The IANA name, except the fixed offsets: Etc/GMT-2 is "UTC+2" (POSIX signs)."""
    key = str(zone.key)
    match = _ETC_GMT.fullmatch(key)
    if match:
        return f"UTC{'-' if match.group(1) == '+' else '+'}{int(match.group(2))}"
    return "UTC" if key in ("Etc/UTC", "Etc/GMT", "UTC", "GMT") else key


def _either(options: list[str]) -> str:
    return options[0] if len(options) == 1 else f"{', '.join(options[:-1])} or {options[-1]}"


def zone_switched(zone: ZoneInfo, other_meanings: tuple[str, ...] = ()) -> str:
    """Said with the same slots re-shown in the zone the visitor named."""
    text = f"Here are the times in {zone_label(zone)} time."
    if other_meanings:
        others = _either([zone_label(ZoneInfo(z)) for z in other_meanings])
        text += f" If you meant {others}, tell me your city."
    return text


def which_zone(options: tuple[str, ...], most: int = 4) -> str:
    """Asked when the visitor's words fit several clocks ("I'm in the US")."""
    shown = [zone_label(ZoneInfo(z)) for z in options[:most]]
    return f"Which time zone is yours: {_either(shown)}? Your city is enough."


def _clock(text: str) -> time | None:
    for match in _CLOCK.finditer(text):
        hour, minute, half = int(match.group(1)), int(match.group(2) or 0), match.group(3)
        if half is None and match.group(2) is None:
            continue  # a bare number ("2") is not a time
        if half == "pm" and hour < 12:
            hour += 12
        if half == "am" and hour == 12:
            hour = 0
        if 0 <= hour < 24 and 0 <= minute < 60:
            return time(hour, minute)
    return None


def parse_day(text: str, now: datetime, zone: ZoneInfo) -> DayFilter | None:
    """A weekday or today/tomorrow, and/or a part of the day or a clock time; None if the
    text names none of these."""
    lowered = text.lower()
    words = _WORD.findall(lowered)
    weekday = next((_WEEKDAYS[w] for w in words if w in _WEEKDAYS), None)
    on: date | None = None
    today = now.astimezone(zone).date()
    if "today" in words:
        on = today
    elif "tomorrow" in words:
        on = today + timedelta(days=1)
    start, end = time(0), time(23, 59, 59)
    part = next((w for w in words if w in _PARTS), None)
    if part is not None:
        start, end = _PARTS[part]
    at = _clock(lowered)
    if at is not None:
        start = at
        end_hour = min(at.hour + 1, 23)
        end = time(end_hour, at.minute) if end_hour > at.hour else time(23, 59, 59)
    if weekday is None and on is None and part is None and at is None:
        return None
    return DayFilter(weekday=weekday, start=start, end=end, on=on)
