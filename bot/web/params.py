"""Query and path parameters: parsed strictly, a `BadParameter` naming the one that's wrong.

The OpenAPI document (bot.web.openapi) describes the same limits; keep the two in step.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

from multidict import MultiMapping

from bot.leads.keys import MAX_EMAIL_LENGTH, email_key
from bot.leads.repository import MAX_PAGE_SIZE, LeadFilter
from bot.web.responses import BadParameter

DEFAULT_PAGE_SIZE = 50
MAX_OFFSET = 2**31 - 1
MAX_ID_LENGTH = 255  # conversation ids (Rasa sender ids) and lead ids
GRADE_PATTERN = r"^[A-Z][+-]?$"  # as scoring.yml allows; A-D with the default rubric
ROUTES = ("handoff", "nurture")

_INTEGER = re.compile(r"-?[0-9]+")
_GRADE = re.compile(GRADE_PATTERN)
# ISO 8601 / RFC 3339: a date, optionally a time (seconds and fraction optional), optionally
# an offset. No offset means UTC.
_DATETIME = re.compile(
    r"(?P<y>[0-9]{4})-(?P<mo>[0-9]{2})-(?P<d>[0-9]{2})"
    r"(?:[Tt ](?P<h>[0-9]{2}):(?P<mi>[0-9]{2})(?::(?P<s>[0-9]{2})(?:[.,](?P<f>[0-9]+))?)?)?"
    r"(?:(?P<z>[Zz])|(?P<sign>[+-])(?P<oh>[0-9]{2}):?(?P<om>[0-9]{2}))?"
)
_EARLIEST = datetime.min.replace(tzinfo=timezone.utc)
_LATEST = datetime.max.replace(tzinfo=timezone.utc)


FILTERS = ("conversation_id", "email", "route", "grade", "since", "limit", "offset")


def only(query: MultiMapping[str], allowed: tuple[str, ...] = ()) -> None:
    """Refuse parameters the route doesn't know: a misspelt filter must not widen a list."""
    for name in query:
        if name not in allowed:
            known = f"; known: {', '.join(allowed)}" if allowed else ""
            raise BadParameter(_echoable(name), f"unknown parameter{known}")


_PLAIN_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,39}")


def _echoable(name: str) -> str:
    """A parameter's name as an error may repeat it: only a plain identifier is echoed
    (a name can be anything the client sent, an email address included)."""
    return name if _PLAIN_NAME.fullmatch(name) else "(unknown parameter)"


def _single(query: MultiMapping[str], name: str) -> str | None:
    values = query.getall(name, [])
    if not values:
        return None
    if len(values) > 1:
        raise BadParameter(name, "give it at most once")
    return str(values[0])


def text(value: str, name: str, *, max_length: int = MAX_ID_LENGTH) -> str:
    if len(value) > max_length:
        raise BadParameter(name, f"must be at most {max_length} characters")
    if "\x00" in value:
        raise BadParameter(name, "must not contain NUL characters")
    return value


def email(value: str, name: str = "email") -> str:
    """An email address, checked just enough to find a mailbox by (bot.leads.keys)."""
    text(value, name, max_length=MAX_EMAIL_LENGTH)
    try:
        email_key(value)
    except ValueError:
        raise BadParameter(name, "must be an email address") from None
    return value


def integer(value: str, name: str, *, minimum: int, maximum: int) -> int:
    if not _INTEGER.fullmatch(value):
        raise BadParameter(name, "must be a whole number")
    number = int(value)
    if not minimum <= number <= maximum:
        raise BadParameter(name, f"must be between {minimum} and {maximum}")
    return number


def date_time(value: str, name: str) -> datetime:
    """An ISO 8601 date or date-time; without an offset it is taken as UTC."""
    match = _DATETIME.fullmatch(value)
    if match is None:
        raise BadParameter(name, "must be an ISO 8601 date-time, e.g. 2026-03-01T00:00:00Z")
    part = match.groupdict()
    try:
        second = min(int(part["s"] or 0), 59)  # a leap second counts as :59
        fraction = int((part["f"] or "0")[:6].ljust(6, "0"))
        offset = timedelta(hours=int(part["oh"] or 0), minutes=int(part["om"] or 0))
        if part["sign"] == "-":
            offset = -offset
        local = datetime(
            max(int(part["y"]), 1),  # year 0 (RFC 3339 allows it) is before anything stored
            int(part["mo"]),
            int(part["d"]),
            int(part["h"] or 0),
            int(part["mi"] or 0),
            second,
            fraction,
            tzinfo=timezone(offset),
        )
    except ValueError:
        raise BadParameter(name, "is not a valid date or time") from None
    try:
        return local.astimezone(timezone.utc)
    except OverflowError:  # within a day of year 1 or 9999
        return _EARLIEST if local.year == 1 else _LATEST


def lead_filter(query: MultiMapping[str], *, default_limit: int = DEFAULT_PAGE_SIZE) -> LeadFilter:
    """`GET /api/leads` filters: conversation_id, email, route, grade, since, limit, offset."""
    only(query, FILTERS)
    conversation_id = _single(query, "conversation_id")
    address = _single(query, "email")
    route = _single(query, "route")
    grade = _single(query, "grade")
    since = _single(query, "since")
    limit = _single(query, "limit")
    offset = _single(query, "offset")
    if route is not None and route not in ROUTES:
        raise BadParameter("route", "must be 'handoff' or 'nurture'")
    if grade is not None and not _GRADE.fullmatch(grade):
        raise BadParameter("grade", "must be a grade letter such as A, B, C or D")
    return LeadFilter(
        conversation_id=None
        if conversation_id is None
        else text(conversation_id, "conversation_id"),
        email=None if address is None else email(address),
        route=route,
        grade=grade,
        since=None if since is None else date_time(since, "since"),
        limit=default_limit
        if limit is None
        else integer(limit, "limit", minimum=1, maximum=MAX_PAGE_SIZE),
        offset=0 if offset is None else integer(offset, "offset", minimum=0, maximum=MAX_OFFSET),
    )


def limit_given(query: MultiMapping[str]) -> bool:
    return "limit" in query
