"""The figures of a simulator run, the failure list by invariant, and transcripts.

Reports, never judges: the caller decides what a figure must be.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from tests.conversations.simulator.expect import CHECKED_SLOTS
from tests.conversations.simulator.invariants import INVARIANTS, Outcome

TEXT_WIDTH = 160


@dataclass(frozen=True)
class Figures:
    conversations: int
    right_route: int
    leads_stored: int
    stuck: int  # conversations failing (b) or (c)
    asked_over_twice: int  # conversations failing (a)
    reasks_of_volunteered: int  # questions asked about a fact already volunteered
    conversations_with_reasks: int
    wrong_facts: int  # conversations failing (d)
    passed: int  # conversations with no violation at all
    fact_accuracy: dict[str, tuple[int, int]]  # slot -> (right, checked)
    failures: dict[str, list[int]]  # invariant -> seeds

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def figures(outcomes: Sequence[Outcome]) -> Figures:
    accuracy = {slot: [0, 0] for slot in CHECKED_SLOTS}
    failures: dict[str, list[int]] = defaultdict(list)
    for outcome in outcomes:
        for check in outcome.slot_checks:
            accuracy[check.slot][0] += check.ok
            accuracy[check.slot][1] += 1
        for key in sorted({v.invariant for v in outcome.violations}):
            failures[key].append(outcome.conversation.plan.seed)

    def failing(*keys: str) -> int:
        return sum(any(v.invariant in keys for v in o.violations) for o in outcomes)

    return Figures(
        conversations=len(outcomes),
        right_route=sum(o.route_ok for o in outcomes),
        leads_stored=sum(o.conversation.lead is not None for o in outcomes),
        stuck=failing("b", "c"),
        asked_over_twice=failing("a"),
        reasks_of_volunteered=sum(o.reasks_of_volunteered for o in outcomes),
        conversations_with_reasks=failing("e"),
        wrong_facts=failing("d"),
        passed=sum(o.ok for o in outcomes),
        fact_accuracy={slot: (right, total) for slot, (right, total) in accuracy.items()},
        failures={key: failures[key] for key in INVARIANTS if key in failures},
    )


def _pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:5.1f} %" if whole else "    - "


def format_figures(fig: Figures, title: str) -> str:
    n = fig.conversations
    right = sum(r for r, _ in fig.fact_accuracy.values())
    checked = sum(t for _, t in fig.fact_accuracy.values())
    lines = [
        title,
        f"  conversations                        {n}",
        f"  reaching the right route             {_pct(fig.right_route, n)}  ({fig.right_route})",
        f"  with a stored lead                   {_pct(fig.leads_stored, n)}  ({fig.leads_stored})",
        f"  passing every invariant              {_pct(fig.passed, n)}  ({fig.passed})",
        f"  stuck (b or c)                       {fig.stuck}",
        f"  a question asked > 2 times (a)       {fig.asked_over_twice}",
        f"  re-asks of volunteered facts (e)     {fig.reasks_of_volunteered}"
        f"  in {fig.conversations_with_reasks} conversations",
        f"  with a wrong stored fact (d)         {fig.wrong_facts}",
        f"  stored facts right                   {_pct(right, checked)}  ({right}/{checked})",
    ]
    for slot, (ok, total) in fig.fact_accuracy.items():
        lines.append(f"    {slot:<12}                       {_pct(ok, total)}  ({ok}/{total})")
    lines.append("  failures by invariant (seeds):")
    if not fig.failures:
        lines.append("    none")
    for key, seeds in fig.failures.items():
        shown = " ".join(str(s) for s in seeds)
        lines.append(f"    {key:<5} {INVARIANTS[key]}: {len(seeds)}")
        lines.append(f"          {shown}")
    return "\n".join(lines)


def transcript(outcome: Outcome) -> str:
    """The whole conversation, with what the bot did and why it failed, for replaying."""
    conv = outcome.conversation
    routes = " or ".join(sorted(outcome.routes))
    lines = [f"--- {conv.plan.describe()}", f"    sender {conv.sender}; expected route {routes}"]
    for turn in conv.turns:
        view = turn.bot
        lines.append(f"  visitor: {_clip(turn.visitor)}")
        lines.append(
            f"      [intent {view.intent}; waiting for {view.waiting_for or '-'}"
            + ("; NOT UNDERSTOOD" if view.not_understood else "")
            + "]"
        )
        for message in view.messages:
            buttons = " ".join(f"[{b.title}]" for b in message.buttons)
            lines.append(f"  bot ({message.response}): {_clip(message.text)} {buttons}".rstrip())
    lead = conv.lead
    lines.append(
        f"  ended: {conv.ended}; lead: {'stored, route ' + str(lead['route']) if lead else 'none'}"
    )
    said = ", ".join(f"{slot}={fact.text!r}" for slot, fact in sorted(conv.given.items()))
    lines.append(f"  facts said: {said or 'none'}")
    for violation in outcome.violations:
        lines.append(f"  FAIL ({violation.invariant}) {violation.detail}")
    return "\n".join(lines)


def _clip(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= TEXT_WIDTH else text[: TEXT_WIDTH - 1] + "…"
