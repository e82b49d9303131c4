"""Loads the blind-written phrasings the simulated visitors speak (format: PHRASINGS.md).

The files are read and their shape checked here, so a broken file fails with its name
and key rather than half-way through a run. Nothing else in the simulator holds words of
its own: every visitor message is a phrasing, filled in.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

PHRASINGS_DIR = Path(__file__).resolve().parents[1] / "phrasings"
FACT_SLOTS: tuple[str, ...] = (
    "need",
    "budget",
    "authority",
    "timeline",
    "name",
    "email",
    "company",
)
ANSWER_STYLES: tuple[str, ...] = ("plain", "terse", "typos", "chatty")
OPENING_LISTS: tuple[str, ...] = ("greeting", "question", "pricing", "demand", "vague")
DIGRESSION_LISTS: tuple[str, ...] = (
    "why_ask",
    "faq",
    "rather_not_say",
    "human",
    "clarify",
    "evasive",
    "affirm",
    "deny",
)
# What each slot's entries must carry besides `text` (or `unknown: true` where allowed).
_VALUE_KEYS: Mapping[str, tuple[str, ...]] = {
    "budget": ("amount", "currency", "period"),
    "timeline": ("months",),
    "authority": ("decision_maker", "role"),
    "need": ("level",),
    "name": ("value",),
    "company": ("value",),
    "email": ("value",),
}
_MAY_BE_UNKNOWN = frozenset({"budget", "timeline"})
NEED_LEVELS = frozenset({"strong", "some", "none"})


class PhrasingsError(ValueError):
    """A phrasings file is missing or malformed; the message names the file and key."""


@dataclass(frozen=True)
class Fact:
    """One way a visitor states a fact, with the normalized value it carries.

    `value` holds the file's keys other than `text` and `also` (e.g. amount, currency,
    period); `unknown` is True for an entry that carries no value ("not sure yet"). `also`
    holds the facts the same words give for other slots: "nothing, I'm a student" answers
    the need and says the visitor is no decision maker, so a visitor who says it has given
    both, and a bot that stores the student's role has read it right.
    """

    slot: str
    text: str
    value: Mapping[str, Any]
    unknown: bool = False
    also: Mapping[str, Fact] = field(default_factory=dict)


@dataclass(frozen=True)
class Phrasings:
    name: str  # "heldout", "dev", or the fixture's folder name
    values: Mapping[str, tuple[Fact, ...]]
    answers: Mapping[str, Mapping[str, tuple[str, ...]]]  # slot -> style -> templates
    openings: Mapping[str, tuple[str, ...]]  # style -> lines (everything: templates)
    digressions: Mapping[str, tuple[str, ...]]


def load_phrasings(directory: Path) -> Phrasings:
    """Read values.yml, answers.yml, openings.yml and digressions.yml from `directory`."""
    values = _load(directory / "values.yml")
    answers = _load(directory / "answers.yml")
    openings = _load(directory / "openings.yml")
    digressions = _load(directory / "digressions.yml")
    return Phrasings(
        name=directory.name,
        values={slot: _facts(directory / "values.yml", slot, values) for slot in FACT_SLOTS},
        answers={
            slot: {
                style: _strings(
                    directory / "answers.yml", f"{slot}.{style}", _get(answers, slot, style)
                )
                for style in ANSWER_STYLES
            }
            for slot in FACT_SLOTS
        },
        openings={
            key: _strings(directory / "openings.yml", key, openings.get(key))
            for key in (*OPENING_LISTS, "everything")
        },
        digressions={
            key: _strings(directory / "digressions.yml", key, digressions.get(key))
            for key in DIGRESSION_LISTS
        },
    )


def _load(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise PhrasingsError(f"{path}: cannot read ({exc.strerror})") from exc
    except yaml.YAMLError as exc:
        raise PhrasingsError(f"{path}: not valid YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise PhrasingsError(f"{path}: expected a mapping at the top")
    return data


def _get(data: Any, *keys: str) -> Any:
    """data[k1][k2]..., or None where a level is missing or not a mapping."""
    for key in keys:
        data = data.get(key) if isinstance(data, Mapping) else None
    return data


def _strings(path: Path, key: str, items: Any) -> tuple[str, ...]:
    if not isinstance(items, list) or not items:
        raise PhrasingsError(f"{path}: {key}: expected a non-empty list of strings")
    out = []
    for i, item in enumerate(items):
        if not isinstance(item, str) or not item.strip():
            raise PhrasingsError(f"{path}: {key}[{i}]: expected a non-empty string")
        out.append(item.strip())
    return tuple(out)


def _facts(path: Path, slot: str, data: Mapping[str, Any]) -> tuple[Fact, ...]:
    items = data.get(slot)
    if not isinstance(items, list) or not items:
        raise PhrasingsError(f"{path}: {slot}: expected a non-empty list of entries")
    return tuple(_fact(path, slot, i, item) for i, item in enumerate(items))


def _fact(path: Path, slot: str, index: int, item: Any) -> Fact:
    where = f"{path}: {slot}[{index}]"
    if not isinstance(item, dict) or not isinstance(item.get("text"), str):
        raise PhrasingsError(f"{where}: expected a mapping with a `text` string")
    text = item["text"].strip()
    also = _also(where, slot, text, item.get("also", {}))
    value = {k: v for k, v in item.items() if k not in ("text", "also")}
    if item.get("unknown") is True:
        if slot not in _MAY_BE_UNKNOWN:
            raise PhrasingsError(f"{where}: `unknown` is allowed only for budget and timeline")
        return Fact(slot=slot, text=text, value={}, unknown=True, also=also)
    missing = [k for k in _VALUE_KEYS[slot] if k not in item]
    if missing:
        raise PhrasingsError(f"{where}: missing {', '.join(missing)}")
    if slot == "need" and item["level"] not in NEED_LEVELS:
        raise PhrasingsError(f"{where}: level must be one of {sorted(NEED_LEVELS)}")
    if slot == "authority" and not isinstance(item["decision_maker"], bool):
        raise PhrasingsError(f"{where}: decision_maker must be true or false")
    if slot == "budget" and not isinstance(item["amount"], (int, float)):
        raise PhrasingsError(f"{where}: amount must be a number")
    if slot == "timeline" and not isinstance(item["months"], (int, float)):
        raise PhrasingsError(f"{where}: months must be a number")
    return Fact(slot=slot, text=text, value=value, also=also)


def _also(where: str, slot: str, text: str, data: Any) -> Mapping[str, Fact]:
    """The `also` facts of an entry, each checked like an entry of its own slot."""
    if not isinstance(data, dict):
        raise PhrasingsError(f"{where}: also: expected a mapping of slot -> fact")
    out = {}
    for other, fields in data.items():
        if other not in _VALUE_KEYS or other == slot or not isinstance(fields, dict):
            raise PhrasingsError(f"{where}: also.{other}: expected another slot's fields")
        out[other] = _fact(Path(f"{where} also"), other, 0, {**fields, "text": text})
    return out
