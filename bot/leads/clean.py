"""Visitor text made storable, once, where it enters the lead store's domain.

Whatever a visitor types reaches us through Rasa's tracker, and some of it no database
takes: PostgreSQL refuses NUL in text and in JSONB, a lone surrogate cannot be encoded as
UTF-8 at all, and a megabyte of text in one message is an attack, not an answer. Every
`LeadInput` passes through here when it is built (`bot.leads.service.LeadInput`), so the
database, the spool and the API all see the same cleaned text, on SQLite and PostgreSQL
alike, and a stored lead reads back exactly as it was cleaned.

The rules: control characters go (tab and newline stay; a carriage return becomes a
newline), a lone surrogate becomes U+FFFD, and a text over its limit is cut with a marker
that says how much was cut.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
from collections.abc import Mapping
from typing import Any, TypeVar

# The longest visitor message (or fact's raw words) we keep; the rest is cut, marked.
MAX_MESSAGE_CHARS = 10_000
# Page context and metadata values (URLs, utm_*): long enough for any real URL.
MAX_CONTEXT_CHARS = 2_000
# Conversation ids are the key of a row (String(255)).
MAX_ID_CHARS = 255
CUT_MARKER = "…[cut {n} characters]"

# C0 and C1 controls and DEL, except tab and newline (carriage returns become newlines).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_NEWLINES = re.compile(r"\r\n?")
_SURROGATE = re.compile(r"[\ud800-\udfff]")

T = TypeVar("T")


def characters(value: str) -> str:
    """The text without control characters or lone surrogates (length unchanged or less)."""
    value = _NEWLINES.sub("\n", value)
    value = _CONTROL.sub("", value)
    return _SURROGATE.sub("\ufffd", value)


def text(value: str, limit: int = MAX_MESSAGE_CHARS) -> str:
    """Clean characters, then cut to `limit` characters (the marker included)."""
    value = characters(value)
    if len(value) <= limit:
        return value
    # The marker's own length counts: cut a little more so the whole fits in `limit`.
    cut = len(value) - limit
    while len(value) - (keep := limit - len(CUT_MARKER.format(n=cut))) != cut:
        cut = len(value) - keep
    return value[:keep] + CUT_MARKER.format(n=cut)


def optional(value: str | None, limit: int = MAX_MESSAGE_CHARS) -> str | None:
    return None if value is None else text(value, limit)


def identifier(value: str) -> str:
    """A conversation id as a storable key. Ids are never cut with a marker (two long ids
    would collide): an over-long one keeps a prefix and a digest of the whole."""
    value = characters(value)
    if len(value) <= MAX_ID_CHARS:
        return value
    digest = hashlib.sha256(value.encode("utf-8")).hexdigest()[:32]
    return f"{value[: MAX_ID_CHARS - 33]}~{digest}"


def json_like(value: Any, limit: int = MAX_CONTEXT_CHARS) -> Any:
    """Strings anywhere in a JSON-like value (keys included) cleaned and cut."""
    if isinstance(value, str):
        return text(value, limit)
    if isinstance(value, Mapping):
        return {text(str(k), limit): json_like(v, limit) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_like(item, limit) for item in value]
    return value


def fact(value: T) -> T:
    """A fact (Budget, Need, EmailCheck...) with each of its text fields cleaned."""
    if value is None or not dataclasses.is_dataclass(value) or isinstance(value, type):
        return value
    changes = {
        field.name: text(current)
        for field in dataclasses.fields(value)
        if isinstance(current := getattr(value, field.name), str)
    }
    cleaned = {k: v for k, v in changes.items() if v != getattr(value, k)}
    return dataclasses.replace(value, **cleaned) if cleaned else value
