"""Every band of the shipped rubric, its exact boundaries, grades, routes and the breakdown."""

from __future__ import annotations

from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

import pytest

from bot.facts import Authority, AuthorityLevel, Budget, Need, NeedLevel, Period, Timeline
from bot.scoring import Rubric, Score, score_lead


def budget(
    amount: str | None,
    period: Period | None = "year",
    currency: str | None = "USD",
    *,
    raw: str = "budget words",
    amount_max: str | None = None,
) -> Budget:
    return Budget(
        raw=raw,
        status="amount",
        amount=None if amount is None else Decimal(amount),
        amount_max=None if amount_max is None else Decimal(amount_max),
        currency=currency,
        period=period,
    )


def months(value: float, raw: str = "timeline words") -> Timeline:
    return Timeline(raw=raw, status="date", months=value)


def authority(level: AuthorityLevel, raw: str = "authority words") -> Authority:
    return Authority(raw=raw, level=level)


def need(level: NeedLevel, raw: str = "need words") -> Need:
    return Need(raw=raw, level=level)


def score(
    rubric: Rubric,
    b: Budget | None = None,
    a: Authority | None = None,
    n: Need | None = None,
    t: Timeline | None = None,
) -> Score:
    return score_lead(rubric, b, a, n, t)


# --- budget -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fact", "rule", "points"),
    [
        (budget("60000"), "budget.at_least_10000_usd_year", 25),
        (budget("10000"), "budget.at_least_10000_usd_year", 25),
        (budget("9999.99"), "budget.at_least_1000_usd_year", 12),
        (budget("1000"), "budget.at_least_1000_usd_year", 12),
        (budget("999.99"), "budget.under_1000_usd_year", 3),
        (budget("0.01"), "budget.under_1000_usd_year", 3),
        (budget("0"), "budget.none", 0),
        (Budget(raw="no budget", status="none", amount=Decimal(0)), "budget.none", 0),
        (Budget(raw="not sure", status="unknown"), "budget.unknown", 5),
        (budget(None), "budget.unknown", 5),
        (budget("-100"), "budget.unknown", 5),
        # monthly amounts count x12: 833.33 x 12 = 9,999.96; 833.34 x 12 = 10,000.08
        (budget("833.33", "month"), "budget.at_least_1000_usd_year", 12),
        (budget("833.34", "month"), "budget.at_least_10000_usd_year", 25),
        (budget("83.33", "month"), "budget.under_1000_usd_year", 3),
        (budget("83.34", "month"), "budget.at_least_1000_usd_year", 12),
        # no period and one-off amounts count as the total for a year
        (budget("10000", None), "budget.at_least_10000_usd_year", 25),
        (budget("9999.99", None), "budget.at_least_1000_usd_year", 12),
        (budget("10000", "one_time"), "budget.at_least_10000_usd_year", 25),
        (budget("9999.99", "one_time"), "budget.at_least_1000_usd_year", 12),
        # no currency: default_currency (USD); codes are read case-insensitively
        (budget("10000", currency=None), "budget.at_least_10000_usd_year", 25),
        (budget("10000", currency="usd"), "budget.at_least_10000_usd_year", 25),
        # a range counts by its low end
        (budget("5000", amount_max="20000"), "budget.at_least_1000_usd_year", 12),
        # 1,000,000 INR at 0.012 = 12,000 USD
        (budget("1000000", currency="INR"), "budget.at_least_10000_usd_year", 25),
        (budget("10000", currency="XYZ"), "budget.unknown_currency", 5),
        (budget("0", currency="XYZ"), "budget.none", 0),
    ],
)
def test_budget_bands(rubric: Rubric, fact: Budget, rule: str, points: int) -> None:
    part = score(rubric, b=fact).criterion("budget")
    assert (part.rule, part.points, part.max_points) == (rule, points, 25)


def _cents(value: Decimal, rounding: str) -> Decimal:
    return value.quantize(Decimal("0.01"), rounding=rounding)


@pytest.mark.parametrize("currency", ["EUR", "GBP", "CHF", "CAD", "AUD", "INR"])
@pytest.mark.parametrize("period", ["year", "month"])
def test_converted_budgets_land_either_side_of_10000_usd(
    rubric: Rubric, currency: str, period: Period
) -> None:
    rate = rubric.currency_rates[currency]
    per_year = 12 if period == "month" else 1
    threshold = Decimal(10000) / rate / per_year
    just_above = _cents(threshold, ROUND_CEILING)
    just_below = _cents(threshold, ROUND_FLOOR)
    if just_below * rate * per_year >= 10000:  # threshold is a whole number of cents
        just_below -= Decimal("0.01")

    above = score(rubric, b=budget(str(just_above), period, currency)).criterion("budget")
    below = score(rubric, b=budget(str(just_below), period, currency)).criterion("budget")

    assert above.rule == "budget.at_least_10000_usd_year"
    assert below.rule == "budget.at_least_1000_usd_year"


def test_eur_uses_the_rate_from_the_file(rubric: Rubric) -> None:
    assert rubric.currency_rates["EUR"] == Decimal("1.08")
    # 9,259.26 EUR x 1.08 = 10,000.0008 USD; 9,259.25 EUR x 1.08 = 9,999.99 USD
    high = score(rubric, b=budget("9259.26", currency="EUR")).criterion("budget")
    low = score(rubric, b=budget("9259.25", currency="EUR")).criterion("budget")
    assert (high.points, low.points) == (25, 12)


# --- timeline -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fact", "rule", "points"),
    [
        (months(0), "timeline.within_3_months", 25),
        (months(3), "timeline.within_3_months", 25),
        (months(3.01), "timeline.within_6_months", 15),
        (months(6), "timeline.within_6_months", 15),
        (months(6.01), "timeline.within_12_months", 8),
        (months(12), "timeline.within_12_months", 8),
        (months(12.01), "timeline.later", 0),
        (months(36), "timeline.later", 0),
        (months(float("inf")), "timeline.later", 0),
        (months(float("nan")), "timeline.unknown", 4),
        (Timeline(raw="no plans", status="none"), "timeline.none", 0),
        (Timeline(raw="not sure", status="unknown"), "timeline.unknown", 4),
        (Timeline(raw="soonish", status="date", months=None), "timeline.unknown", 4),
    ],
)
def test_timeline_bands(rubric: Rubric, fact: Timeline, rule: str, points: int) -> None:
    part = score(rubric, t=fact).criterion("timeline")
    assert (part.rule, part.points, part.max_points) == (rule, points, 25)


# --- authority and need -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("level", "points"),
    [("decision_maker", 25), ("influencer", 12), ("none", 0), ("unknown", 5)],
)
def test_authority_levels(rubric: Rubric, level: AuthorityLevel, points: int) -> None:
    part = score(rubric, a=authority(level)).criterion("authority")
    assert (part.rule, part.points, part.max_points) == (f"authority.{level}", points, 25)


@pytest.mark.parametrize(
    ("level", "points"),
    [("concrete", 25), ("vague", 10), ("none", 0), ("unknown", 5)],
)
def test_need_levels(rubric: Rubric, level: NeedLevel, points: int) -> None:
    part = score(rubric, n=need(level)).criterion("need")
    assert (part.rule, part.points, part.max_points) == (f"need.{level}", points, 25)


# --- missing criteria ---------------------------------------------------------------------


def test_unanswered_criteria_score_like_unknown(rubric: Rubric) -> None:
    result = score(rubric)

    assert [(p.criterion, p.rule, p.points, p.evidence) for p in result.breakdown] == [
        ("budget", "budget.not_answered", 5, None),
        ("authority", "authority.not_answered", 5, None),
        ("need", "need.not_answered", 5, None),
        ("timeline", "timeline.not_answered", 4, None),
    ]
    unknown = score(
        rubric,
        Budget(raw="not sure", status="unknown"),
        authority("unknown"),
        need("unknown"),
        Timeline(raw="not sure", status="unknown"),
    )
    assert result.total == unknown.total == 19
    assert (result.grade, result.route) == ("D", "nurture")


def test_a_lead_that_left_half_way(rubric: Rubric) -> None:
    result = score(rubric, budget("60000"), authority("decision_maker"))
    assert result.total == 25 + 25 + 5 + 4
    assert result.criterion("need").rule == "need.not_answered"
    assert result.criterion("timeline").rule == "timeline.not_answered"


# --- totals, grades and routes ------------------------------------------------------------

UNKNOWN_BUDGET = Budget(raw="not sure", status="unknown")
UNKNOWN_TIMELINE = Timeline(raw="not sure", status="unknown")


@pytest.mark.parametrize(
    ("facts", "total", "grade", "route"),
    [
        pytest.param(
            (budget("10000"), authority("decision_maker"), need("concrete"), months(3)),
            100,
            "A",
            "handoff",
            id="100",
        ),
        pytest.param(
            (UNKNOWN_BUDGET, authority("decision_maker"), need("concrete"), months(1)),
            80,
            "A",
            "handoff",
            id="80-A-edge",
        ),
        pytest.param(
            (budget("10000"), authority("decision_maker"), need("concrete"), UNKNOWN_TIMELINE),
            79,
            "B",
            "handoff",
            id="79",
        ),
        pytest.param(
            (budget("10000"), authority("decision_maker"), need("vague"), months(13)),
            60,
            "B",
            "handoff",
            id="60-handoff-edge",
        ),
        pytest.param(
            (budget("10000"), authority("decision_maker"), need("unknown"), UNKNOWN_TIMELINE),
            59,
            "C",
            "nurture",
            id="59",
        ),
        pytest.param(
            (budget("10000"), authority("none"), need("vague"), months(13)),
            35,
            "C",
            "nurture",
            id="35-C-edge",
        ),
        pytest.param(
            (budget("10000"), authority("unknown"), need("none"), UNKNOWN_TIMELINE),
            34,
            "D",
            "nurture",
            id="34",
        ),
        pytest.param(
            (
                Budget(raw="none", status="none"),
                authority("none"),
                need("none"),
                Timeline(raw="no plans", status="none"),
            ),
            0,
            "D",
            "nurture",
            id="0",
        ),
    ],
)
def test_totals_grades_and_routes(
    rubric: Rubric,
    facts: tuple[Budget, Authority, Need, Timeline],
    total: int,
    grade: str,
    route: str,
) -> None:
    result = score_lead(rubric, *facts)
    assert (result.total, result.grade, result.route) == (total, grade, route)


@pytest.mark.parametrize(
    ("total", "grade"),
    [(100, "A"), (80, "A"), (79, "B"), (60, "B"), (59, "C"), (35, "C"), (34, "D"), (0, "D")],
)
def test_grade_edges(rubric: Rubric, total: int, grade: str) -> None:
    assert rubric.grade_for(total) == grade


@pytest.mark.parametrize(
    ("total", "route"), [(100, "handoff"), (60, "handoff"), (59, "nurture"), (0, "nurture")]
)
def test_route_edges(rubric: Rubric, total: int, route: str) -> None:
    assert rubric.route_for(total) == route


# --- breakdown, evidence, explanation -----------------------------------------------------


def test_breakdown_quotes_the_visitors_words(rubric: Rubric) -> None:
    result = score(
        rubric,
        budget("60000", raw="about $60k a year"),
        authority("influencer", raw="  I'm the CTO's right hand  "),
        need("concrete", raw="we lose leads\nevery night"),
        None,
    )

    assert [p.evidence for p in result.breakdown] == [
        "about $60k a year",
        "I'm the CTO's right hand",
        "we lose leads\nevery night",
        None,
    ]
    assert result.explain().splitlines() == [
        "Score 66/100, grade B, handoff",
        "Budget 25/25: said 'about $60k a year' (>= 10,000 USD a year)",
        "Authority 12/25: said 'I'm the CTO's right hand' (influences the decision)",
        "Need 25/25: said 'we lose leads every night' (a concrete problem to solve)",
        "Timeline 4/25: not answered",
    ]
    assert str(result) == result.explain()


def test_empty_raw_text_is_no_evidence(rubric: Rubric) -> None:
    part = score(rubric, t=Timeline(raw="  ", status="none")).criterion("timeline")
    assert part.evidence is None
    assert part.explain() == "Timeline 0/25: no plans"


def test_long_evidence_is_shortened_only_in_the_explanation(rubric: Rubric) -> None:
    words = "we need a bot " * 20
    part = score(rubric, n=need("concrete", raw=words)).criterion("need")
    assert part.evidence == words.strip()
    line = part.explain()
    assert line.startswith("Need 25/25: said 'we need a bot")
    assert "…' (a concrete problem to solve)" in line
    assert len(line) < 140


def test_unknown_currency_explains_itself(rubric: Rubric) -> None:
    part = score(rubric, b=budget("5000", currency="ZZZ", raw="5000 zorkmids")).criterion("budget")
    assert part.explain() == "Budget 5/25: said '5000 zorkmids' (no rate for ZZZ in the rubric)"


def test_to_dict_is_the_leads_api_shape(rubric: Rubric) -> None:
    result = score(
        rubric,
        budget("60000", raw="about $60k a year"),
        authority("decision_maker", raw="I sign"),
        need("vague", raw="something for leads"),
        months(2, raw="next month or two"),
    )

    assert result.to_dict() == {
        "score": 85,
        "grade": "A",
        "route": "handoff",
        "rubric_version": 1,
        "breakdown": [
            {
                "criterion": "budget",
                "points": 25,
                "max": 25,
                "rule": "budget.at_least_10000_usd_year",
                "label": ">= 10,000 USD a year",
                "evidence": "about $60k a year",
            },
            {
                "criterion": "authority",
                "points": 25,
                "max": 25,
                "rule": "authority.decision_maker",
                "label": "decides on the purchase",
                "evidence": "I sign",
            },
            {
                "criterion": "need",
                "points": 10,
                "max": 25,
                "rule": "need.vague",
                "label": "a vague need",
                "evidence": "something for leads",
            },
            {
                "criterion": "timeline",
                "points": 25,
                "max": 25,
                "rule": "timeline.within_3_months",
                "label": "within 3 months",
                "evidence": "next month or two",
            },
        ],
    }


# --- weakest criterion --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("facts", "weakest"),
    [
        # all full: the tie goes to need first
        ((budget("10000"), authority("decision_maker"), need("concrete"), months(1)), "need"),
        # all unanswered: need 5/25, budget 5/25, authority 5/25, timeline 4/25
        ((None, None, None, None), "timeline"),
        ((budget("500"), authority("decision_maker"), need("concrete"), months(1)), "budget"),
        ((budget("10000"), authority("none"), need("concrete"), months(1)), "authority"),
        # budget and timeline both 0: budget comes before timeline
        (
            (
                Budget(raw="none", status="none"),
                authority("none"),
                need("concrete"),
                Timeline(raw="no", status="none"),
            ),
            "budget",
        ),
        # timeline and authority both 0: timeline before authority
        ((budget("10000"), authority("none"), need("concrete"), months(24)), "timeline"),
        ((budget("10000"), authority("decision_maker"), need("vague"), months(5)), "need"),
    ],
)
def test_weakest_criterion(
    rubric: Rubric,
    facts: tuple[Budget | None, Authority | None, Need | None, Timeline | None],
    weakest: str,
) -> None:
    assert score_lead(rubric, *facts).weakest == weakest
