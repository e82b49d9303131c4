"""reps.yml: the sales team, their hours, how leads are routed to them, where they hear.

Loaded with the operator-file machinery (bot.configfile): a mistake stops start-up with the
file, line and key. Secrets (Slack webhook URLs, webhook signing secrets, a private
calendar address) are never in the file; it names the environment variables holding them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, time, timedelta
from functools import cached_property
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from bot.configfile import ConfigProblem, load_yaml_config
from bot.notify.channels import Channel, EmailChannel, SlackChannel, WebhookChannel

REPS_FORMAT_VERSION = 1
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_RANGE = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-4]):([0-5]\d)$")
_ENV_NAME: dict[str, Any] = {"type": "string", "pattern": "^[A-Z_][A-Z0-9_]*$"}
_ID: dict[str, Any] = {"type": "string", "pattern": "^[a-z0-9][a-z0-9_-]{0,62}$"}
_MINUTES: dict[str, Any] = {"type": "integer", "minimum": 0, "maximum": 24 * 60 * 14}
_TEXT_LIST: dict[str, Any] = {"type": "array", "items": {"type": "string", "minLength": 1}}

_EMAIL_ADDRESS: dict[str, Any] = {"type": "string", "pattern": "^[^@\\s]+@[^@\\s]+$"}


def _channel_kind(kind: str, properties: dict[str, Any], required: list[str]) -> dict[str, Any]:
    return {
        "if": {"properties": {"type": {"const": kind}}},
        "then": {
            "properties": {"type": {"const": kind}, **properties},
            "required": ["type", *required],
            "additionalProperties": False,
        },
    }


# One schema per `type:`, chosen by it, so a mistake is reported against the right one.
_CHANNEL: dict[str, Any] = {
    "type": "object",
    "properties": {"type": {"enum": ["email", "slack", "webhook"]}},
    "required": ["type"],
    "allOf": [
        _channel_kind("email", {"to": _EMAIL_ADDRESS}, []),
        _channel_kind("slack", {"webhook_url_env": _ENV_NAME}, ["webhook_url_env"]),
        _channel_kind(
            "webhook",
            {"url": {"type": "string", "pattern": "^https?://"}, "secret_env": _ENV_NAME},
            ["url", "secret_env"],
        ),
    ],
}
_HOURS: dict[str, Any] = {
    "type": "object",
    "propertyNames": {"enum": list(WEEKDAYS)},
    "additionalProperties": {"type": "array", "items": {"type": "string"}},
}
_REP: dict[str, Any] = {
    "type": "object",
    "properties": {
        "id": _ID,
        "name": {"type": "string", "minLength": 1},
        "email": _EMAIL_ADDRESS,
        "time_zone": {"type": "string", "minLength": 1},
        "working_hours": _HOURS,
        "days_off": {"type": "array"},  # dates: YAML reads them as dates, checked below
        "meeting_minutes": {"type": "integer", "minimum": 5, "maximum": 480},
        "buffer_minutes": _MINUTES,
        "min_notice_minutes": _MINUTES,
        "weight": {"type": "integer", "minimum": 1, "maximum": 1000},
        "busy_ics_url_env": _ENV_NAME,
        "channels": {"type": "array", "items": _CHANNEL},
    },
    "required": ["id", "name", "email", "time_zone", "working_hours"],
    "additionalProperties": False,
}
_RULE: dict[str, Any] = {
    "type": "object",
    "properties": {
        "when": {
            "type": "object",
            "properties": {
                "grade": _TEXT_LIST,
                "budget_band": _TEXT_LIST,
                "country": {"type": "array", "items": {"type": "string", "pattern": "^[A-Z]{2}$"}},
                "utm_source": _TEXT_LIST,
            },
            "additionalProperties": False,
            "minProperties": 1,
        },
        "team": {"type": "string"},
    },
    "required": ["when", "team"],
    "additionalProperties": False,
}
REPS_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "Leadbot sales team (reps.yml)",
    "type": "object",
    "properties": {
        "version": {"const": REPS_FORMAT_VERSION},
        "defaults": {
            "type": "object",
            "properties": {
                "meeting_minutes": {"type": "integer", "minimum": 5, "maximum": 480},
                "buffer_minutes": _MINUTES,
                "min_notice_minutes": _MINUTES,
                "slot_step_minutes": {"type": "integer", "minimum": 5, "maximum": 240},
            },
            "additionalProperties": False,
        },
        "reps": {"type": "array", "minItems": 1, "items": _REP},
        "teams": {
            "type": "object",
            "propertyNames": {"pattern": "^[a-z0-9][a-z0-9_-]{0,62}$"},
            "additionalProperties": {"type": "array", "minItems": 1, "items": {"type": "string"}},
        },
        "routing": {
            "type": "object",
            "properties": {
                "rules": {"type": "array", "items": _RULE},
                "default_team": {"type": "string"},
                "fallback_rep": {"type": "string"},
            },
            "required": ["fallback_rep"],
            "additionalProperties": False,
        },
    },
    "required": ["version", "reps", "routing"],
    "additionalProperties": False,
}


@dataclass(frozen=True)
class Rep:
    id: str
    name: str
    email: str
    time_zone: str
    working_hours: dict[int, tuple[tuple[time, time], ...]]  # weekday (Monday 0) -> ranges
    days_off: frozenset[date]
    meeting: timedelta
    buffer: timedelta
    min_notice: timedelta
    weight: int
    channels: tuple[Channel, ...]
    busy_ics_url_env: str | None = None

    @cached_property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)


@dataclass(frozen=True)
class RoutingRule:
    team: str
    grade: frozenset[str] | None = None
    budget_band: frozenset[str] | None = None
    country: frozenset[str] | None = None
    utm_source: frozenset[str] | None = None


@dataclass(frozen=True)
class SalesTeam:
    reps: dict[str, Rep]
    teams: dict[str, tuple[str, ...]]
    rules: tuple[RoutingRule, ...]
    default_team: str
    fallback_rep: str
    slot_step: timedelta

    def rep(self, rep_id: str) -> Rep | None:
        return self.reps.get(rep_id)

    def members(self, team: str) -> list[Rep]:
        return [self.reps[rep_id] for rep_id in self.teams.get(team, ())]


def _range(text: str) -> tuple[time, time] | None:
    match = _RANGE.match(text.strip())
    if match is None:
        return None
    h1, m1, h2, m2 = (int(g) for g in match.groups())
    if h2 == 24 and m2 != 0:
        return None
    start = time(h1, m1)
    end = time(23, 59, 59) if h2 == 24 else time(h2, m2)
    return (start, end) if start < end else None


def _day_off(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        return None


def check_reps(data: dict[str, Any]) -> None:
    """Rules the schema cannot say: real time zones, hours, dates, references."""
    zones = available_timezones()
    ids: set[str] = set()
    for i, rep in enumerate(data["reps"]):
        if rep["id"] in ids:
            raise ConfigProblem(("reps", i, "id"), f"rep id {rep['id']!r} is used twice")
        ids.add(rep["id"])
        zone = rep["time_zone"]
        if zone not in zones:
            raise ConfigProblem(
                ("reps", i, "time_zone"),
                f"unknown time zone {zone!r}; use an IANA name like 'Europe/Paris'",
            )
        for day, ranges in rep["working_hours"].items():
            for j, text in enumerate(ranges):
                if _range(text) is None:
                    raise ConfigProblem(
                        ("reps", i, "working_hours", day, j),
                        f"{text!r} is not a time range like '09:00-17:30' (start before end)",
                    )
        for j, value in enumerate(rep.get("days_off", [])):
            if _day_off(value) is None:
                raise ConfigProblem(
                    ("reps", i, "days_off", j), f"{value!r} is not a date (YYYY-MM-DD)"
                )
    teams = data.get("teams") or {"everyone": sorted(ids)}
    for team, members in teams.items():
        for j, rep_id in enumerate(members):
            if rep_id not in ids:
                raise ConfigProblem(("teams", team, j), f"no rep with id {rep_id!r}")
    routing = data["routing"]
    for i, rule in enumerate(routing.get("rules", [])):
        if rule["team"] not in teams:
            raise ConfigProblem(("routing", "rules", i, "team"), f"no team {rule['team']!r}")
    default = routing.get("default_team")
    if default is not None and default not in teams:
        raise ConfigProblem(("routing", "default_team"), f"no team {default!r}")
    if routing["fallback_rep"] not in ids:
        raise ConfigProblem(
            ("routing", "fallback_rep"), f"no rep with id {routing['fallback_rep']!r}"
        )


def _channels(rep: dict[str, Any]) -> tuple[Channel, ...]:
    out: list[Channel] = []
    for channel in rep.get("channels", [{"type": "email"}]):
        if channel["type"] == "email":
            out.append(EmailChannel(to=channel.get("to", rep["email"])))
        elif channel["type"] == "slack":
            out.append(SlackChannel(webhook_url_env=channel["webhook_url_env"]))
        else:
            out.append(WebhookChannel(url=channel["url"], secret_env=channel["secret_env"]))
    return tuple(out)


def team_from_config(data: dict[str, Any]) -> SalesTeam:
    defaults = data.get("defaults", {})

    def minutes(rep: dict[str, Any], key: str, default: int) -> timedelta:
        return timedelta(minutes=int(rep.get(key, defaults.get(key, default))))

    reps: dict[str, Rep] = {}
    for item in data["reps"]:
        hours: dict[int, tuple[tuple[time, time], ...]] = {}
        for day, ranges in item["working_hours"].items():
            parsed = [r for r in (_range(text) for text in ranges) if r is not None]
            hours[WEEKDAYS.index(day)] = tuple(sorted(parsed))
        reps[item["id"]] = Rep(
            id=item["id"],
            name=item["name"],
            email=item["email"],
            time_zone=item["time_zone"],
            working_hours=hours,
            days_off=frozenset(d for d in (_day_off(v) for v in item.get("days_off", [])) if d),
            meeting=minutes(item, "meeting_minutes", 30),
            buffer=minutes(item, "buffer_minutes", 10),
            min_notice=minutes(item, "min_notice_minutes", 120),
            weight=int(item.get("weight", 1)),
            channels=_channels(item),
            busy_ics_url_env=item.get("busy_ics_url_env"),
        )
    teams = {k: tuple(v) for k, v in (data.get("teams") or {"everyone": list(reps)}).items()}
    routing = data["routing"]
    rules = tuple(
        RoutingRule(
            team=rule["team"],
            **{key: frozenset(str(v) for v in values) for key, values in rule["when"].items()},
        )
        for rule in routing.get("rules", [])
    )
    return SalesTeam(
        reps=reps,
        teams=teams,
        rules=rules,
        default_team=routing.get("default_team") or next(iter(teams)),
        fallback_rep=routing["fallback_rep"],
        slot_step=timedelta(minutes=int(defaults.get("slot_step_minutes", 30))),
    )


def load_team(path: Path) -> SalesTeam:
    """Read and validate reps.yml; raises bot.configfile.ConfigError naming file and line."""
    data = load_yaml_config(
        path, REPS_SCHEMA, expected_version=REPS_FORMAT_VERSION, check=check_reps
    )
    return team_from_config(data)


def zone_or_none(name: str | None) -> ZoneInfo | None:
    """The visitor's zone from the widget's metadata, or None if missing or not IANA."""
    if not name:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None
