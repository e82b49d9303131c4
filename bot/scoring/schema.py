"""JSON schema (Draft 2020-12) of scoring.yml, format version 1.

The schema says the shape; `bot.scoring.rubric` checks the rules across values (bands in
order, points within max_points, max_points adding up to 100).
"""

from __future__ import annotations

from typing import Any

RUBRIC_FORMAT_VERSION = 1

_POINTS: dict[str, Any] = {"type": "integer", "minimum": 0, "maximum": 100}
_LABEL: dict[str, Any] = {"type": "string", "minLength": 1, "maxLength": 120}
_BAND_ID: dict[str, Any] = {"type": "string", "pattern": "^[a-z][a-z0-9_]{0,62}$"}
_CURRENCY: dict[str, Any] = {"type": "string", "pattern": "^[A-Z]{3}$"}

_RULE: dict[str, Any] = {
    "type": "object",
    "properties": {"points": _POINTS, "label": _LABEL},
    "required": ["points", "label"],
    "additionalProperties": False,
}


def _levels(*names: str) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {"max_points": _POINTS, **dict.fromkeys(names, _RULE)},
        "required": ["max_points", *names],
        "additionalProperties": False,
    }


def _banded(bound: str, *rules: str) -> dict[str, Any]:
    """A criterion scored by numeric bands (budget: `min`, timeline: `max_months`)."""
    band = {
        "type": "object",
        "properties": {
            "id": _BAND_ID,
            bound: {"type": "number", "minimum": 0},
            "points": _POINTS,
            "label": _LABEL,
        },
        "required": ["id", bound, "points", "label"],
        "additionalProperties": False,
    }
    return {
        "type": "object",
        "properties": {
            "max_points": _POINTS,
            "bands": {"type": "array", "minItems": 1, "items": band},
            **dict.fromkeys(rules, _RULE),
        },
        "required": ["max_points", "bands", *rules],
        "additionalProperties": False,
    }


RUBRIC_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "Leadbot scoring rubric (scoring.yml)",
    "type": "object",
    "properties": {
        "version": {"const": RUBRIC_FORMAT_VERSION},
        "rubric_version": {"type": "integer", "minimum": 1},
        "default_currency": _CURRENCY,
        "currency_rates": {
            "type": "object",
            "propertyNames": {"pattern": "^[A-Z]{3}$"},
            "additionalProperties": {"type": "number", "exclusiveMinimum": 0},
            "minProperties": 1,
        },
        "criteria": {
            "type": "object",
            "properties": {
                "budget": _banded("min", "none", "unknown"),
                "authority": _levels("decision_maker", "influencer", "none", "unknown"),
                "need": _levels("concrete", "vague", "none", "unknown"),
                "timeline": _banded("max_months", "later", "none", "unknown"),
            },
            "required": ["budget", "authority", "need", "timeline"],
            "additionalProperties": False,
        },
        "grades": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "properties": {
                    "grade": {"type": "string", "pattern": "^[A-Z][+-]?$"},
                    "min_score": _POINTS,
                },
                "required": ["grade", "min_score"],
                "additionalProperties": False,
            },
        },
        "routing": {
            "type": "object",
            "properties": {"handoff_min_score": _POINTS},
            "required": ["handoff_min_score"],
            "additionalProperties": False,
        },
    },
    "required": [
        "version",
        "rubric_version",
        "default_currency",
        "currency_rates",
        "criteria",
        "grades",
        "routing",
    ],
    "additionalProperties": False,
}
