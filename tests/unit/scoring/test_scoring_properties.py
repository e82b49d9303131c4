"""Properties of scoring with the shipped rubric, for any facts.

Monotonic: making one criterion's fact better (a larger yearly budget, a shorter timeline, a
higher authority level, a more concrete need) never lowers the total, whatever the other
three facts are. "Not sure" (unknown) is not a point on those scales; it only has to score
no lower than a plain "none".
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from bot.facts import Authority, AuthorityLevel, Budget, Need, NeedLevel, Period, Timeline
from bot.scoring import Rubric, load_rubric, score_lead

RUBRIC: Rubric = load_rubric(Path(__file__).resolve().parents[3] / "scoring.yml")

AUTHORITY_ORDER: list[AuthorityLevel] = ["none", "influencer", "decision_maker"]
NEED_ORDER: list[NeedLevel] = ["none", "vague", "concrete"]
PERIODS: list[Period | None] = ["year", "month", "one_time", None]

amounts = st.decimals(min_value=0, max_value=10**8, places=2, allow_nan=False)
currencies = st.sampled_from([None, *RUBRIC.currency_rates])

budget_amounts = st.builds(
    lambda amount, currency, period: Budget(
        raw=f"{amount} {currency}", status="amount", amount=amount, currency=currency, period=period
    ),
    amounts,
    currencies,
    st.sampled_from(PERIODS),
)
budgets = st.one_of(
    st.none(),
    budget_amounts,
    st.sampled_from(
        [Budget(raw="no budget", status="none"), Budget(raw="not sure", status="unknown")]
    ),
)
month_values = st.floats(min_value=0, max_value=120, allow_nan=False)
timeline_dates = st.builds(
    lambda m: Timeline(raw=f"{m} months", status="date", months=m), month_values
)
timelines = st.one_of(
    st.none(),
    timeline_dates,
    st.sampled_from(
        [Timeline(raw="no plans", status="none"), Timeline(raw="not sure", status="unknown")]
    ),
)
authorities = st.one_of(
    st.none(),
    st.builds(Authority, raw=st.just("role"), level=st.sampled_from([*AUTHORITY_ORDER, "unknown"])),
)
needs = st.one_of(
    st.none(),
    st.builds(Need, raw=st.just("need"), level=st.sampled_from([*NEED_ORDER, "unknown"])),
)


def yearly_usd(budget: Budget) -> Decimal:
    """The test's own reading of the rubric: amount x12 if monthly, x the currency's rate."""
    assert budget.amount is not None
    rate = RUBRIC.currency_rates[budget.currency or RUBRIC.default_currency]
    return budget.amount * (12 if budget.period == "month" else 1) * rate


@given(budget_amounts, budget_amounts, authorities, needs, timelines)
def test_a_larger_yearly_budget_never_lowers_the_total(
    b1: Budget, b2: Budget, a: Authority | None, n: Need | None, t: Timeline | None
) -> None:
    low, high = sorted([b1, b2], key=yearly_usd)
    assert score_lead(RUBRIC, high, a, n, t).total >= score_lead(RUBRIC, low, a, n, t).total


@given(budget_amounts, authorities, needs, timelines)
def test_no_budget_is_the_bottom_of_the_budget_scale(
    b: Budget, a: Authority | None, n: Need | None, t: Timeline | None
) -> None:
    none = score_lead(RUBRIC, Budget(raw="no", status="none"), a, n, t).total
    unknown = score_lead(RUBRIC, Budget(raw="?", status="unknown"), a, n, t).total
    assert none <= score_lead(RUBRIC, b, a, n, t).total
    assert none <= unknown


@given(month_values, month_values, budgets, authorities, needs)
def test_a_shorter_timeline_never_lowers_the_total(
    m1: float, m2: float, b: Budget | None, a: Authority | None, n: Need | None
) -> None:
    sooner, later = sorted([m1, m2])
    assert (
        score_lead(RUBRIC, b, a, n, Timeline(raw="", status="date", months=sooner)).total
        >= score_lead(RUBRIC, b, a, n, Timeline(raw="", status="date", months=later)).total
    )


@given(timeline_dates, budgets, authorities, needs)
def test_no_plans_is_the_bottom_of_the_timeline_scale(
    t: Timeline, b: Budget | None, a: Authority | None, n: Need | None
) -> None:
    none = score_lead(RUBRIC, b, a, n, Timeline(raw="no", status="none")).total
    unknown = score_lead(RUBRIC, b, a, n, Timeline(raw="?", status="unknown")).total
    assert none <= score_lead(RUBRIC, b, a, n, t).total
    assert none <= unknown


@given(budgets, needs, timelines)
def test_a_higher_authority_level_never_lowers_the_total(
    b: Budget | None, n: Need | None, t: Timeline | None
) -> None:
    totals = [
        score_lead(RUBRIC, b, Authority(raw="", level=level), n, t).total
        for level in AUTHORITY_ORDER
    ]
    assert totals == sorted(totals)
    unknown = score_lead(RUBRIC, b, Authority(raw="", level="unknown"), n, t).total
    assert totals[0] <= unknown


@given(budgets, authorities, timelines)
def test_a_more_concrete_need_never_lowers_the_total(
    b: Budget | None, a: Authority | None, t: Timeline | None
) -> None:
    totals = [score_lead(RUBRIC, b, a, Need(raw="", level=level), t).total for level in NEED_ORDER]
    assert totals == sorted(totals)
    unknown = score_lead(RUBRIC, b, a, Need(raw="", level="unknown"), t).total
    assert totals[0] <= unknown


@given(budgets, authorities, needs, timelines)
def test_score_invariants(
    b: Budget | None, a: Authority | None, n: Need | None, t: Timeline | None
) -> None:
    result = score_lead(RUBRIC, b, a, n, t)

    assert 0 <= result.total <= 100
    assert result.total == sum(part.points for part in result.breakdown)
    assert [part.criterion for part in result.breakdown] == [
        "budget",
        "authority",
        "need",
        "timeline",
    ]
    assert all(0 <= part.points <= part.max_points for part in result.breakdown)
    assert result.grade == RUBRIC.grade_for(result.total)
    assert result.route == ("handoff" if result.total >= 60 else "nurture")
    weakest = result.criterion(result.weakest)
    assert all(weakest.ratio <= part.ratio for part in result.breakdown)
    assert result.to_dict()["score"] == result.total
