"""Simulated visitors: composed from a seed, then answering whatever the bot asks.

A plan (persona x opening x answer style x digressions) is drawn from one seed; the
visitor then plays it against the bot, drawing its wording from the same seeded random
source, so one seed replays one conversation as long as the bot answers the same way.
The visitor keeps the record the checks need: which facts it gave, which it volunteered
before being asked, and which it refused or dodged (those must end up unknown).

The only words the visitor says are the phrasings'. Two mechanical changes are applied
and documented: the typing-style visitor may lower-case a whole message, and the email
gets a per-seed suffix in its local part ("ana@x.io" -> "ana11003@x.io") so that leads of
different simulated visitors are never merged by email in the lead store.
"""

from __future__ import annotations

import random
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from bot.scoring import Rubric
from tests.conversations.simulator.expect import criterion_points
from tests.conversations.simulator.phrasings import FACT_SLOTS, Fact, Phrasings

TEMPERATURES: tuple[str, ...] = ("hot", "lukewarm", "cold")
OPENING_STYLES: tuple[str, ...] = (
    "greeting",
    "question",
    "pricing",
    "demand",
    "everything",
    "vague",
)
ANSWER_STYLES: tuple[str, ...] = ("plain", "terse", "typos", "chatty", "evasive")
DIGRESSIONS: tuple[str, ...] = ("why_ask", "faq", "rather_not_say", "human", "clarify")
BANT: tuple[str, ...] = ("need", "budget", "authority", "timeline")
# Sent as message metadata, as the widget does: the lead must keep the visitor's zone.
TIME_ZONES: tuple[str, ...] = (
    "Europe/Paris",
    "Europe/London",
    "America/New_York",
    "America/Los_Angeles",
    "America/Sao_Paulo",
    "Asia/Tokyo",
    "Asia/Kolkata",
    "Asia/Singapore",
    "Australia/Sydney",
    "Africa/Johannesburg",
)
# Quick replies a visitor who wants to buy would pick (by payload or title).
GOAL_BUTTON = re.compile(r"demo|sales|talk|person|qualif|get.?started", re.I)
_PLACEHOLDER = re.compile(r"\{(" + "|".join(FACT_SLOTS) + r")\}")


@dataclass(frozen=True)
class Persona:
    temperature: str
    facts: Mapping[str, Fact]  # one per form slot: what this visitor would say
    time_zone: str


@dataclass(frozen=True)
class Plan:
    """Everything drawn from the seed before the conversation starts."""

    seed: int
    persona: Persona
    opening_style: str
    opening: str
    volunteered: frozenset[str]  # facts stated in the opening
    answer_style: str
    lower_case: bool  # the typing-style visitor writes all in lower case
    digressions: Mapping[str, str]  # slot -> digression said the first time it is asked
    evasive: frozenset[str]  # slots dodged the first time they are asked
    evasive_twice: bool  # ...and dodged again if asked again (then they stay unknown)
    clicks_buttons: bool

    def describe(self) -> str:
        dig = ", ".join(f"{kind}@{slot}" for slot, kind in sorted(self.digressions.items()))
        return (
            f"seed {self.seed}: {self.persona.temperature} visitor ({self.persona.time_zone}), "
            f"opening {self.opening_style}, answers {self.answer_style}"
            + (" in lower case" if self.lower_case else "")
            + (f", dodges {sorted(self.evasive)}" if self.evasive else "")
            + (" twice" if self.evasive and self.evasive_twice else "")
            + (f", digressions {dig}" if dig else "")
            + (f", volunteers {sorted(self.volunteered)}" if self.volunteered else "")
        )


def compose(seed: int, phrasings: Phrasings, rubric: Rubric) -> Plan:
    rng = random.Random(f"plan-{seed}")  # a string seed: neighbouring seeds draw apart
    temperature = rng.choice(TEMPERATURES)
    facts = {slot: _pick_fact(rng, phrasings, rubric, slot, temperature) for slot in FACT_SLOTS}
    facts["email"] = _tag_email(facts["email"], seed)
    for fact in list(facts.values()):
        facts.update(fact.also)  # one visitor: what the words also say is what they hold
    persona = Persona(temperature, facts, rng.choice(TIME_ZONES))
    opening_style = rng.choice(OPENING_STYLES)
    if opening_style == "everything":
        templates = phrasings.openings["everything"]
        # Words that say two facts ("nothing, I'm a student") are said once, not twice.
        once = [t for t in templates if _says_each_once(t, facts)]
        template = rng.choice(once or list(templates))
        volunteered = frozenset(_PLACEHOLDER.findall(template))
        opening = _PLACEHOLDER.sub(lambda m: facts[m.group(1)].text, template)
    else:
        volunteered = frozenset()
        opening = rng.choice(phrasings.openings[opening_style])
    answer_style = rng.choice(ANSWER_STYLES)
    askable = [slot for slot in FACT_SLOTS if slot not in volunteered]
    count = min(len(askable), rng.choice((0, 0, 1, 1, 2)))
    digressions = {slot: rng.choice(DIGRESSIONS) for slot in rng.sample(askable, count)}
    evasive: frozenset[str] = frozenset()
    if answer_style == "evasive":
        dodgeable = [s for s in BANT if s not in volunteered and s not in digressions]
        evasive = frozenset(rng.sample(dodgeable, min(len(dodgeable), rng.choice((1, 2)))))
    return Plan(
        seed=seed,
        persona=persona,
        opening_style=opening_style,
        opening=opening,
        volunteered=volunteered,
        answer_style=answer_style,
        lower_case=answer_style == "typos" and rng.random() < 0.5,
        digressions=digressions,
        evasive=evasive,
        evasive_twice=rng.random() < 0.5,
        clicks_buttons=rng.random() < 0.5,
    )


def _says_each_once(template: str, facts: Mapping[str, Fact]) -> bool:
    texts = [facts[slot].text for slot in _PLACEHOLDER.findall(template)]
    return len(set(texts)) == len(texts)


def _pick_fact(
    rng: random.Random, phrasings: Phrasings, rubric: Rubric, slot: str, temperature: str
) -> Fact:
    """Hot visitors say what scores best, cold ones what scores worst, lukewarm anything."""
    candidates: Sequence[Fact] = phrasings.values[slot]
    if slot in BANT and temperature != "lukewarm":
        points = [criterion_points(rubric, fact) for fact in candidates]
        best = (max if temperature == "hot" else min)(points)
        candidates = [fact for fact, got in zip(candidates, points, strict=True) if got == best]
    return rng.choice(list(candidates))


def _tag_email(fact: Fact, seed: int) -> Fact:
    value = str(fact.value["value"])
    local, at, domain = value.rpartition("@")
    if not at:
        return fact
    # Before a "+tag": the lead store finds a visitor by mailbox, and "tom+leads1@gmail.com"
    # and "tom+leads2@gmail.com" are one mailbox, so a seed after the "+" merged two visitors.
    cut = local.find("+") if "+" in local else len(local)
    tagged = f"{local[:cut]}{seed}{local[cut:]}@{domain}"
    found = re.search(re.escape(value), fact.text, re.I)
    if found is None:  # spelled out ("ana at x dot io"): the seed goes before " at x"
        # Untagged, every visitor drawing this phrasing had one address, and the lead store
        # merged their leads (one person, found by email): facts from another conversation.
        label = re.escape(domain.split(".")[0])
        spelled = re.search(rf"\s+[(\[]?at[)\]]?\s+{label}\b", fact.text, re.I)  # "(at)"
        if spelled is None:
            return fact
        text = fact.text[: spelled.start()] + str(seed) + fact.text[spelled.start() :]
        return Fact(slot="email", text=text, value={**fact.value, "value": tagged})
    said = found.group(0)
    said_tagged = said[:cut] + str(seed) + said[cut:]
    text = fact.text[: found.start()] + said_tagged + fact.text[found.end() :]
    return Fact(slot="email", text=text, value={**fact.value, "value": tagged})


@dataclass(frozen=True)
class Button:
    title: str
    payload: str


@dataclass
class Visitor:
    """Plays a plan. `given` holds the facts said (the expected stored facts)."""

    plan: Plan
    phrasings: Phrasings
    rng: random.Random = field(init=False)
    given: dict[str, Fact] = field(default_factory=dict)
    volunteered: set[str] = field(default_factory=set)
    refused: set[str] = field(default_factory=set)
    dodged: set[str] = field(default_factory=set)
    digressed: set[str] = field(default_factory=set)
    off_form_moves: int = 0
    clicked: bool = False
    last_demand: str = ""

    def __post_init__(self) -> None:
        self.rng = random.Random(f"visitor-{self.plan.seed}")

    def opening(self) -> str:
        for slot in self.plan.volunteered:
            self._said(self.plan.persona.facts[slot], asked=None)
        return self._typed(self.plan.opening)

    def _said(self, fact: Fact, asked: str | None) -> None:
        """Records a fact as given, with what its words also say; any of them not the
        asked slot's is volunteered (unless given before)."""
        for said in (fact, *fact.also.values()):
            if said.slot in self.given:
                continue
            self.given[said.slot] = said
            if said.slot != asked:
                self.volunteered.add(said.slot)

    def reply(
        self,
        asked: str | None,
        last_text: str,
        buttons: Sequence[Button] = (),
        not_understood: bool = False,
    ) -> str:
        """The next message: an answer to the asked slot, or a move towards qualifying."""
        if asked is not None and asked in self.plan.persona.facts:
            return self._answer(asked)
        return self._move_on(last_text, buttons, not_understood)

    def _answer(self, slot: str) -> str:
        lines = self.phrasings.digressions
        if slot in self.refused:
            return self._typed(self.rng.choice(lines["rather_not_say"]))
        kind = self.plan.digressions.get(slot)
        if kind is not None and slot not in self.digressed:
            self.digressed.add(slot)
            if kind == "rather_not_say":
                self.refused.add(slot)
            return self._typed(self.rng.choice(lines[kind]))
        if slot in self.plan.evasive and (slot not in self.dodged or self.plan.evasive_twice):
            self.dodged.add(slot)
            return self._typed(self.rng.choice(lines["evasive"]))
        fact = self.plan.persona.facts[slot]
        self.given.pop(slot, None)  # asked again: this answer is the one that counts
        self._said(fact, asked=slot)
        style = self.plan.answer_style if self.plan.answer_style != "evasive" else "plain"
        template = self.rng.choice(self.phrasings.answers[slot][style])
        return self._typed(template.replace("{value}", fact.text))

    def _move_on(self, last_text: str, buttons: Sequence[Button], not_understood: bool) -> str:
        """Outside the form: click a goal button, ask for what the visitor came for (in
        other words when the bot did not understand), or say yes to an offer (a bot
        message ending in a question that is not a request to rephrase)."""
        self.off_form_moves += 1
        goal = [b for b in buttons if GOAL_BUTTON.search(f"{b.title} {b.payload}")]
        if goal and self.plan.clicks_buttons and not self.clicked:
            self.clicked = True
            return self.rng.choice(goal).payload
        offer = last_text.rstrip().endswith("?") and not not_understood
        if self.off_form_moves > 1 and offer:
            return self._typed(self.rng.choice(self.phrasings.digressions["affirm"]))
        lines = self.phrasings.openings["demand"]
        fresh = [line for line in lines if line != self.last_demand] or list(lines)
        self.last_demand = self.rng.choice(fresh)
        return self._typed(self.last_demand)

    def _typed(self, text: str) -> str:
        return text.lower() if self.plan.lower_case else text
