"""1,000 simulated leads: each rep's share within 3 points of its weight's share, with the
round robin's state surviving a restart half-way (new objects, same database)."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timezone

from bot.handoff.service import assign_rep
from bot.leads.models import Lead
from tests.integration.handoff.conftest import make_handoff
from tests.integration.handoff.helpers import UowFactory
from tests.unit.handoff.factories import rep_config

NOW = datetime(2026, 11, 30, 7, 0, tzinfo=timezone.utc)
WEIGHTS = {"ana": 3, "bo": 2, "cy": 1}


async def _route(new_uow: UowFactory, first: int, count: int) -> list[str]:
    handoff = make_handoff(  # built afresh: only the database remembers the counters
        *(rep_config(rep_id, "Europe/Paris", weight=w) for rep_id, w in WEIGHTS.items())
    )
    picks = []
    for i in range(first, first + count):
        async with new_uow() as uow:
            lead = Lead(id=f"lead-{i:04d}", status="qualified", route="handoff",
                        created_at=NOW, updated_at=NOW)  # fmt: skip
            await uow.leads.add(lead)
            picks.append((await assign_rep(uow, handoff, lead, NOW)).id)
            await uow.commit()
    return picks


async def test_weighted_shares_hold_over_1000_leads_and_a_restart(new_uow: UowFactory) -> None:
    picks = await _route(new_uow, 0, 437) + await _route(new_uow, 437, 563)
    shares = Counter(picks)
    assert sum(shares.values()) == 1000
    total_weight = sum(WEIGHTS.values())
    for rep_id, weight in WEIGHTS.items():
        assert abs(shares[rep_id] / 1000 - weight / total_weight) <= 0.03, shares
