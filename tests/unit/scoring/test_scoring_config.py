"""scoring.yml: the shipped file loads; a broken one names the file, the key and the line."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from bot.configfile import ConfigError
from bot.facts import Budget
from bot.scoring import CRITERIA, Rubric, load_rubric, score_lead


def test_the_shipped_rubric_loads(rubric: Rubric) -> None:
    assert rubric.rubric_version == 1
    assert rubric.default_currency == "USD"
    assert {"USD", "EUR", "GBP", "CHF", "CAD", "AUD", "INR"} <= set(rubric.currency_rates)
    assert rubric.currency_rates["USD"] == Decimal(1)
    assert sum(rubric.max_points(c) for c in CRITERIA) == 100
    assert [(g.grade, g.min_score) for g in rubric.grades] == [
        ("A", 80),
        ("B", 60),
        ("C", 35),
        ("D", 0),
    ]
    assert rubric.handoff_min_score == 60


def test_rule_ids_are_stable(rubric: Rubric) -> None:
    """Rule ids are stored with every lead's score history: renaming one is a migration."""
    ids = [
        *(band.rule.id for band in rubric.budget.bands),
        rubric.budget.none.id,
        rubric.budget.unknown.id,
        *(rule.id for rule in rubric.authority.levels.values()),
        *(rule.id for rule in rubric.need.levels.values()),
        *(band.rule.id for band in rubric.timeline.bands),
        rubric.timeline.later.id,
        rubric.timeline.none.id,
        rubric.timeline.unknown.id,
    ]
    assert ids == [
        "budget.at_least_10000_usd_year",
        "budget.at_least_1000_usd_year",
        "budget.under_1000_usd_year",
        "budget.none",
        "budget.unknown",
        "authority.decision_maker",
        "authority.influencer",
        "authority.none",
        "authority.unknown",
        "need.concrete",
        "need.vague",
        "need.none",
        "need.unknown",
        "timeline.within_3_months",
        "timeline.within_6_months",
        "timeline.within_12_months",
        "timeline.later",
        "timeline.none",
        "timeline.unknown",
    ]


# Each case edits the shipped file once: (old text, new text, key path, text of the line the
# error must point at, part of the message). The old text must occur exactly once.
BROKEN = [
    pytest.param(
        '        points: 12\n        label: "1,000',
        '        points: twelve\n        label: "1,000',
        "criteria.budget.bands[1].points",
        "points: twelve",
        "'twelve' is not of type 'integer'",
        id="bad-type",
    ),
    pytest.param(
        '        points: 12\n        label: "1,000',
        '        pionts: 12\n        label: "1,000',
        "criteria.budget.bands[1].pionts",
        "pionts: 12",
        "unknown key 'pionts' (did you mean 'points'?)",
        id="unknown-key-typo",
    ),
    pytest.param(
        "  need:\n    max_points",
        "  nead:\n    max_points",
        "criteria.nead",
        "  nead:",
        "unknown key 'nead' (did you mean 'need'?)",
        id="unknown-criterion-typo",
    ),
    pytest.param(
        "    vague:\n      points: 10",
        "    vague:\n      points: -10",
        "criteria.need.vague.points",
        "points: -10",
        "-10 is less than the minimum of 0",
        id="negative-points",
    ),
    pytest.param(
        "        min: 1000\n",
        "        min: -5\n",
        "criteria.budget.bands[1].min",
        "min: -5",
        "-5 is less than the minimum of 0",
        id="negative-band-min",
    ),
    pytest.param(
        "\nversion: 1\n",
        "\n",
        "version",
        None,
        "missing; the file must start with 'version: 1'",
        id="missing-version",
    ),
    pytest.param(
        "\nversion: 1\n",
        "\nversion: 2\n",
        "version",
        "version: 2",
        "unsupported version 2; this Leadbot reads version 1",
        id="unknown-version",
    ),
    pytest.param(
        "  EUR: 1.08",
        "  EUR: [1.08",
        "",
        "  GBP: 1.27",
        "YAML syntax error: expected ',' or ']'",
        id="yaml-syntax-error",
    ),
    pytest.param(
        "  handoff_min_score: 60",
        "  handoff_min_score: 60\n  handoff_min_score: 65",
        "",
        "handoff_min_score: 65",
        'YAML syntax error: found duplicate key "handoff_min_score"',
        id="duplicate-key",
    ),
    pytest.param(
        "        min: 1000\n",
        "        min: 20000\n",
        "criteria.budget.bands[1].min",
        "min: 20000",
        "20000 is not below the band before it (10000)",
        id="budget-bands-out-of-order",
    ),
    pytest.param(
        "        min: 1000\n",
        "        min: 10000\n",
        "criteria.budget.bands[1].min",
        "min: 10000\n        points: 12",
        "10000 is not below the band before it (10000)",
        id="budget-bands-overlap",
    ),
    pytest.param(
        '        points: 12\n        label: "1,000',
        '        points: 2\n        label: "1,000',
        "criteria.budget.bands[2].points",
        "points: 3 # a real",
        "3 is more than the larger budget band before it (2)",
        id="smaller-budget-scores-higher",
    ),
    pytest.param(
        "        min: 0\n",
        "        min: 100\n",
        "criteria.budget.bands[2].min",
        "min: 100\n",
        "the last band must start at 0",
        id="budget-bands-leave-a-gap",
    ),
    pytest.param(
        "        max_months: 6\n",
        "        max_months: 2\n",
        "criteria.timeline.bands[1].max_months",
        "max_months: 2",
        "2 is not above the band before it (3)",
        id="timeline-bands-out-of-order",
    ),
    pytest.param(
        "    later:\n      points: 0",
        "    later:\n      points: 9",
        "criteria.timeline.later.points",
        "points: 9",
        "9 is more than the last band (8)",
        id="later-scores-above-last-band",
    ),
    pytest.param(
        "    influencer:\n      points: 12",
        "    influencer:\n      points: 30",
        "criteria.authority.influencer.points",
        "points: 30",
        "30 is more than this criterion's max_points (25)",
        id="points-above-max",
    ),
    pytest.param(
        "  need:\n    max_points: 25\n    concrete:\n      points: 25",
        "  need:\n    max_points: 20\n    concrete:\n      points: 20",
        "criteria",
        "criteria:",
        "max_points add up to 95 (budget 25 + authority 25 + need 20 + timeline 25); "
        "they must add up to 100",
        id="max-points-not-100",
    ),
    pytest.param(
        "  authority:\n    max_points: 25\n    decision_maker:\n      points: 25",
        "  authority:\n    max_points: 25\n    decision_maker:\n      points: 20",
        "criteria.authority.max_points",
        "max_points: 25\n    decision_maker",
        "no answer gets 25 points",
        id="best-answer-below-max",
    ),
    pytest.param(
        "    min_score: 35",
        "    min_score: 65",
        "grades[2].min_score",
        "min_score: 65",
        "65 is not below the grade before it (60)",
        id="grades-out-of-order",
    ),
    pytest.param(
        "    min_score: 0",
        "    min_score: 10",
        "grades[3].min_score",
        "min_score: 10",
        "the last grade must start at 0",
        id="grades-leave-a-gap",
    ),
    pytest.param(
        "default_currency: USD",
        "default_currency: XYZ",
        "default_currency",
        "default_currency: XYZ",
        "XYZ has no rate",
        id="default-currency-without-rate",
    ),
    pytest.param(
        "  USD: 1\n",
        "  USD: 1.1\n",
        "currency_rates.USD",
        "USD: 1.1",
        "must be 1",
        id="usd-rate-not-1",
    ),
    pytest.param(
        "  EUR: 1.08",
        "  eur: 1.08",
        "currency_rates.eur",
        "eur: 1.08",
        "bad key name",
        id="lower-case-currency",
    ),
    pytest.param(
        "  EUR: 1.08",
        "  EUR: 0",
        "currency_rates.EUR",
        "EUR: 0",
        "0 is less than or equal to the minimum of 0",
        id="zero-rate",
    ),
    pytest.param(
        "      - id: under_1000_usd_year",
        "      - id: unknown",
        "criteria.budget.bands[2].id",
        "id: unknown",
        "'unknown' is reserved",
        id="reserved-band-id",
    ),
    pytest.param(
        "      - id: within_6_months",
        "      - id: within_3_months",
        "criteria.timeline.bands[1].id",
        "id: within_3_months\n        max_months: 6",
        "'within_3_months' is used twice",
        id="duplicate-band-id",
    ),
    pytest.param(
        "    unknown:\n      points: 5\n      label: need not known",
        "    unknown:\n      points: 5\n      label: need not known\n    maybe:\n      points: 1",
        "criteria.need.maybe",
        "    maybe:",
        "unknown key 'maybe'",
        id="unknown-level",
    ),
    pytest.param(
        "rubric_version: 1\n",
        "",
        "rubric_version",
        None,
        "missing required key",
        id="missing-rubric-version",
    ),
]


def _line_of(text: str, needle: str | None) -> int:
    if needle is None:
        return 1
    assert text.count(needle) == 1, f"{needle!r} must occur once in the edited file"
    return text[: text.index(needle)].count("\n") + 1


@pytest.mark.parametrize(("old", "new", "key_path", "line_text", "message"), BROKEN)
def test_a_broken_rubric_names_file_key_and_line(
    tmp_path: Path,
    scoring_yml: Path,
    old: str,
    new: str,
    key_path: str,
    line_text: str | None,
    message: str,
) -> None:
    shipped = scoring_yml.read_text(encoding="utf-8")
    assert shipped.count(old) == 1, f"{old!r} must occur once in scoring.yml"
    edited = shipped.replace(old, new)
    path = tmp_path / "scoring.yml"
    path.write_text(edited, encoding="utf-8")

    with pytest.raises(ConfigError) as caught:
        load_rubric(path)

    error = caught.value
    line = _line_of(edited, line_text)
    assert (error.path, error.key_path, error.line) == (path, key_path, line)
    assert message in error.message
    where = f"{path}:{line}: {key_path}: " if key_path else f"{path}:{line}: "
    assert str(error).startswith(where)


def test_a_valid_edit_loads(tmp_path: Path, scoring_yml: Path) -> None:
    edited = scoring_yml.read_text(encoding="utf-8").replace(
        "    vague:\n      points: 10", "    vague:\n      points: 25"
    )
    path = tmp_path / "scoring.yml"
    path.write_text(edited, encoding="utf-8")
    assert load_rubric(path).need.rule("vague").points == 25


MINIMAL = """\
version: 1
rubric_version: 7
default_currency: EUR
currency_rates: {EUR: 2}
criteria:
  budget:
    max_points: 40
    bands:
      - {id: some, min: 0, points: 40, label: any budget}
    none: {points: 0, label: none}
    unknown: {points: 0, label: unknown}
  authority:
    max_points: 20
    decision_maker: {points: 20, label: dm}
    influencer: {points: 20, label: inf}
    none: {points: 0, label: none}
    unknown: {points: 10, label: unknown}
  need:
    max_points: 40
    concrete: {points: 40, label: concrete}
    vague: {points: 0, label: vague}
    none: {points: 0, label: none}
    unknown: {points: 0, label: unknown}
  timeline:
    max_points: 0
    bands:
      - {id: soon, max_months: 1, points: 0, label: soon}
    later: {points: 0, label: later}
    none: {points: 0, label: none}
    unknown: {points: 0, label: unknown}
grades:
  - {grade: X, min_score: 0}
routing:
  handoff_min_score: 100
"""


def test_another_rubric_shape_loads_and_scores(tmp_path: Path) -> None:
    path = tmp_path / "tiny.yml"
    path.write_text(MINIMAL, encoding="utf-8")
    rubric = load_rubric(path)

    assert rubric.usd_rate(None) == Decimal(2)
    assert rubric.usd_rate("usd") == Decimal(1)  # USD needs no entry
    result = score_lead(
        rubric, Budget(raw="5 EUR", status="amount", amount=Decimal(5)), None, None, None
    )
    assert (result.total, result.grade, result.route) == (
        50,
        "X",
        "nurture",
    )  # authority unanswered: 10
    # timeline is worth nothing here, so it is never the weakest; need (0/40) is
    assert result.weakest == "need"
