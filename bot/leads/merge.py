"""The merge rules: what a returning visitor's new answers may overwrite, and what survives
when two leads turn out to be one person. The heart of "nothing lost".

Pure and typed: plain values in (`LeadState`, `Answers`), a new `LeadState` out; no
database, no strings naming columns. bot.leads.lead_columns moves a lead row into a
`LeadState` and back; bot.leads.service decides when each rule applies.

The rules, in words:
- A fact (budget, authority, need, timeline) is "known" when the visitor gave a real
  answer (an amount or "no budget", a role, a concrete or vague need, a date or "no plans")
  and "unknown" when they said they don't know. A newer answer replaces an older one,
  except that an unknown answer never replaces a known one.
- Name, company and time zone: a newer non-empty value replaces; nothing erases one.
- Page context: first touch wins. The lead (and each conversation) keeps the first page
  and campaign it came from.
- Two leads of one person (found by email): for each fact the better-ranked one is kept
  (known > unknown > never asked), the more recent lead's on a tie; the same for name,
  company, time zone and score (present > absent); the older lead's first touch; a meeting
  or nurture state the surviving lead lacks; the earliest creation time.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar

from bot.facts import Authority, Budget, Need, Timeline

KNOWN_BUDGET = frozenset({"amount", "none"})
KNOWN_AUTHORITY = frozenset({"decision_maker", "influencer", "none"})
KNOWN_NEED = frozenset({"concrete", "vague", "none"})
KNOWN_TIMELINE = frozenset({"date", "none"})

Fact = TypeVar("Fact", Budget, Authority, Need, Timeline)
T = TypeVar("T")


@dataclass(frozen=True)
class Source:
    """First touch: the page and campaign a person (or a conversation) came from."""

    page_url: str | None = None
    referrer: str | None = None
    utm_source: str | None = None
    utm_medium: str | None = None
    utm_campaign: str | None = None
    utm_term: str | None = None
    utm_content: str | None = None

    @property
    def given(self) -> bool:
        return any(dataclasses.astuple(self))

    @classmethod
    def from_page(cls, page: Mapping[str, Any]) -> Source:
        names = [f.name for f in dataclasses.fields(cls)]
        return cls(**{name: page.get(name) for name in names})


@dataclass(frozen=True)
class Scored:
    """The lead's latest score (its history is kept elsewhere)."""

    score: int
    grade: str
    route: str
    rubric_version: int
    breakdown: list[Any]


@dataclass(frozen=True)
class LeadState:
    """Everything about a lead that a merge decides; the row's other columns (id, email,
    dedupe key) are the service's business."""

    created_at: datetime
    updated_at: datetime
    status: str = "new"
    budget: Budget | None = None
    authority: Authority | None = None
    need: Need | None = None
    timeline: Timeline | None = None
    name: str | None = None
    company: str | None = None
    time_zone: str | None = None
    scored: Scored | None = None
    source: Source = field(default_factory=Source)
    meeting: dict[str, Any] | None = None
    nurture: dict[str, Any] | None = None


@dataclass(frozen=True)
class Answers:
    """What one conversation said, as far as it got (None: not asked or not said)."""

    budget: Budget | None = None
    authority: Authority | None = None
    need: Need | None = None
    timeline: Timeline | None = None
    name: str | None = None
    company: str | None = None


def status_of(fact: Budget | Authority | Need | Timeline | None) -> str | None:
    if fact is None:
        return None
    if isinstance(fact, (Budget, Timeline)):
        return fact.status
    return fact.level


def known(fact: Budget | Authority | Need | Timeline | None) -> bool:
    if isinstance(fact, Budget):
        return fact.status in KNOWN_BUDGET
    if isinstance(fact, Authority):
        return fact.level in KNOWN_AUTHORITY
    if isinstance(fact, Need):
        return fact.level in KNOWN_NEED
    if isinstance(fact, Timeline):
        return fact.status in KNOWN_TIMELINE
    return False


def rank(fact: Budget | Authority | Need | Timeline | None) -> int:
    """2 known, 1 said but unknown ("not sure"), 0 never asked."""
    return 2 if known(fact) else 0 if fact is None else 1


def newer_answer(current: Fact | None, incoming: Fact | None) -> Fact | None:
    """Newer wins, except that an unknown answer never replaces a known one."""
    if incoming is None:
        return current
    if known(incoming) or not known(current):
        return incoming
    return current


def newer_text(current: str | None, incoming: str | None) -> str | None:
    """A newer non-empty value replaces; an empty or missing one never erases."""
    return incoming if incoming else current


def first_touch(current: Source, incoming: Source) -> Source:
    return current if current.given or not incoming.given else incoming


def answers(current: LeadState, new: Answers) -> LeadState:
    """A conversation's answers merged into the person's lead."""
    return dataclasses.replace(
        current,
        budget=newer_answer(current.budget, new.budget),
        authority=newer_answer(current.authority, new.authority),
        need=newer_answer(current.need, new.need),
        timeline=newer_answer(current.timeline, new.timeline),
        name=newer_text(current.name, new.name),
        company=newer_text(current.company, new.company),
    )


def absorb(winner: LeadState, loser: LeadState) -> LeadState:
    """`winner` after folding in `loser`, the same person found to be so by email."""
    loser_newer = loser.updated_at > winner.updated_at

    def take(winner_rank: int, loser_rank: int) -> bool:
        return loser_rank > winner_rank or (loser_rank == winner_rank > 0 and loser_newer)

    def best_fact(ours: Fact | None, theirs: Fact | None) -> Fact | None:
        return theirs if take(rank(ours), rank(theirs)) else ours

    def best(ours: T | None, theirs: T | None) -> T | None:
        return theirs if take(int(ours is not None), int(theirs is not None)) else ours

    older_touch = loser.created_at < winner.created_at and loser.source.given
    return dataclasses.replace(
        winner,
        budget=best_fact(winner.budget, loser.budget),
        authority=best_fact(winner.authority, loser.authority),
        need=best_fact(winner.need, loser.need),
        timeline=best_fact(winner.timeline, loser.timeline),
        name=best(winner.name, loser.name),
        company=best(winner.company, loser.company),
        time_zone=best(winner.time_zone, loser.time_zone),
        scored=best(winner.scored, loser.scored),
        source=loser.source if not winner.source.given or older_touch else winner.source,
        meeting=winner.meeting if winner.meeting is not None else loser.meeting,
        nurture=winner.nurture if winner.nurture is not None else loser.nurture,
        status=loser.status if winner.status == "new" else winner.status,
        created_at=min(winner.created_at, loser.created_at),
    )
