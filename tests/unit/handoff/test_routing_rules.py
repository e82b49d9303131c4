"""Routing rules and the weighted round robin, without a database."""

from __future__ import annotations

from collections import Counter

from bot.handoff.reps import team_from_config
from bot.handoff.routing import LeadFacts, choose_team, country_of_zone, weighted_pick
from tests.unit.handoff.factories import rep_config, team


def test_country_comes_from_the_visitors_time_zone() -> None:
    assert country_of_zone("America/New_York") == "US"
    assert country_of_zone("Asia/Kolkata") == "IN"
    assert country_of_zone("Europe/Paris") == "FR"
    assert country_of_zone("Not/AZone") is None
    assert country_of_zone(None) is None


def test_first_matching_rule_on_any_field_picks_the_team_else_the_default() -> None:
    sales = team_from_config({
        "version": 1,
        "reps": [rep_config("ana", "Europe/Paris"), rep_config("marcus", "America/New_York")],
        "teams": {"everyone": ["ana", "marcus"], "vip": ["ana"], "americas": ["marcus"]},
        "routing": {
            "rules": [
                {"when": {"grade": ["A"], "utm_source": ["linkedin"]}, "team": "vip"},
                {"when": {"country": ["US", "CA"]}, "team": "americas"},
                {"when": {"budget_band": ["at_least_50000_usd_year"]}, "team": "vip"},
            ],
            "default_team": "everyone",
            "fallback_rep": "ana",
        },
    })  # fmt: skip
    assert choose_team(sales, LeadFacts(grade="A", utm_source="linkedin")) == "vip"
    assert choose_team(sales, LeadFacts(grade="B", utm_source="linkedin")) == "everyone"
    assert choose_team(sales, LeadFacts(time_zone="America/Toronto")) == "americas"
    assert choose_team(sales, LeadFacts(budget_band="at_least_50000_usd_year")) == "vip"
    lead = {
        "grade": "C",
        "time_zone": "Europe/Paris",
        "source": {"utm_source": "ads"},
        "breakdown": [{"criterion": "budget", "rule": "budget.at_least_50000_usd_year"}],
    }
    assert LeadFacts.from_lead(lead).budget_band == "at_least_50000_usd_year"
    assert choose_team(sales, LeadFacts.from_lead(lead)) == "vip"


def test_smooth_weighted_round_robin_follows_the_weights_and_interleaves() -> None:
    sales = team(
        rep_config("ana", "Europe/Paris", weight=3),
        rep_config("bo", "Europe/Paris", weight=1),
        rep_config("cy", "Europe/Paris", weight=1),
    )
    candidates = list(sales.reps.values())
    counters: dict[str, int] = {}
    picks = []
    for _ in range(500):
        winner, counters = weighted_pick(candidates, counters)
        picks.append(winner.id)
    assert Counter(picks) == {"ana": 300, "bo": 100, "cy": 100}
    assert "ana,ana,ana,ana" not in ",".join(picks)  # no bursts
