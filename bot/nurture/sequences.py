"""sequences.yml: nurture sequences, their steps, send windows and email templates.

Loaded and checked once at start, like scoring.yml: a broken file stops the bot with the
file, line and key. Templates are Jinja2 (sandboxed, undefined values are errors); a
template that uses a field Leadbot does not know is refused here, never at send time.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from jinja2 import StrictUndefined, Template, TemplateSyntaxError, nodes
from jinja2.sandbox import SandboxedEnvironment

from bot.configfile import ConfigProblem, load_yaml_config
from bot.nurture.schema import DAYS, SEQUENCES_FORMAT_VERSION, SEQUENCES_SCHEMA

Criterion = Literal["budget", "authority", "need", "timeline"]

LEAD_FIELDS = frozenset(
    {
        "first_name", "name", "email", "company", "need", "budget", "authority", "timeline",
        "score", "grade", "route", "weakest", "breakdown",
    }
)  # fmt: skip
BREAKDOWN_FIELDS = frozenset({"criterion", "points", "max", "label", "evidence"})
TOP_FIELDS = frozenset({"lead", "booking_url", "unsubscribe_url", "sender_name", "sequence"})
# What every sequence set must cover: the four BANT criteria and the handoff leftovers.
PICKS: tuple[tuple[str, str], ...] = (
    ("weakest", "budget"),
    ("weakest", "authority"),
    ("weakest", "need"),
    ("weakest", "timeline"),
    ("route", "handoff"),
)
_UNITS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}

_TEXT_ENV = SandboxedEnvironment(
    undefined=StrictUndefined, autoescape=False, keep_trailing_newline=True
)
_HTML_ENV = SandboxedEnvironment(undefined=StrictUndefined, autoescape=True)


def parse_delay(value: int | str) -> timedelta:
    """``0`` | ``"30m"`` | ``"4h"`` | ``"2d"`` | ``"1w"`` -> timedelta (schema-checked)."""
    if value in (0, "0"):
        return timedelta(0)
    text = str(value)
    return timedelta(**{_UNITS[text[-1]]: int(text[:-1])})


@dataclass(frozen=True)
class Window:
    """When an email may go out, in the lead's local time: weekdays (0 = Monday) and
    hours [start, end)."""

    name: str
    days: frozenset[int]
    start_hour: int
    end_hour: int

    @property
    def always(self) -> bool:
        return len(self.days) == 7 and self.start_hour == 0 and self.end_hour == 24


@dataclass(frozen=True)
class Step:
    key: str
    after: timedelta
    window: Window
    subject: Template
    text: Template
    html: Template | None


@dataclass(frozen=True)
class NurtureSequence:
    name: str
    picked_when: tuple[str, str]  # ("weakest", "budget") | ("route", "handoff")
    steps: tuple[Step, ...]

    def step(self, key: str) -> Step:
        for step in self.steps:
            if step.key == key:
                return step
        raise KeyError(f"sequence {self.name!r} has no step {key!r}")


@dataclass(frozen=True)
class SequenceBook:
    """Every sequence, the windows, and how a lead picks its sequence."""

    sequences: Mapping[str, NurtureSequence]
    booking_url: str
    default_time_zone: str

    def get(self, name: str) -> NurtureSequence:
        return self.sequences[name]

    def pick(self, *, route: str, weakest: str | None) -> NurtureSequence:
        """The sequence for a lead: handoff leads (no booking) by route, others by weakest."""
        wanted = ("route", "handoff") if route == "handoff" else ("weakest", weakest or "need")
        for sequence in self.sequences.values():
            if sequence.picked_when == wanted:
                return sequence
        raise LookupError(f"no sequence is picked when {wanted[0]} is {wanted[1]}")

    def booking_link(self, public_url: str) -> str:
        if self.booking_url.startswith("https://"):
            return self.booking_url
        return public_url.rstrip("/") + self.booking_url


def load_sequences(path: Path) -> SequenceBook:
    """Read and check sequences.yml; raises `bot.configfile.ConfigError` naming file and line."""
    data = load_yaml_config(
        path, SEQUENCES_SCHEMA, expected_version=SEQUENCES_FORMAT_VERSION, check=check_sequences
    )
    return _build(data)


def check_sequences(data: Mapping[str, Any]) -> None:
    """Raise `ConfigProblem` for the first rule the (schema-valid) data breaks."""
    try:
        ZoneInfo(data["default_time_zone"])
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigProblem(
            ("default_time_zone",), f"unknown time zone {data['default_time_zone']!r}"
        ) from None
    for name, window in data["windows"].items():
        start, end = window["hours"]
        if start >= end:
            raise ConfigProblem(
                ("windows", name, "hours"), f"start {start} must be before end {end}"
            )
    picked: dict[tuple[str, str], str] = {}
    for name, sequence in data["sequences"].items():
        ((kind, value),) = sequence["picked_when"].items()
        if (kind, value) in picked:
            raise ConfigProblem(
                ("sequences", name, "picked_when"),
                f"{kind} {value} already picks sequence {picked[(kind, value)]!r}",
            )
        picked[(kind, value)] = name
        keys: set[str] = set()
        for index, step in enumerate(sequence["steps"]):
            where = ("sequences", name, "steps", index)
            if step["key"] in keys:
                raise ConfigProblem((*where, "key"), f"step key {step['key']!r} is used twice")
            keys.add(step["key"])
            if step["window"] not in data["windows"]:
                known = ", ".join(sorted(data["windows"]))
                raise ConfigProblem(
                    (*where, "window"), f"unknown window {step['window']!r}; known: {known}"
                )
            for field in ("subject", "text", "html"):
                if field in step:
                    _check_template(step[field], (*where, field), html=field == "html")
            if "booking_url" not in _names(step["text"]):
                raise ConfigProblem(
                    (*where, "text"),
                    "every email must offer the booking link: use {{ booking_url }}",
                )
    missing = [f"{kind} {value}" for kind, value in PICKS if (kind, value) not in picked]
    if missing:
        raise ConfigProblem(("sequences",), "no sequence is picked when " + ", ".join(missing))


def _check_template(source: str, where: tuple[str | int, ...], *, html: bool) -> None:
    env = _HTML_ENV if html else _TEXT_ENV
    try:
        tree = env.parse(source)
    except TemplateSyntaxError as error:
        raise ConfigProblem(
            where, f"template error on its line {error.lineno}: {error.message}"
        ) from None
    for problem in _unknown_fields(tree):
        raise ConfigProblem(where, problem)


def _names(source: str) -> set[str]:
    return {node.name for node in _TEXT_ENV.parse(source).find_all(nodes.Name)}


def _unknown_fields(tree: nodes.Template) -> Iterator[str]:
    """Fields the template reads that Leadbot does not provide."""
    loops = list(tree.find_all(nodes.For))
    sets = list(tree.find_all(nodes.Assign))
    bound = {name for node in (*loops, *sets) for name in _targets(node)}
    rows = {
        name for loop in loops if _is_lead_attr(loop.iter, "breakdown") for name in _targets(loop)
    }
    for name in tree.find_all(nodes.Name):
        if name.ctx == "load" and name.name not in TOP_FIELDS | bound:
            yield f"unknown field {name.name!r}; known: {', '.join(sorted(TOP_FIELDS))}"
    for attr in tree.find_all(nodes.Getattr):
        if isinstance(attr.node, nodes.Name):
            if attr.node.name == "lead" and attr.attr not in LEAD_FIELDS:
                yield f"unknown field 'lead.{attr.attr}'; known: " + ", ".join(
                    f"lead.{f}" for f in sorted(LEAD_FIELDS)
                )
            if attr.node.name in rows and attr.attr not in BREAKDOWN_FIELDS:
                yield f"unknown breakdown field {attr.attr!r}; known: " + ", ".join(
                    sorted(BREAKDOWN_FIELDS)
                )


def _targets(node: nodes.Node) -> set[str]:
    """The names a loop or {% set %} binds."""
    target = getattr(node, "target")  # noqa: B009  (For and Assign both have one)
    names = {n.name for n in target.find_all(nodes.Name)}
    return names | ({target.name} if isinstance(target, nodes.Name) else set())


def _is_lead_attr(node: nodes.Node, attr: str) -> bool:
    return (
        isinstance(node, nodes.Getattr)
        and node.attr == attr
        and isinstance(node.node, nodes.Name)
        and node.node.name == "lead"
    )


def _build(data: Mapping[str, Any]) -> SequenceBook:
    windows = {
        name: Window(
            name=name,
            days=frozenset(DAYS.index(day) for day in window["days"]),
            start_hour=window["hours"][0],
            end_hour=window["hours"][1],
        )
        for name, window in data["windows"].items()
    }
    sequences: dict[str, NurtureSequence] = {}
    for name, sequence in data["sequences"].items():
        ((kind, value),) = sequence["picked_when"].items()
        steps = tuple(
            Step(
                key=step["key"],
                after=parse_delay(step["after"]),
                window=windows[step["window"]],
                subject=_TEXT_ENV.from_string(step["subject"]),
                text=_TEXT_ENV.from_string(step["text"]),
                html=_HTML_ENV.from_string(step["html"]) if "html" in step else None,
            )
            for step in sequence["steps"]
        )
        sequences[name] = NurtureSequence(name=name, picked_when=(kind, value), steps=steps)
    return SequenceBook(
        sequences=sequences,
        booking_url=str(data["booking_url"]),
        default_time_zone=str(data["default_time_zone"]),
    )
