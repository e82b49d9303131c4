"""Which rep gets a lead: the owner, a team by rules, weighted round robin, the fallback.

Pure: the round robin's state (one number per rep and team) is read and written by the
caller (bot.handoff.service keeps it in the database, so restarts keep it fair). It is the
"smooth weighted round robin" nginx uses: each pick adds every candidate's weight to its
counter, takes the largest, and takes the total off the winner. Over any run of picks
each rep's share follows its weight, and picks interleave instead of coming in bursts.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from bot.handoff.reps import Rep, RoutingRule, SalesTeam


@dataclass(frozen=True)
class LeadFacts:
    """What routing rules look at."""

    grade: str | None = None
    budget_band: str | None = None
    time_zone: str | None = None
    utm_source: str | None = None

    @property
    def country(self) -> str | None:
        return country_of_zone(self.time_zone)

    @classmethod
    def from_lead(cls, lead: Mapping[str, Any]) -> LeadFacts:
        """From a lead in the leads API's shape (bot.leads.views.lead_to_dict)."""
        band = None
        for part in lead.get("breakdown") or []:
            if part.get("criterion") == "budget" and part.get("rule"):
                band = str(part["rule"]).split(".", 1)[-1]
        return cls(
            grade=lead.get("grade"),
            budget_band=band,
            time_zone=lead.get("time_zone"),
            utm_source=(lead.get("source") or {}).get("utm_source"),
        )


@cache
def _zone_countries() -> dict[str, str]:
    """IANA zone -> ISO 3166 country code, from the tz database's zone.tab (tzdata)."""
    text = (
        resources.files("tzdata")
        .joinpath("zoneinfo")
        .joinpath("zone.tab")
        .read_text(encoding="utf-8")
    )
    out: dict[str, str] = {}
    for line in text.splitlines():
        if line.startswith("#") or not line.strip():
            continue
        fields = line.split("\t")
        if len(fields) >= 3:
            out[fields[2]] = fields[0]
    return out


def country_of_zone(zone: str | None) -> str | None:
    return _zone_countries().get(zone) if zone else None


def rule_matches(rule: RoutingRule, facts: LeadFacts) -> bool:
    checks = (
        (rule.grade, facts.grade),
        (rule.budget_band, facts.budget_band),
        (rule.country, facts.country),
        (rule.utm_source, facts.utm_source),
    )
    return all(allowed is None or value in allowed for allowed, value in checks)


def choose_team(team: SalesTeam, facts: LeadFacts) -> str:
    for rule in team.rules:
        if rule_matches(rule, facts):
            return rule.team
    return team.default_team


def weighted_pick(
    candidates: Sequence[Rep], counters: Mapping[str, int]
) -> tuple[Rep, dict[str, int]]:
    """(the rep picked, every candidate's new counter). `candidates` must not be empty."""
    if not candidates:
        raise ValueError("no candidates to pick from")
    updated = {rep.id: counters.get(rep.id, 0) + rep.weight for rep in candidates}
    winner = max(candidates, key=lambda rep: updated[rep.id])  # first on a tie: stable
    updated[winner.id] -= sum(rep.weight for rep in candidates)
    return winner, updated
