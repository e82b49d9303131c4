"""Score a lead's BANT facts with a rubric: total, grade, route and a readable breakdown.

Pure: no I/O, no clock. Every criterion's line says which rule gave the points and quotes
the visitor's own words (`fact.raw`), so a rep can see why a lead scored what it did::

    Budget 25/25: said 'about $60k a year' (>= 10,000 USD a year)
    Timeline 4/25: not answered
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

from bot.facts import Authority, Budget, Need, Timeline
from bot.scoring.rubric import Criterion, Route, Rubric, Rule

CRITERION_NAMES: dict[Criterion, str] = {
    "budget": "Budget",
    "authority": "Authority",
    "need": "Need",
    "timeline": "Timeline",
}

WEAKEST_TIE_ORDER: tuple[Criterion, ...] = ("need", "budget", "timeline", "authority")
"""When criteria are equally weak, the first of these is the weakest (nurture picks by it)."""

NOT_ANSWERED_LABEL = "not answered"
_EVIDENCE_WIDTH = 80


@dataclass(frozen=True)
class CriterionScore:
    """Points for one criterion, the rule that gave them and the visitor's words."""

    criterion: Criterion
    points: int
    max_points: int
    rule: str  # stable machine id, e.g. "budget.at_least_10000_usd_year"
    label: str  # for people, e.g. ">= 10,000 USD a year"
    evidence: str | None  # the visitor's own words, None if not answered

    @property
    def ratio(self) -> Fraction:
        """Share of the criterion's points earned; a criterion worth nothing counts as full."""
        return Fraction(self.points, self.max_points) if self.max_points else Fraction(1)

    def explain(self) -> str:
        head = f"{CRITERION_NAMES[self.criterion]} {self.points}/{self.max_points}: "
        if self.evidence is None:
            return head + self.label
        return head + f"said {_quote(self.evidence)} ({self.label})"

    def to_dict(self) -> dict[str, Any]:
        return {
            "criterion": self.criterion,
            "points": self.points,
            "max": self.max_points,
            "rule": self.rule,
            "label": self.label,
            "evidence": self.evidence,
        }


@dataclass(frozen=True)
class Score:
    total: int  # 0-100
    grade: str
    route: Route
    rubric_version: int  # the rubric's edition, stored with the score
    breakdown: tuple[CriterionScore, ...]  # one per criterion, in BANT order

    @property
    def weakest(self) -> Criterion:
        """The criterion with the lowest share of its points (ties: WEAKEST_TIE_ORDER)."""
        by_name = {part.criterion: part for part in self.breakdown}
        return min(WEAKEST_TIE_ORDER, key=lambda name: by_name[name].ratio)

    def criterion(self, name: Criterion) -> CriterionScore:
        for part in self.breakdown:
            if part.criterion == name:
                return part
        raise KeyError(name)

    def explain(self) -> str:
        head = f"Score {self.total}/100, grade {self.grade}, {self.route}"
        return "\n".join([head, *(part.explain() for part in self.breakdown)])

    def __str__(self) -> str:
        return self.explain()

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready, as the leads API and the score history store it."""
        return {
            "score": self.total,
            "grade": self.grade,
            "route": self.route,
            "rubric_version": self.rubric_version,
            "breakdown": [part.to_dict() for part in self.breakdown],
        }


def score_lead(
    rubric: Rubric,
    budget: Budget | None,
    authority: Authority | None,
    need: Need | None,
    timeline: Timeline | None,
) -> Score:
    """Score the facts; None for a criterion the visitor never answered (scored as unknown)."""
    parts = (
        _budget(rubric, budget),
        _level(rubric, "authority", authority),
        _level(rubric, "need", need),
        _timeline(rubric, timeline),
    )
    total = sum(part.points for part in parts)
    return Score(
        total=total,
        grade=rubric.grade_for(total),
        route=rubric.route_for(total),
        rubric_version=rubric.rubric_version,
        breakdown=parts,
    )


def yearly_usd(rubric: Rubric, budget: Budget) -> Decimal | None:
    """The budget's amount per year in USD, or None when there is no amount or no rate.

    The low end of a range counts; a monthly amount x12; one-off or no period: as is.
    """
    if budget.amount is None:
        return None
    rate = rubric.usd_rate(budget.currency)
    if rate is None:
        return None
    per_year = budget.amount * 12 if budget.period == "month" else budget.amount
    return per_year * rate


def _budget(rubric: Rubric, fact: Budget | None) -> CriterionScore:
    part = rubric.budget
    if fact is None:
        return _not_answered(rubric, "budget", part.unknown)
    if fact.status == "none" or (fact.status == "amount" and fact.amount == 0):
        return _scored("budget", part.max_points, part.none, fact.raw)
    if (
        fact.status != "amount"
        or fact.amount is None
        or not fact.amount.is_finite()
        or fact.amount < 0
    ):
        return _scored("budget", part.max_points, part.unknown, fact.raw)
    usd = yearly_usd(rubric, fact)
    if usd is None:
        currency = (fact.currency or rubric.default_currency).strip().upper()
        rule = Rule(
            "budget.unknown_currency",
            part.unknown.points,
            f"no rate for {currency} in the rubric",
        )
        return _scored("budget", part.max_points, rule, fact.raw)
    # The last band starts at 0 (checked when the rubric loads), so a band always matches.
    band = next((b for b in part.bands if usd >= b.min_usd_year), part.bands[-1])
    return _scored("budget", part.max_points, band.rule, fact.raw)


def _timeline(rubric: Rubric, fact: Timeline | None) -> CriterionScore:
    part = rubric.timeline
    if fact is None:
        return _not_answered(rubric, "timeline", part.unknown)
    if fact.status == "none":
        return _scored("timeline", part.max_points, part.none, fact.raw)
    if fact.status != "date" or fact.months is None or math.isnan(fact.months):
        return _scored("timeline", part.max_points, part.unknown, fact.raw)
    for band in part.bands:
        if fact.months <= band.max_months:
            return _scored("timeline", part.max_points, band.rule, fact.raw)
    return _scored("timeline", part.max_points, part.later, fact.raw)


def _level(rubric: Rubric, criterion: Criterion, fact: Authority | Need | None) -> CriterionScore:
    part = rubric.authority if criterion == "authority" else rubric.need
    if fact is None:
        return _not_answered(rubric, criterion, part.rule("unknown"))
    return _scored(criterion, part.max_points, part.rule(fact.level), fact.raw)


def _not_answered(rubric: Rubric, criterion: Criterion, unknown: Rule) -> CriterionScore:
    return CriterionScore(
        criterion=criterion,
        points=unknown.points,
        max_points=rubric.max_points(criterion),
        rule=f"{criterion}.not_answered",
        label=NOT_ANSWERED_LABEL,
        evidence=None,
    )


def _scored(criterion: Criterion, max_points: int, rule: Rule, raw: str) -> CriterionScore:
    return CriterionScore(
        criterion=criterion,
        points=rule.points,
        max_points=max_points,
        rule=rule.id,
        label=rule.label,
        evidence=_evidence(raw),
    )


def _evidence(raw: str) -> str | None:
    text = raw.strip()
    return text or None


def _quote(text: str) -> str:
    text = " ".join(text.split())  # one line, whatever the visitor typed
    if len(text) > _EVIDENCE_WIDTH:
        text = text[: _EVIDENCE_WIDTH - 1].rstrip() + "…"
    return f"'{text}'"
