"""The checks every simulated conversation must pass (issue 11), and the route check.

(a) no question asked more than twice; (b) never more than two not-understood replies in
a row; (c) a stored lead or an explicit exit within the turn limit; (d) every stored fact
equals, normalized, what the visitor said (a fact never given stays unknown); (e) nothing
volunteered is asked again. Route: the stored lead's route is one the rubric gives for the
facts the visitor gave.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

from bot.scoring import Route, Rubric
from tests.conversations.simulator.expect import SlotCheck, check_lead, expected_routes
from tests.conversations.simulator.run import Conversation

MAX_ASKS = 2
MAX_NOT_UNDERSTOOD_IN_A_ROW = 2
INVARIANTS: dict[str, str] = {
    "a": "a question asked more than twice",
    "b": "more than two not-understood replies in a row",
    "c": "no stored lead and no explicit exit",
    "d": "a stored fact differs from what the visitor said",
    "e": "a volunteered fact asked again",
    "route": "the lead's route differs from the rubric's for the facts given",
}


@dataclass(frozen=True)
class Violation:
    invariant: str  # a key of INVARIANTS
    detail: str


@dataclass(frozen=True)
class Outcome:
    conversation: Conversation
    violations: tuple[Violation, ...]
    slot_checks: tuple[SlotCheck, ...]  # empty when no lead was stored
    routes: frozenset[Route]  # the routes the rubric accepts for the facts given
    asks: Counter[str]
    reasks_of_volunteered: int
    longest_not_understood: int

    @property
    def route_ok(self) -> bool:
        lead = self.conversation.lead
        return lead is not None and lead.get("route") in self.routes

    @property
    def ok(self) -> bool:
        return not self.violations


def check(conversation: Conversation, rubric: Rubric, today: date) -> Outcome:
    """Every invariant on one finished conversation; `today` dates the visitor's words."""
    asks: Counter[str] = Counter()
    reasks = 0
    run = longest = 0
    for turn in conversation.turns:
        for slot in turn.bot.asked:
            asks[slot] += 1
            reasks += slot in conversation.volunteered
        run = run + 1 if turn.bot.not_understood else 0
        longest = max(longest, run)
    violations = [
        Violation("a", f"asked {slot} {count} times")
        for slot, count in sorted(asks.items())
        if count > MAX_ASKS
    ]
    if longest > MAX_NOT_UNDERSTOOD_IN_A_ROW:
        violations.append(Violation("b", f"{longest} not-understood replies in a row"))
    lead = conversation.lead
    if conversation.ended not in ("lead", "exit") or (conversation.ended == "lead" and not lead):
        turns = len(conversation.turns)
        violations.append(Violation("c", f"ended by {conversation.ended} after {turns} turns"))
    checks: list[SlotCheck] = []
    routes = expected_routes(rubric, conversation.given, today)
    if lead is not None:
        checks = check_lead(
            lead,
            conversation.given,
            conversation.plan.persona.time_zone,
            rubric.default_currency,
            today,
        )
        violations += [
            Violation("d", f"{c.slot}: expected {c.expected}, stored {c.stored}")
            for c in checks
            if not c.ok
        ]
        if lead.get("route") not in routes:
            want = " or ".join(sorted(routes))
            violations.append(Violation("route", f"expected {want}, stored {lead.get('route')}"))
    for slot in sorted(conversation.volunteered):
        if asks[slot]:
            violations.append(Violation("e", f"{slot} volunteered, then asked {asks[slot]} times"))
    return Outcome(
        conversation=conversation,
        violations=tuple(violations),
        slot_checks=tuple(checks),
        routes=routes,
        asks=asks,
        reasks_of_volunteered=reasks,
        longest_not_understood=longest,
    )
