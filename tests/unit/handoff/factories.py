"""Reps for tests, built from plain config the way reps.yml is."""

from __future__ import annotations

from typing import Any

from bot.handoff.reps import Rep, SalesTeam, team_from_config

WEEK = {day: ["09:00-17:00"] for day in ("mon", "tue", "wed", "thu", "fri")}


def rep_config(rep_id: str, zone: str, **changes: Any) -> dict[str, Any]:
    rep = {
        "id": rep_id,
        "name": rep_id.capitalize(),
        "email": f"{rep_id}@example.com",
        "time_zone": zone,
        "working_hours": WEEK,
        "meeting_minutes": 30,
        "buffer_minutes": 0,
        "min_notice_minutes": 0,
    }
    rep.update(changes)
    return rep


def team(*reps: dict[str, Any], **routing: Any) -> SalesTeam:
    data: dict[str, Any] = {
        "version": 1,
        "reps": list(reps),
        "routing": {"fallback_rep": reps[0]["id"], **routing},
    }
    return team_from_config(data)


def rep(rep_id: str = "ana", zone: str = "Europe/Paris", **changes: Any) -> Rep:
    return team(rep_config(rep_id, zone, **changes)).reps[rep_id]
