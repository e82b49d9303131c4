"""How the qualification form judges one answer.

The Rasa form validator (actions/qualification.py) is a thin shell around `judge_answer`:
this module decides whether an answer is accepted, what normalized fact it carries, what
the visitor is told, and when to stop asking. Kept free of Rasa so it is tested as plain
Python and reused by any other channel.

Rules the visitor can rely on:
- what they volunteered is kept and never asked again; a noisy candidate for a slot that
  was not asked (spaCy tagging "CTO" as an organisation) is dropped silently, keeping any
  earlier value;
- a fact is stored only from the words that carry it: for a question that was not asked,
  only DIET's entity for that slot (or its natural extension: the rest of a full name, the
  figure next to a budget word) counts, it must say something definite ("not sure" fills
  only the question that was asked), it never replaces a fact we already have, and an
  amount's period ("$50k for one year") is the budget's, not a timeline;
- "rather not say" / "I don't know" records the criterion as unknown and moves on (unless
  the same words also carry an answer: "not sure, maybe 10k");
- no question is asked more than twice (MAX_ASKS), whatever the visitor answers, and two
  failed answers move on too: nobody is trapped in a loop;
- an answer that does not fit the question but answers another one ("by end of Q1" when
  asked for the role) is kept for that other question and the asked one comes back, with
  no "sorry" and no failed attempt counted (within the two asks).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping, Sequence
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
from bot.extract.proper_names import COMPANY, capitalized_runs
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
# Times a question may be asked in one conversation; then it is recorded as unknown.
MAX_ASKS = 2
# The value a question gets when its asks are used up without an answer.
NO_ANSWER = "(no answer)"
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

# Kinds of entity that carry each slot's fact when the slot was not asked: DIET's own.
VOLUNTEERED_ENTITIES: Mapping[str, tuple[str, ...]] = {
    slot: kinds[:1] for slot, kinds in SLOT_ENTITIES.items()
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
    # How often this question was asked before this answer, and whether the slot already
    # holds an accepted fact.
    asks: int = 0
    known: bool = False


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


@dataclass(frozen=True)
class Mention:
    """An entity the NLU found in the visitor's message: its kind, words and place."""

    kind: str
    value: str
    start: int | None = None
    end: int | None = None


def build_answer(
    slot: str,
    candidate: str,
    *,
    message: str,
    intent: str | None,
    mentions: Sequence[Mention],
    requested: bool,
    today: date,
    failed_attempts: int = 0,
    asks: int = 0,
    known: bool = False,
) -> Answer:
    """The answer to judge, with every reading of the message that may carry the slot's
    fact: for the asked question the whole message too; for one not asked, only DIET's
    own entities and their natural extension (see `_extended`)."""
    kinds = SLOT_ENTITIES[slot] if requested else VOLUNTEERED_ENTITIES[slot]
    own = [m for m in mentions if m.kind in kinds]
    readings = [m.value for m in own]
    joined = _joined_span(message, own)
    if joined:
        readings.append(joined)  # DIET split "head of marketing" into "head" + "marketing"
    if not requested:
        readings = [*(x for m in own if (x := _extended(slot, message, m))), *readings]
    others = [
        m
        for name, other_kinds in SLOT_ENTITIES.items()
        if name != slot and other_kinds
        for m in mentions
        if m.kind in other_kinds[:1]  # DIET's entity, not spaCy's
    ]
    if requested and slot in WHOLE_ANSWER_SLOTS and message:
        text, alternatives = message, (candidate, *readings)
    elif requested:
        text, alternatives = candidate, (*readings, message)
    else:
        text, alternatives = (
            (readings[0], (*readings[1:], candidate))
            if readings
            else (
                candidate,
                (),
            )
        )
    return Answer(
        slot=slot,
        text=text,
        intent=intent,
        requested=requested,
        failed_attempts=failed_attempts,
        today=today,
        alternatives=tuple(alternatives),
        answered_other_slot=bool(others),
        residual=_without_spans(message, others) if others else None,
        message=message,
        asks=asks,
        known=known,
    )


def volunteered_need(message: str, mentions: Sequence[Mention]) -> str | None:
    """The need told in passing ("Hi, I'm Sam from Acme, we lose leads at night, budget
    10k"): the message without the other facts' words, when it names a concrete goal or
    pain (a vague remark is not taken: the need question will ask)."""
    kinds = {k for slot_kinds in SLOT_ENTITIES.values() for k in slot_kinds}
    rest = _without_spans(message, [m for m in mentions if m.kind in kinds])
    concrete = []
    for clause in re.split(r"[.!?;]+(?:\s|$)", rest):
        need = assess_need(clause.strip(" ,")) if clause.strip(" ,") else None
        if need is not None and need.level == "concrete":
            concrete.append(clause.strip(" ,"))
    return ". ".join(concrete) if concrete else None


def _spans(mentions: Sequence[Mention]) -> list[tuple[int, int]]:
    return [(m.start, m.end) for m in mentions if m.start is not None and m.end is not None]


def _joined_span(message: str, mentions: Sequence[Mention]) -> str | None:
    """The text from the first to the last of several same-kind entities."""
    spans = _spans(mentions)
    if len(spans) < 2:
        return None
    start, end = min(s for s, _ in spans), max(e for _, e in spans)
    return message[start:end] if 0 <= start < end <= len(message) else None


def _without_spans(message: str, mentions: Sequence[Mention]) -> str:
    """The message with other slots' entities cut out: what is left to answer with."""
    kept, cursor = [], 0
    for start, end in sorted(_spans(mentions)):
        kept.append(message[cursor:start])
        cursor = max(cursor, end)
    kept.append(message[cursor:])
    return " ".join("".join(kept).split())


_NEXT_WORDS = re.compile(r"\S+(?:\s+\S+){0,2}")
_PREVIOUS_WORDS = re.compile(r"(?:\S+\s+){0,2}$")


def _extended(slot: str, message: str, mention: Mention) -> str | None:
    """A volunteered entity DIET cut short, read on in the message: the rest of a full
    name ("Sophie" -> "Sophie Laurent"), or the figure beside a budget word."""
    if mention.start is None or mention.end is None or not message:
        return None
    if slot == "name":
        full = clean_name(message[mention.start : mention.start + 80])
        first = clean_name(mention.value)
        if full and first and full.lower().startswith(first.lower()) and len(full.split()) <= 4:
            return full if full != first else None
        return None
    if slot == "company":
        return _capitalized_run(message, mention.start, mention.end)
    if slot == "budget":
        budget = parse_budget(mention.value)
        if budget is not None and budget.status == "amount":
            if budget.period is not None:
                return None
            # the period said right after the figure belongs to it ("$40k [for one year]")
            said_next = _NEXT_WORDS.match(re.split(r"[,;.!?]", message[mention.end :])[0].strip())
            with_period = f"{mention.value} {said_next.group(0)}" if said_next else ""
            longer = parse_budget(with_period) if with_period else None
            same = longer is not None and longer.amount == budget.amount
            return with_period if same and longer is not None and longer.period else None
        before = message[max(0, mention.start - 30) : mention.start]
        after = message[mention.end : mention.end + 30]
        left = _PREVIOUS_WORDS.search(re.split(r"[,;.!?]", before)[-1])
        right = _NEXT_WORDS.match(re.split(r"[,;.!?]", after)[0].strip())
        window = " ".join(
            part
            for part in (
                left.group(0) if left else "",
                mention.value,
                right.group(0) if right else "",
            )
            if part
        )
        widened = parse_budget(window)
        return window if widened is not None and widened.status == "amount" else None
    return None


_CAPITALIZED_BEFORE = re.compile(r"(?:[A-Z][\w&'.-]{0,30} ){1,3}$")
_CAPITALIZED_AFTER = re.compile(r"(?: (?:[A-Z][\w&'.-]{0,30}|&|GmbH|AG|AB|BV|SA)){1,3}")


def _capitalized_run(message: str, start: int, end: int) -> str | None:
    """A company name DIET cut short ("Bosphorus [Textiles]", "[Nordwind] Logistik"): the
    capitalized words right around it, as the visitor typed them."""
    said = message[start:end]
    if not said[:1].isupper():
        return None
    before = _CAPITALIZED_BEFORE.search(message[max(0, start - 60) : start])
    after = _CAPITALIZED_AFTER.match(message, end)
    left = (
        before.group(0)
        if before and not _sentence_start(message, start - len(before.group(0)))
        else ""
    )
    whole = f"{left}{said}{after.group(0) if after else ''}"
    return whole if whole != said else None


def _sentence_start(message: str, at: int) -> bool:
    """The capitalized word opens the message or a sentence ("Hi", "We"): not a name."""
    return at <= 0 or message[:at].rstrip()[-1:] in ".!?"


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


_PLAIN_YES = re.compile(
    r"^(?:yes|yeah|yea|yep|yup|ya|y|sure|correct|indeed|of course|absolutely|definitely"
    r"|i do|i am|that's me|it's me|me)\b[\s,.!]*(?:(?:i do|i am|that's right|sure)\b[\s,.!]*)?$",
    re.IGNORECASE,
)


def _hinted_authority(answer: Answer) -> Authority | None:
    """A bare yes/no answers "are you the one who signs off?" (a mumbled "uh" that the NLU
    read as yes is not a yes)."""
    if answer.intent == AFFIRM_INTENT and _PLAIN_YES.match(answer.text.strip()):
        return Authority(raw=answer.text, level="decision_maker", decision_maker=True)
    if answer.intent == DENY_INTENT:
        return Authority(raw=answer.text, level="influencer", decision_maker=False)
    return None


_PLAIN_NO = re.compile(
    r"^(?:no|nope|nah|naw|none|not really|no we don't|we don't|not at all)\b[\s,.!]*"
    r"(?:(?:thanks|thank you|sorry|not yet|yet|really)\b[\s,.!]*)?$",
    re.IGNORECASE,
)


def _hinted_budget(answer: Answer) -> Budget | None:
    """A bare "no" answers "do you have a budget in mind?" (never "I don't know yet":
    a made-up 0 is worse than unknown)."""
    if answer.intent == DENY_INTENT and _PLAIN_NO.match(answer.text.strip()):
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
    if answer.slot not in FORM_SLOTS:
        raise ValueError(f"not a qualification slot: {answer.slot}")
    if answer.requested:
        return _judge_asked(answer)
    return _judge_volunteered(answer)


def give_up(slot: str) -> Verdict:
    """The question was asked MAX_ASKS times without an answer: unknown, move on."""
    return _move_on(
        Answer(
            slot=slot,
            text=NO_ANSWER,
            intent=None,
            requested=True,
            failed_attempts=0,
            today=date.min,
        )
    )


def _readings(answer: Answer) -> list[str]:
    seen: list[str] = []
    for text in (answer.text, *answer.alternatives):
        if text.strip() and text.strip() not in seen:
            seen.append(text.strip())
    return seen


def _definite(detail: dict[str, Any] | None) -> bool:
    """A fact that says something: not "not sure" (status or level unknown)."""
    if detail is None:
        return True  # names and companies: their cleaners already said no to noise
    return "unknown" not in (detail.get("status"), detail.get("level"))


def _judge_volunteered(answer: Answer) -> Verdict:
    """A candidate for a question that was not asked: kept only if definite, from its own
    words, and never over a fact we already have."""
    if answer.known:
        return Verdict(slot=answer.slot, value=None)
    for text in _readings(answer):
        if answer.slot == "timeline" and is_amount_period(answer.message, text):
            continue
        if answer.slot == "authority" and someone_elses_title(answer.message, text):
            continue
        if answer.slot == "company" and not named_as_a_company(answer.message, text):
            continue
        if answer.slot == "name" and not named_as_a_person(answer.message, text):
            continue
        value, detail, _, _ = _parse(dataclasses.replace(answer, text=text))
        if value is not None and _definite(detail):
            return Verdict(slot=answer.slot, value=value, detail=detail)
    return Verdict(slot=answer.slot, value=None)


def _judge_asked(answer: Answer) -> Verdict:
    slot = answer.slot
    last_chance = answer.asks >= MAX_ASKS
    if answer.intent == DECLINE_INTENT:
        # "not sure, maybe 10k" still carries an answer; a plain "no idea" moves on.
        for text in _readings(answer):
            value, detail, _, _ = _parse(dataclasses.replace(answer, text=text))
            if value is not None and _definite(detail) and detail is not None:
                return Verdict(slot=slot, value=value, detail=detail)
        return _move_on(answer)
    if _mostly_another_answer(answer):
        # "maybe 5k" when asked for the need: it answers the budget; ask the need again.
        return _move_on(answer, failed=True) if last_chance else Verdict(slot=slot, value=None)

    value, detail, rejection, args = _parse(answer)
    for alternative in answer.alternatives:
        if value is not None:
            break
        if alternative.strip() and alternative.strip() != answer.text.strip():
            value, detail, _, _ = _parse(dataclasses.replace(answer, text=alternative))
    if value is not None:
        if slot == "budget" and answer.message and answer.message != answer.text:
            detail = _fuller_budget(answer, detail)
        if slot == "authority" and answer.message and answer.message != answer.text:
            detail = _fuller_role(answer, detail)
        return Verdict(slot=slot, value=value, detail=detail)
    if answer.answered_other_slot and not last_chance:
        # The visitor answered something else; ask this question again, no penalty.
        return Verdict(slot=slot, value=None)
    if last_chance or answer.failed_attempts + 1 >= MAX_FAILED_ATTEMPTS:
        return _move_on(answer, failed=True)
    return Verdict(
        slot=slot,
        value=None,
        response=rejection or f"utter_invalid_{slot}",
        response_args=args,
        failed=True,
    )


def _fuller_budget(answer: Answer, detail: dict[str, Any] | None) -> dict[str, Any] | None:
    """The asked budget read in the whole answer when DIET's span left out its currency or
    period ("3.000" of "3.000€ per year"): the same amount, with what the span lacked."""
    if not detail or detail.get("status") != "amount":
        return detail
    _, whole, _, _ = _parse(dataclasses.replace(answer, text=answer.message))
    if not whole or whole.get("status") != "amount":
        return detail
    same = (whole.get("amount"), whole.get("amount_max")) == (
        detail.get("amount"),
        detail.get("amount_max"),
    )
    adds = any(whole.get(k) and not detail.get(k) for k in ("currency", "period"))
    return whole if same and adds else detail


def _fuller_role(answer: Answer, detail: dict[str, Any] | None) -> dict[str, Any] | None:
    """The asked role read in the whole answer when DIET's span cut it short ("Developer"
    of "Web Developer") or missed it: the whole answer's title when it contains the span's."""
    if not detail:
        return detail
    _, whole, _, _ = _parse(dataclasses.replace(answer, text=answer.message))
    if not whole or not whole.get("role"):
        return detail
    short, full = str(detail.get("role") or "").lower(), str(whole["role"]).lower()
    if short and (short not in full or short == full):
        return detail
    return (
        {**detail, "role": whole["role"]}
        if short
        else {**whole, **{k: v for k, v in detail.items() if k != "role" and v is not None}}
    )


# A period of time right after an amount belongs to the amount ("$50k for one year",
# "20k this year"), and "for two years" is how long, not by when.
_SPEND_PERIOD = re.compile(
    r"^(?:for|per|a|an|each|every|over|this|the|in)?\s*(?:the\s+)?"
    r"(?:first\s+|next\s+|whole\s+|entire\s+|coming\s+)?(?:\d{1,3}|one|two|three|a|an)?\s*"
    r"(?:years?|yrs?|months?|mos?|quarters?|annum)\b",
    re.IGNORECASE,
)
_DURATION = re.compile(
    r"^for\s+(?:the\s+)?(?:first\s+|next\s+|whole\s+)?(?:\d{1,3}|[a-z]{1,10})\s+"
    r"(?:years?|yrs?|months?|mos?|weeks?|quarters?)\b",
    re.IGNORECASE,
)
_AMOUNT_BEFORE = re.compile(
    r"(?:\d(?:[\d.,']{0,12}\d)?\s?(?:k|m|mm|bn|grand|thousand|million|[$€£])?|[$€£]"
    r"|dollars|euros|pounds|bucks|quid|usd|eur|gbp|chf)"
    r"\s{0,3}(?:budget\s{1,3}|total\s{1,3}|in\s+total\s{1,3}|max\s{1,3})?$",
    re.IGNORECASE,
)


# What introduces a company typed in lower case: "I work at", "we're", "company:". Plain
# "is", "are", "for" or a comma introduce anything ("mornings are best").
_COMPANY_CUE = re.compile(
    r"\b(?:work(?:ing)?\s+(?:at|for|with)|(?:i'?m|i\s+am)\s+(?:at|with|from)"
    r"|(?:we're|we\s+are|it's)\s+called|(?:company|employer|firm)(?:'s|\s+is|\s+name\s+is|\s*:)?|called|named|from|at|w/)\s*$",
    re.IGNORECASE,
)
# The same for a person's name: "my name is", "I'm", "this is", "call me".
_PERSON_CUE = re.compile(
    r"\b(?:name(?:'s|\s+is|\s*:)?|i'?m|i\s+am|this\s+is|call\s+me|it's|signed)\s*$",
    re.IGNORECASE,
)


def named_as_a_person(message: str, text: str) -> bool:
    """A name not asked for is taken only when it reads like one: capitalized as typed, or
    introduced ("i'm sam"). DIET's stray guesses ("contact me via ...") are neither."""
    said = text.strip()
    at = message.find(said) if said else -1
    if at < 0:
        return False
    return said[:1].isupper() or bool(_PERSON_CUE.search(message[max(0, at - 20) : at]))


def named_as_a_company(message: str, text: str) -> bool:
    """A company not asked for is taken only when it reads like a name: capitalized as
    typed, or introduced as one ("at acme", "we're bluefin", "company: acme"). DIET's
    stray guesses ("already", "sunny") are neither."""
    said = text.strip()
    at = message.find(said) if said else -1
    if at < 0:
        return False
    if said[:1].isdigit():
        return True
    if said[:1].isupper():
        # Capitalized where a sentence starts ("Bootstrapped, no budget"), or right after
        # "I'm" (a person), is no sign of a name: there it needs its cue ("at", "we're").
        run = next((r for r in capitalized_runs(message, COMPANY) if r.start <= at < r.end), None)
        return run is not None and (run.score >= 4 or (run.score >= 0 and not run.opens_sentence))
    return bool(_COMPANY_CUE.search(message[max(0, at - 20) : at]))


def someone_elses_title(message: str, text: str) -> bool:
    """True when a role candidate is a title the visitor gave someone else ("my manager
    and I...", "our CEO"): read with the two words before it, it is no longer their role."""
    said = text.strip()
    at = message.lower().find(said.lower()) if said else -1
    alone = parse_authority(said) if said else None
    if at < 0 or alone is None or alone.role is None:
        return False
    before = _PREVIOUS_WORDS.search(message[max(0, at - 30) : at])
    in_context = parse_authority(
        f"{before.group(0) if before else ''}{message[at : at + len(said)]}"
    )
    return in_context is None or in_context.role is None


def is_amount_period(message: str, text: str) -> bool:
    """True when a timeline candidate is really the period of an amount in `message`."""
    said = text.strip()
    if _DURATION.match(said):
        return True
    at = message.lower().find(said.lower()) if said else -1
    if at < 0 or not _SPEND_PERIOD.match(said):
        return False
    before = message[max(0, at - 24) : at].rstrip()
    return bool(_AMOUNT_BEFORE.search(before))


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
