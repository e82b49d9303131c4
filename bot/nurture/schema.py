"""JSON schema (Draft 2020-12) of sequences.yml, format version 1.

The schema says the shape; `bot.nurture.sequences` checks what it cannot (templates compile
and use only known fields, windows exist, every pick is covered once).
"""

from __future__ import annotations

from typing import Any

SEQUENCES_FORMAT_VERSION = 1

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DELAY_PATTERN = r"^(0|[1-9][0-9]{0,3}(m|h|d|w))$"
_KEY: dict[str, Any] = {"type": "string", "pattern": "^[a-z][a-z0-9_]{0,62}$"}
_TEMPLATE: dict[str, Any] = {"type": "string", "minLength": 1, "maxLength": 20000}

_WINDOW: dict[str, Any] = {
    "type": "object",
    "properties": {
        "days": {
            "type": "array",
            "items": {"enum": list(DAYS)},
            "minItems": 1,
            "uniqueItems": True,
        },
        "hours": {
            "type": "array",
            "items": {"type": "integer", "minimum": 0, "maximum": 24},
            "minItems": 2,
            "maxItems": 2,
        },
    },
    "required": ["days", "hours"],
    "additionalProperties": False,
}

_STEP: dict[str, Any] = {
    "type": "object",
    "properties": {
        "key": _KEY,
        # YAML reads a bare 0 as a number: both spellings mean "right away".
        "after": {"anyOf": [{"const": 0}, {"type": "string", "pattern": DELAY_PATTERN}]},
        "window": _KEY,
        "subject": {"type": "string", "minLength": 1, "maxLength": 300},
        "text": _TEMPLATE,
        "html": _TEMPLATE,
    },
    "required": ["key", "after", "window", "subject", "text"],
    "additionalProperties": False,
}

_PICK: dict[str, Any] = {
    "type": "object",
    "properties": {
        "weakest": {"enum": ["budget", "authority", "need", "timeline"]},
        "route": {"const": "handoff"},
    },
    "minProperties": 1,
    "maxProperties": 1,
    "additionalProperties": False,
}

SEQUENCES_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "Leadbot nurture sequences (sequences.yml)",
    "type": "object",
    "properties": {
        "version": {"const": SEQUENCES_FORMAT_VERSION},
        "booking_url": {"type": "string", "pattern": "^(/|https://)", "maxLength": 500},
        "default_time_zone": {"type": "string", "minLength": 1, "maxLength": 64},
        "windows": {
            "type": "object",
            "propertyNames": _KEY,
            "additionalProperties": _WINDOW,
            "minProperties": 1,
        },
        "sequences": {
            "type": "object",
            "propertyNames": _KEY,
            "additionalProperties": {
                "type": "object",
                "properties": {
                    "picked_when": _PICK,
                    "steps": {"type": "array", "minItems": 1, "maxItems": 30, "items": _STEP},
                },
                "required": ["picked_when", "steps"],
                "additionalProperties": False,
            },
            "minProperties": 1,
        },
    },
    "required": ["version", "booking_url", "default_time_zone", "windows", "sequences"],
    "additionalProperties": False,
}
