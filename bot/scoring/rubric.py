"""The scoring rubric as loaded from scoring.yml: typed, checked, immutable.

`load_rubric(path)` reads the file through `bot.configfile` (schema in `schema.py`), then
checks what a schema cannot: bands in order, every points value within its criterion's
max_points, max_points adding up to 100, so that a better answer never scores lower.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal

from bot.configfile import ConfigProblem, load_yaml_config
from bot.scoring.schema import RUBRIC_FORMAT_VERSION, RUBRIC_SCHEMA

Criterion = Literal["budget", "authority", "need", "timeline"]
Route = Literal["handoff", "nurture"]

CRITERIA: tuple[Criterion, ...] = ("budget", "authority", "need", "timeline")
"""BANT order: the order of a score's breakdown."""

BASE_CURRENCY = "USD"
"""Budget bands are in this currency; `currency_rates` say what one unit of another is worth."""

# Rule ids the code gives; band ids in the file must not take them.
RESERVED_RULE_IDS = frozenset({"none", "unknown", "not_answered", "unknown_currency", "later"})


@dataclass(frozen=True)
class Rule:
    """One way to earn points: `id` is the full stable rule id, e.g. ``budget.none``."""

    id: str
    points: int
    label: str


@dataclass(frozen=True)
class BudgetBand:
    """Yearly budgets of at least `min_usd_year` (inclusive) score `rule`."""

    min_usd_year: Decimal
    rule: Rule


@dataclass(frozen=True)
class BudgetRubric:
    max_points: int
    bands: tuple[BudgetBand, ...]  # highest min first; the last one starts at 0
    none: Rule
    unknown: Rule


@dataclass(frozen=True)
class TimelineBand:
    """Timelines of at most `max_months` (inclusive) score `rule`."""

    max_months: float
    rule: Rule


@dataclass(frozen=True)
class TimelineRubric:
    max_points: int
    bands: tuple[TimelineBand, ...]  # shortest max_months first
    later: Rule  # longer than the last band
    none: Rule
    unknown: Rule


@dataclass(frozen=True)
class LevelRubric:
    """A criterion answered by a level (authority, need): one rule per level."""

    max_points: int
    levels: Mapping[str, Rule]

    def rule(self, level: str) -> Rule:
        return self.levels.get(level, self.levels["unknown"])


@dataclass(frozen=True)
class GradeBand:
    grade: str
    min_score: int


@dataclass(frozen=True)
class Rubric:
    rubric_version: int
    default_currency: str
    currency_rates: Mapping[str, Decimal]  # USD for one unit of the currency
    budget: BudgetRubric
    authority: LevelRubric
    need: LevelRubric
    timeline: TimelineRubric
    grades: tuple[GradeBand, ...]  # highest min_score first; the last one starts at 0
    handoff_min_score: int

    def max_points(self, criterion: Criterion) -> int:
        part: BudgetRubric | LevelRubric | TimelineRubric = getattr(self, criterion)
        return part.max_points

    def usd_rate(self, currency: str | None) -> Decimal | None:
        """USD for one unit of `currency` (None: the default currency); None if no rate."""
        code = (currency or self.default_currency).strip().upper()
        if code == BASE_CURRENCY:
            return self.currency_rates.get(code, Decimal(1))
        return self.currency_rates.get(code)

    def grade_for(self, total: int) -> str:
        for band in self.grades:
            if total >= band.min_score:
                return band.grade
        return self.grades[-1].grade

    def route_for(self, total: int) -> Route:
        return "handoff" if total >= self.handoff_min_score else "nurture"

    @classmethod
    def from_config(cls, data: Mapping[str, Any]) -> Rubric:
        """Build from data that passed the schema and `check_rubric` (see `load_rubric`)."""
        criteria = data["criteria"]

        def rule(criterion: str, rule_id: str, spec: Mapping[str, Any]) -> Rule:
            return Rule(f"{criterion}.{rule_id}", int(spec["points"]), str(spec["label"]))

        def levels(criterion: str, names: tuple[str, ...]) -> LevelRubric:
            spec = criteria[criterion]
            return LevelRubric(
                max_points=int(spec["max_points"]),
                levels=MappingProxyType({n: rule(criterion, n, spec[n]) for n in names}),
            )

        budget = criteria["budget"]
        timeline = criteria["timeline"]
        return cls(
            rubric_version=int(data["rubric_version"]),
            default_currency=str(data["default_currency"]),
            currency_rates=MappingProxyType(
                {code: _decimal(rate) for code, rate in data["currency_rates"].items()}
            ),
            budget=BudgetRubric(
                max_points=int(budget["max_points"]),
                bands=tuple(
                    BudgetBand(_decimal(band["min"]), rule("budget", band["id"], band))
                    for band in budget["bands"]
                ),
                none=rule("budget", "none", budget["none"]),
                unknown=rule("budget", "unknown", budget["unknown"]),
            ),
            authority=levels("authority", ("decision_maker", "influencer", "none", "unknown")),
            need=levels("need", ("concrete", "vague", "none", "unknown")),
            timeline=TimelineRubric(
                max_points=int(timeline["max_points"]),
                bands=tuple(
                    TimelineBand(float(band["max_months"]), rule("timeline", band["id"], band))
                    for band in timeline["bands"]
                ),
                later=rule("timeline", "later", timeline["later"]),
                none=rule("timeline", "none", timeline["none"]),
                unknown=rule("timeline", "unknown", timeline["unknown"]),
            ),
            grades=tuple(GradeBand(str(g["grade"]), int(g["min_score"])) for g in data["grades"]),
            handoff_min_score=int(data["routing"]["handoff_min_score"]),
        )


def load_rubric(path: Path) -> Rubric:
    """Read and check scoring.yml; raises `bot.configfile.ConfigError` naming file and line."""
    data = load_yaml_config(
        path, RUBRIC_SCHEMA, expected_version=RUBRIC_FORMAT_VERSION, check=check_rubric
    )
    return Rubric.from_config(data)


def _decimal(value: Any) -> Decimal:
    # via str: 1.08 (a float in YAML) becomes Decimal("1.08"), not its binary expansion
    return Decimal(str(value))


# --- rules across values -------------------------------------------------------------------


def check_rubric(data: Mapping[str, Any]) -> None:
    """Raise `ConfigProblem` for the first rule the (schema-valid) data breaks."""
    _check_currencies(data)
    criteria = data["criteria"]
    for criterion in CRITERIA:
        _check_points_within_max(criterion, criteria[criterion])
    _check_budget(criteria["budget"])
    _check_timeline(criteria["timeline"])
    _check_levels("authority", criteria["authority"], ("decision_maker", "influencer", "none"))
    _check_levels("need", criteria["need"], ("concrete", "vague", "none"))
    total = sum(int(criteria[c]["max_points"]) for c in CRITERIA)
    if total != 100:
        parts = " + ".join(f"{c} {criteria[c]['max_points']}" for c in CRITERIA)
        raise ConfigProblem(
            ("criteria",), f"max_points add up to {total} ({parts}); they must add up to 100"
        )
    _check_grades(data["grades"])


def _check_currencies(data: Mapping[str, Any]) -> None:
    rates = data["currency_rates"]
    usd = rates.get(BASE_CURRENCY)
    if usd is not None and _decimal(usd) != 1:
        raise ConfigProblem(
            ("currency_rates", BASE_CURRENCY),
            f"must be 1: rates say how many {BASE_CURRENCY} one unit of a currency is worth",
        )
    default = data["default_currency"]
    if default != BASE_CURRENCY and default not in rates:
        raise ConfigProblem(
            ("default_currency",), f"{default} has no rate: add it under currency_rates"
        )


def _rules(spec: Mapping[str, Any]) -> list[tuple[tuple[str | int, ...], int]]:
    """(key path inside the criterion, points) of every rule of one criterion."""
    found: list[tuple[tuple[str | int, ...], int]] = []
    for i, band in enumerate(spec.get("bands", [])):
        found.append((("bands", i, "points"), int(band["points"])))
    for key, value in spec.items():
        if isinstance(value, Mapping) and "points" in value:
            found.append(((key, "points"), int(value["points"])))
    return found


def _check_points_within_max(criterion: str, spec: Mapping[str, Any]) -> None:
    max_points = int(spec["max_points"])
    rules = _rules(spec)
    for where, points in rules:
        if points > max_points:
            raise ConfigProblem(
                ("criteria", criterion, *where),
                f"{points} is more than this criterion's max_points ({max_points})",
            )
    if max(points for _, points in rules) != max_points:
        raise ConfigProblem(
            ("criteria", criterion, "max_points"),
            f"no answer gets {max_points} points: give the best answer max_points, "
            "or lower max_points",
        )


def _check_budget(spec: Mapping[str, Any]) -> None:
    bands = spec["bands"]
    _check_band_ids("budget", bands)
    for i in range(1, len(bands)):
        prev, band = bands[i - 1], bands[i]
        if band["min"] >= prev["min"]:
            raise ConfigProblem(
                ("criteria", "budget", "bands", i, "min"),
                f"{band['min']} is not below the band before it ({prev['min']}): "
                "list bands from the highest min down, each min once",
            )
        if band["points"] > prev["points"]:
            raise ConfigProblem(
                ("criteria", "budget", "bands", i, "points"),
                f"{band['points']} is more than the larger budget band before it "
                f"({prev['points']}): a larger budget must not score lower",
            )
    if bands[-1]["min"] != 0:
        raise ConfigProblem(
            ("criteria", "budget", "bands", len(bands) - 1, "min"),
            f"the last band must start at 0 (not {bands[-1]['min']}) so every amount has a band",
        )
    _check_not_above(("criteria", "budget", "none"), spec["none"], bands[-1], "the lowest band")
    _check_not_above(("criteria", "budget", "none"), spec["none"], spec["unknown"], "unknown")


def _check_timeline(spec: Mapping[str, Any]) -> None:
    bands = spec["bands"]
    _check_band_ids("timeline", bands)
    for i in range(1, len(bands)):
        prev, band = bands[i - 1], bands[i]
        if band["max_months"] <= prev["max_months"]:
            raise ConfigProblem(
                ("criteria", "timeline", "bands", i, "max_months"),
                f"{band['max_months']} is not above the band before it ({prev['max_months']}): "
                "list bands from the shortest max_months up, each once",
            )
        if band["points"] > prev["points"]:
            raise ConfigProblem(
                ("criteria", "timeline", "bands", i, "points"),
                f"{band['points']} is more than the sooner band before it "
                f"({prev['points']}): a longer timeline must not score higher",
            )
    _check_not_above(("criteria", "timeline", "later"), spec["later"], bands[-1], "the last band")
    _check_not_above(("criteria", "timeline", "none"), spec["none"], spec["later"], "later")
    _check_not_above(("criteria", "timeline", "none"), spec["none"], spec["unknown"], "unknown")


def _check_levels(criterion: str, spec: Mapping[str, Any], best_first: tuple[str, ...]) -> None:
    for better, worse in itertools.pairwise(best_first):
        _check_not_above(("criteria", criterion, worse), spec[worse], spec[better], better)
    _check_not_above(("criteria", criterion, "none"), spec["none"], spec["unknown"], "unknown")


def _check_not_above(
    where: tuple[str | int, ...], rule: Mapping[str, Any], other: Mapping[str, Any], name: str
) -> None:
    if rule["points"] > other["points"]:
        raise ConfigProblem(
            (*where, "points"),
            f"{rule['points']} is more than {name} ({other['points']}): "
            "a worse answer must not score higher",
        )


def _check_band_ids(criterion: str, bands: list[Mapping[str, Any]]) -> None:
    seen: set[str] = set()
    for i, band in enumerate(bands):
        band_id = band["id"]
        if band_id in RESERVED_RULE_IDS:
            raise ConfigProblem(
                ("criteria", criterion, "bands", i, "id"),
                f"{band_id!r} is reserved ({', '.join(sorted(RESERVED_RULE_IDS))}); "
                "pick another id",
            )
        if band_id in seen:
            raise ConfigProblem(
                ("criteria", criterion, "bands", i, "id"), f"{band_id!r} is used twice"
            )
        seen.add(band_id)


def _check_grades(grades: list[Mapping[str, Any]]) -> None:
    seen: set[str] = set()
    for i, band in enumerate(grades):
        if band["grade"] in seen:
            raise ConfigProblem(("grades", i, "grade"), f"{band['grade']!r} is listed twice")
        seen.add(band["grade"])
        if i and band["min_score"] >= grades[i - 1]["min_score"]:
            raise ConfigProblem(
                ("grades", i, "min_score"),
                f"{band['min_score']} is not below the grade before it "
                f"({grades[i - 1]['min_score']}): list grades from the highest min_score down",
            )
    if grades[-1]["min_score"] != 0:
        raise ConfigProblem(
            ("grades", len(grades) - 1, "min_score"),
            "the last grade must start at 0 so every score has a grade",
        )
