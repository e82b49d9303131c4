"""Query and path parameters: parsed strictly, a `BadParameter` naming the one that's wrong.

The leads list's filters are a pydantic model (`LeadQuery`): it parses them, and the
OpenAPI document's query parameters are its JSON schema (bot.web.openapi).
"""

from __future__ import annotations

import re
from datetime import datetime, timezone
from typing import Annotated, Any, Literal

from dateutil.parser import isoparse  # type: ignore[import-untyped]  # no stubs pinned
from multidict import MultiMapping
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    WithJsonSchema,
)

from bot.leads.keys import MAX_EMAIL_LENGTH, email_key
from bot.leads.repository import MAX_PAGE_SIZE, LeadFilter
from bot.web.responses import BadParameter

DEFAULT_PAGE_SIZE = 50
MAX_OFFSET = 2**31 - 1
MAX_ID_LENGTH = 255  # conversation ids (Rasa sender ids) and lead ids
GRADE_PATTERN = r"^[A-Z][+-]?$"  # as scoring.yml allows; A-D with the default rubric
ROUTES = ("handoff", "nurture")

_INTEGER = re.compile(r"-?[0-9]+")
EMAIL_SCHEMA: dict[str, Any] = {
    "type": "string",
    "minLength": 1,
    "maxLength": MAX_EMAIL_LENGTH,
    "pattern": "^[^\\x00]*@[^\\x00]*$",
}
_EARLIEST = datetime.min.replace(tzinfo=timezone.utc)
_LATEST = datetime.max.replace(tzinfo=timezone.utc)


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
    """A whole number in [minimum, maximum] (the outbox API's paging)."""
    if not _INTEGER.fullmatch(value):
        raise BadParameter(name, "must be a whole number")
    number = int(value)
    if not minimum <= number <= maximum:
        raise BadParameter(name, f"must be between {minimum} and {maximum}")
    return number


def _whole(value: object) -> object:
    """A whole number as digits (pydantic alone would take "1.0" or "1_0")."""
    if isinstance(value, str):
        if not _INTEGER.fullmatch(value):
            raise ValueError("must be a whole number")
        return int(value)
    return value


def _date_time(value: object) -> object:
    """An ISO 8601 date or date-time (python-dateutil's strict parser); without an offset
    it is taken as UTC."""
    if not isinstance(value, str):
        return value
    try:
        parsed = isoparse(value)
    except (ValueError, OverflowError):
        raise ValueError("must be an ISO 8601 date-time, e.g. 2026-03-01T00:00:00Z") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    try:
        return parsed.astimezone(timezone.utc)
    except OverflowError:  # within a day of year 1 or 9999
        return _EARLIEST if parsed.year == 1 else _LATEST


def _conversation_id(value: object) -> object:
    if isinstance(value, str) and "\x00" in value:
        raise ValueError("must not contain NUL characters")
    return value


def _email(value: str | None) -> str | None:
    if value is not None:
        try:
            email(value)
        except BadParameter as error:
            raise ValueError(error.message) from None
    return value


def _query(schema: dict[str, Any]) -> WithJsonSchema:
    return WithJsonSchema(schema)


class LeadQuery(BaseModel):
    """`GET /api/leads` (and `.csv`) filters: the parser and the OpenAPI document's query
    parameters both come from here."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    conversation_id: Annotated[
        str | None,
        BeforeValidator(_conversation_id),
        Field(max_length=MAX_ID_LENGTH),
        _query({"type": "string", "maxLength": MAX_ID_LENGTH, "pattern": "^[^\\x00]*$"}),
        Field(description="Only the lead this conversation (Rasa sender id) belongs to."),
    ] = None
    email: Annotated[
        str | None,
        AfterValidator(_email),
        _query(EMAIL_SCHEMA),
        Field(description="Only the lead with this mailbox (any spelling: case, +tags)."),
    ] = None
    route: Annotated[
        Literal["handoff", "nurture"] | None,
        _query({"enum": list(ROUTES)}),
        Field(description="Only leads on this route."),
    ] = None
    grade: Annotated[
        str | None,
        Field(pattern=GRADE_PATTERN, description="Only leads with this grade."),
        _query({"type": "string", "pattern": GRADE_PATTERN}),
    ] = None
    since: Annotated[
        datetime | None,
        BeforeValidator(_date_time),
        _query({"type": "string", "format": "date-time"}),
        Field(
            description="Only leads updated at or after this ISO 8601 time (UTC when it has "
            "no offset)."
        ),
    ] = None
    limit: Annotated[
        int,
        Field(ge=1, le=MAX_PAGE_SIZE, description="Page size."),
        BeforeValidator(_whole),
    ] = DEFAULT_PAGE_SIZE
    offset: Annotated[
        int,
        Field(ge=0, le=MAX_OFFSET, description="Leads to skip (newest first)."),
        BeforeValidator(_whole),
    ] = 0


FILTERS = tuple(LeadQuery.model_fields)


def query_parameters() -> dict[str, dict[str, Any]]:
    """The OpenAPI query parameters of `LeadQuery`, by name."""
    properties = LeadQuery.model_json_schema(mode="validation")["properties"]
    parameters = {}
    for name, schema in properties.items():
        schema = {k: v for k, v in schema.items() if k != "title" and (k, v) != ("default", None)}
        description = schema.pop("description", "")
        variants = [v for v in schema.pop("anyOf", []) if v.get("type") != "null"]
        if variants:
            schema = {**variants[0], **schema}
        parameters[name] = {
            "name": name,
            "in": "query",
            "required": False,
            "schema": schema,
            "description": description,
        }
    return parameters


def lead_filter(query: MultiMapping[str], *, default_limit: int = DEFAULT_PAGE_SIZE) -> LeadFilter:
    """The filters of `GET /api/leads`, parsed by `LeadQuery`; BadParameter names the one
    that's wrong (and never repeats its value)."""
    only(query, FILTERS)
    values: dict[str, Any] = {"limit": default_limit}
    for name in FILTERS:
        value = _single(query, name)
        if value is not None:
            values[name] = value
    try:
        parsed = LeadQuery.model_validate(values)
    except ValidationError as error:
        first = error.errors(include_url=False, include_input=False)[0]
        name = str(first["loc"][0]) if first["loc"] else "query"
        message = str(first["msg"]).removeprefix("Value error, ")
        raise BadParameter(name, message[:1].lower() + message[1:]) from None
    return LeadFilter(
        conversation_id=parsed.conversation_id,
        email=parsed.email,
        route=parsed.route,
        grade=parsed.grade,
        since=parsed.since,
        limit=parsed.limit,
        offset=parsed.offset,
    )


def limit_given(query: MultiMapping[str]) -> bool:
    return "limit" in query
