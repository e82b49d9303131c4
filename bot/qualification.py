"""How the qualification form judges one answer.

The Rasa form validator (actions/qualification.py) is a thin shell around `judge_answer`:
this module decides whether an answer is accepted, what normalized fact it carries, what
the visitor is told, and when to stop asking. Kept free of Rasa so it is tested as plain
Python and reused by any other channel.

Rules the visitor can rely on:
- what they volunteered is kept and never asked again; a noisy candidate for a slot that
  was not asked (spaCy tagging "CTO" as an organisation) is dropped silently, keeping any
  earlier value;
- "rather not say" / "I don't know" records the criterion as unknown and moves on;
- two failed answers to the same question move on too: nobody is trapped in a loop;
- an answer that does not fit the question but answers another one ("by end of Q1" when
  asked for the role) is kept for that other question and the asked one comes back, with
  no "sorry" and no failed attempt counted.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from bot.extract import (
    assess_need,
    check_email,
    clean_company,
    clean_name,
    parse_authority,
    parse_budget,
    parse_timeline,
)
from bot.facts import Authority, Budget, Need, Timeline

FORM_SLOTS: tuple[str, ...] = (
    "need",
    "budget",
    "authority",
    "timeline",
    "name",
    "email",
    "company",
)
BANT_SLOTS: frozenset[str] = frozenset({"need", "budget", "authority", "timeline"})
DETAIL_SLOTS: Mapping[str, str] = {
    "need": "need_detail",
    "budget": "budget_detail",
    "authority": "authority_detail",
    "timeline": "timeline_detail",
    "email": "email_detail",
}
MAX_FAILED_ATTEMPTS = 2
# When we asked for these, the visitor's whole (cleaned) answer is the value: DIET cuts
# names and companies short ("Example Corp" -> "Corp"; held-out entity F1 44 % and 28 %),
# while the cleaners strip "my name is" / "I work at" reliably.
WHOLE_ANSWER_SLOTS: frozenset[str] = frozenset({"name", "company"})
# Which entities fill which form slot (domain.yml's from_entity mappings, checked by a test):
# DIET's own entities first, spaCy's candidates after.
SLOT_ENTITIES: Mapping[str, tuple[str, ...]] = {
    "need": (),
    "budget": ("budget", "MONEY"),
    "authority": ("role",),
    "timeline": ("timeline", "DATE"),
    "name": ("name", "PERSON"),
    "email": ("email",),
    "company": ("company", "ORG"),
}

DECLINE_INTENT = "dont_know"
AFFIRM_INTENT = "affirm"
DENY_INTENT = "deny"


@dataclass(frozen=True)
class Answer:
    """One candidate value for a form slot, with the context needed to judge it."""

    slot: str
    text: str
    intent: str | None
    requested: bool
    failed_attempts: int
    today: date
    # Other readings of the same message to try when `text` does not parse: further
    # entities of this slot's kinds, then (for the asked slot) the whole message.
    alternatives: tuple[str, ...] = ()
    # The message carried an entity for another form slot; `residual` is the message with
    # those entities cut out (None when there were none).
    answered_other_slot: bool = False
    residual: str | None = None
    message: str = ""


@dataclass(frozen=True)
class Verdict:
    """What to do with an answer.

    `value` is the contract slot's new value (None: not accepted). `detail` is the
    normalized fact for the slot's *_detail slot. `response` names an utter_* response
    (with `response_args`) to send to the visitor.
    """

    slot: str
    value: str | None
    detail: dict[str, Any] | None = None
    response: str | None = None
    response_args: dict[str, str] = field(default_factory=dict)
    skipped: bool = False
    failed: bool = False

    @property
    def accepted(self) -> bool:
        return self.value is not None


def _unknown_fact(slot: str, raw: str) -> dict[str, Any] | None:
    if slot == "budget":
        return Budget(raw=raw, status="unknown").to_slot()
    if slot == "timeline":
        return Timeline(raw=raw, status="unknown").to_slot()
    if slot == "authority":
        return Authority(raw=raw, level="unknown").to_slot()
    if slot == "need":
        return Need(raw=raw, level="unknown").to_slot()
    return None


def _hinted_authority(answer: Answer) -> Authority | None:
    """A bare yes/no answers "are you the one who signs off?"."""
    if answer.intent == AFFIRM_INTENT:
        return Authority(raw=answer.text, level="decision_maker", decision_maker=True)
    if answer.intent == DENY_INTENT:
        return Authority(raw=answer.text, level="influencer", decision_maker=False)
    return None


def _hinted_budget(answer: Answer) -> Budget | None:
    """A bare "no" answers "do you have a budget in mind?"."""
    if answer.intent == DENY_INTENT:
        return Budget(raw=answer.text, status="none", amount=Decimal(0))
    return None


def _parse(answer: Answer) -> tuple[str | None, dict[str, Any] | None, str | None, dict[str, str]]:
    """Returns (value, detail, rejection response, response args)."""
    text = answer.text.strip()
    slot = answer.slot
    if slot == "budget":
        budget = parse_budget(text) or (_hinted_budget(answer) if answer.requested else None)
        return (text, budget.to_slot(), None, {}) if budget else (None, None, None, {})
    if slot == "timeline":
        timeline = parse_timeline(text, answer.today)
        return (text, timeline.to_slot(), None, {}) if timeline else (None, None, None, {})
    if slot == "authority":
        authority = parse_authority(text)
        if authority is None and answer.requested:
            authority = _hinted_authority(answer)
        return (text, authority.to_slot(), None, {}) if authority else (None, None, None, {})
    if slot == "need":
        need = assess_need(text)
        return (text, need.to_slot(), None, {}) if need else (None, None, None, {})
    if slot == "name":
        return clean_name(text), None, None, {}
    if slot == "company":
        return clean_company(text), None, None, {}
    if slot == "email":
        check = check_email(text)
        if check.acceptable and check.normalized:
            return check.normalized, check.to_slot(), None, {}
        if check.status == "disposable":
            return None, None, "utter_disposable_email", {}
        return None, None, "utter_invalid_email", {"reason": check.reason or "it has no '@domain'."}
    raise ValueError(f"not a qualification slot: {slot}")


def judge_answer(answer: Answer) -> Verdict:
    """Accept, re-ask or move on: see the module docstring for the rules."""
    slot = answer.slot
    if slot not in FORM_SLOTS:
        raise ValueError(f"not a qualification slot: {slot}")

    if answer.requested and answer.intent == DECLINE_INTENT:
        return _move_on(answer)
    if answer.requested and _mostly_another_answer(answer):
        # "maybe 5k" when asked for the need: it answers the budget; ask the need again.
        return Verdict(slot=slot, value=None)

    value, detail, rejection, args = _parse(answer)
    for alternative in answer.alternatives:
        if value is not None:
            break
        if alternative.strip() and alternative.strip() != answer.text.strip():
            value, detail, _, _ = _parse(dataclasses.replace(answer, text=alternative))
    if value is not None:
        return Verdict(slot=slot, value=value, detail=detail)
    if not answer.requested:
        # A candidate nobody asked for (often spaCy noise): drop it without a word.
        return Verdict(slot=slot, value=None)
    if answer.answered_other_slot and answer.intent != DECLINE_INTENT:
        # The visitor answered something else; ask this question again, no penalty.
        return Verdict(slot=slot, value=None)
    if answer.failed_attempts + 1 >= MAX_FAILED_ATTEMPTS:
        return _move_on(answer, failed=True)
    return Verdict(
        slot=slot,
        value=None,
        response=rejection or f"utter_invalid_{slot}",
        response_args=args,
        failed=True,
    )


MIN_RESIDUAL_WORDS = 3


def _mostly_another_answer(answer: Answer) -> bool:
    """The whole message was taken as this slot's answer, but once the other slots'
    entities are cut out, too little is left to be an answer to this question."""
    if not answer.answered_other_slot or answer.residual is None:
        return False
    if answer.slot in WHOLE_ANSWER_SLOTS or answer.slot == "email":
        return False  # their cleaners pick the value out of the message themselves
    whole_message = answer.text.strip() == answer.message.strip()
    residual_words = re.findall(r"[^\W\d_]+", answer.residual)
    return whole_message and len(residual_words) < MIN_RESIDUAL_WORDS


def _move_on(answer: Answer, *, failed: bool = False) -> Verdict:
    """Record the criterion as unknown (BANT) or skip it (contact) and go on."""
    raw = answer.text.strip() or "(no answer)"
    return Verdict(
        slot=answer.slot,
        value=raw,
        detail=_unknown_fact(answer.slot, raw),
        response="utter_moving_on",
        skipped=answer.slot not in BANT_SLOTS,
        failed=failed,
    )
