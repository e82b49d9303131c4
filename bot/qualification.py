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
- an answer to the asked question is taken even when the NLU was unsure it was a
  digression ("human" at 0.65 for "Sarah, VP of ops"): when the question's own reader
  accepts the words, a guess must not cost the visitor the question and a re-ask;
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
from bot.extract._text import normalize, word_set
from bot.extract.authority import owns_the_business, says_who_decides
from bot.extract.email import address_spans
from bot.extract.money import CURRENCIES, only_qualifies_a_noun, said_as_money
from bot.extract.need import ADOPTION, here_for_something_else, names_a_goal_or_pain
from bot.extract.proper_names import COMPANY, LEGAL_FORMS, PERSON, capitalized_runs
from bot.extract.timeline import COUNTED_FROM, PERIOD_OVER, TORN
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
# Asked, these read the whole message first. Authority is the sentence's meaning, not a
# title: DIET's span "the owner" of "not me, the owner does" made the visitor the owner.
MESSAGE_FIRST_SLOTS: frozenset[str] = WHOLE_ANSWER_SLOTS | {"authority"}
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

# Intents that step out of the form (domain.yml: the `not_intent` list of the form's
# from_text mappings; a test keeps the two equal).
DIGRESSION_INTENTS: frozenset[str] = frozenset(
    {
        "why_ask",
        "clarify",
        "faq",
        "human",
        "bot_challenge",
        "restart",
        "out_of_scope",
        "goodbye",
        "thank",
    }
)
# Below this intent confidence a digression loses to an answer the asked question's reader
# accepts. Real digressions ("why do you ask?", "can I talk to someone?") score 0.9 and
# more; the answers DIET mistook for one scored 0.5-0.75 in the simulated conversations.
SURE_DIGRESSION = 0.8

DECLINE_INTENT = "dont_know"
FAQ_INTENT = "faq"
HUMAN_INTENT = "human"
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
        and _reads_as(name, m.value, today)
    ]
    if requested and message and (slot in MESSAGE_FIRST_SLOTS or _fragmented(slot, own)):
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


def _reads_as(slot: str, text: str, today: date) -> bool:
    """Whether another slot's normalizer reads a value from DIET's span: "3 years out"
    tagged as a budget answers no budget, so the asked timeline is not "another answer"."""
    if slot == "budget":
        return parse_budget(text) is not None
    if slot == "timeline":
        return parse_timeline(text, today) is not None
    if slot == "authority":
        return parse_authority(text) is not None
    if slot == "name":
        return clean_name(text) is not None  # "tom@mailinator.com" tagged as a name
    if slot == "company":
        return clean_company(text) is not None
    return True


def _looks_like_a_fact(message: str, mention: Mention) -> bool:
    """A span that may hold another fact (a figure, a name, several words), not one
    lower-case word DIET tagged in passing ("n't", "leads", "first" inside "our sales team
    can't tell which website leads are worth calling first"): cutting those out of the
    need leaves words that no longer say it."""
    spans = _spans([mention])
    typed = message[spans[0][0] : spans[0][1]] if spans else mention.value
    return bool(re.search(r"[\d$€£¥₹@A-Z]|\S\s+\S", typed))


def volunteered_need(message: str, mentions: Sequence[Mention]) -> str | None:
    """The need told in passing ("Hi, I'm Sam from Acme, we lose leads at night, budget
    10k"): the clauses of the message, without the other facts' words, that name a
    concrete goal or pain; else those that say there is none ("just browsing", "nah we're
    good"); else a vague one introduced as the need ("our situation: ...", "looking for
    ..."). Any other remark is not taken: the need question will ask."""
    kinds = {k for slot_kinds in SLOT_ENTITIES.values() for k in slot_kinds}
    facts = [m for m in mentions if m.kind in kinds and _looks_like_a_fact(message, m)]
    rest = _without_spans(message, facts)
    found: dict[str, list[str]] = {"concrete": [], "none": [], "vague": []}
    answering_another = False
    for said in re.split(r"(?<=[.!?;])\s+|[.!;]+$", rest):
        if said.rstrip().endswith("?"):
            # a question to us ("what do i need to run it?"), not a need told; or the
            # visitor's own heading for the next fact ("budget? none."): that is its answer
            answering_another = bool(_ANOTHER_SLOT_ASKED.match(said.strip()))
            continue
        if answering_another:
            answering_another = False
            continue
        clause = said.strip(" ,.!;")
        need = assess_need(clause) if clause else None
        if need is None or need.level not in found:
            continue
        if need.level == "concrete" and not names_a_goal_or_pain(clause):
            continue  # many words and figures, but nothing to get done
        if need.level == "vague" and (
            not _NEED_CUE.search(clause)
            or says_who_decides(clause)  # "I'll need to run it past my manager"
            or ADOPTION.search(normalize(clause))
            or _A_REQUEST.search(clause)
            or _NEEDS_A_PRONOUN.search(clause)
        ):
            continue
        found[need.level].append(clause)
    for level in ("concrete", "none", "vague"):
        if found[level]:
            return ". ".join(found[level])
    return None


def introduced_names(message: str) -> dict[str, str]:
    """Names and companies the visitor introduced as such in a message DIET found none in:
    a capitalized run right after its cue ("I'm Paweł Wiśniewski", "we're Bell & Whistle",
    "Omar Haddad here"). The words the slot's cleaner keeps, by slot."""
    found: dict[str, str] = {}
    for slot, cues, clean in (("name", PERSON, clean_name), ("company", COMPANY, clean_company)):
        for run in capitalized_runs(message, cues):
            # A legal form ends a company's name, never a person's: "Zentrix AG here".
            legal = run.text.split()[-1].lower() in LEGAL_FORMS and len(run.text.split()) > 1
            if slot == "name" and legal:
                continue
            if run.score < (0 if legal else 3):
                continue  # weak cues: only a legal form makes it a company
            value = clean(run.text)
            if value and value != found.get("name"):
                found[slot] = value
                break
    if "name" in found and "company" not in found:
        # "Maria González (Bellweather Media Group)": who they are with, in brackets
        at = _found_at(message, found["name"])
        bracket = _IN_BRACKETS.match(message, at + len(found["name"])) if at >= 0 else None
        inside = bracket.group(1) if bracket else ""
        company = clean_company(inside) if inside[:1].isupper() else None
        if company:
            found["company"] = company
    return found


_IN_BRACKETS = re.compile(r"\s*\(\s*([^()@]{2,60}?)\s*\)")


_YES_OR_NO = re.compile(r"^\W*(?:yes|yeah|yep|yup|no|nope|nah|sure|ok|okay)\b", re.IGNORECASE)
_FIRST_PERSON = re.compile(r"\b(?:i|i'm|im|i've|i'd|me|my|mine|we|we're|our)\b", re.IGNORECASE)


# The clauses of a message: its sentences, and the parts between commas.
_CLAUSES = re.compile(r"(?<=[.!?;])\s+|,\s+")


def decider_told_with_the_need(message: str) -> str | None:
    """Who decides, read from another question's answer only where the words say it of
    the visitor without a title: owning the business ("I own a physio clinic and ..."),
    or being here for something other than buying. Titles and decision verbs inside a
    need ("our reps call every lead", "I read each one to decide who gets a rep") say
    nothing of who signs off: those are asked."""
    for clause in _CLAUSES.split(message):
        if owns_the_business(clause):
            return clause.strip(" .!")
    if here_for_something_else(message):
        return message.strip(" .!")
    return None


def volunteered_authority(message: str) -> str | None:
    """Who decides, told in passing without a title DIET could tag ("it's my company lol",
    "I have authority for this purchase"): the first clause that says it of the visitor."""
    for clause in _CLAUSES.split(message):
        if not _FIRST_PERSON.search(clause) or _YES_OR_NO.match(clause):
            continue  # "nah we're good" answers another question
        found = parse_authority(clause)
        if found is not None and found.level in ("decision_maker", "influencer", "none"):
            return clause.strip(" .!")
    if here_for_something_else(message):
        return message.strip(" .!")  # "here about the job posting": no purchase to decide
    return None


# "I need a demo", "want pricing": what the visitor asks of us, not what they need solved.
_A_REQUEST = re.compile(
    r"\b(?:demo|pricing|price|prices|cost|quote|sales|talk|speak|call|person|human|someone"
    r"|rep|tour|trial|info|information|details)\b",
    re.IGNORECASE,
)
# A heading the visitor puts before a fact of another slot: "Budget? none.", "timeline?
# asap", "Who decides? me".
_ANOTHER_SLOT_ASKED = re.compile(
    r"^\W*(?:budget|money|price|pricing|cost|spend|timeline|timing|when|deadline|role|title"
    r"|who\s+decides|decision|authority|name|company|email|e-mail)\s*\??$",
    re.IGNORECASE,
)
# Words that introduce a need, so a vague clause with one is the visitor's need.
_NEED_CUE = re.compile(
    r"\b(?:need|needs|want|wants|looking\s+for|hoping|trying\s+to|struggl\w{0,4}|problem"
    r"|issue|pain|situation|reason\s+i'?m\s+here|goal|challenge|main\s+thing"
    r"|(?:curious|wondering)\s+(?:whether|if)|interested\s+in|thinking\s+about|considering)\b",
    re.IGNORECASE,
)
# A need cue whose object names nothing ("need it by March", "want this live next month"):
# the clause says when or how, about a thing it does not name, so it tells no need.
_NEEDS_A_PRONOUN = re.compile(
    r"\b(?:need|needs|want|wants)\s+(?:it|this|that|them|one|something|sth|smth)\b",
    re.IGNORECASE,
)


def _spans(mentions: Sequence[Mention]) -> list[tuple[int, int]]:
    return [(m.start, m.end) for m in mentions if m.start is not None and m.end is not None]


def _fragmented(slot: str, own: Sequence[Mention]) -> bool:
    """DIET cut the asked budget into pieces ("a", "thousand", "dollars" of "forty
    thousand australian dollars"; "million-dollar" and "0 euros"): each piece alone
    misreads it, so the whole answer is read first (on the blind phrasings, 17 of 30
    wrong budgets)."""
    return slot == "budget" and sum(m.kind == "budget" for m in own) >= 2


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
        first = clean_name(mention.value)
        # the capitalized run around the span: "[J.R. ]Whitfield", "Chloé Dubois[-Martin]"
        for run in capitalized_runs(message, PERSON):
            if run.start <= mention.start and mention.end <= run.end and run.text != mention.value:
                around = clean_name(run.text)
                if around and first and first.lower() in around.lower():
                    return around
        full = clean_name(message[mention.start : mention.start + 80])
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
            # ("ten grand[, one-off]": a comma may stand between them)
            said_next = _NEXT_WORDS.match(
                re.split(
                    r"[;.!?]|,(?!\s*(?:one|per|a|an|each|every|yearly|monthly|annually)\b)",
                    message[mention.end :].lstrip(" ,"),
                )[0].strip()
            )
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
# Capitalized words that lead into a name, never part of one.
_LEAD_WORDS = word_set(
    "it's its we're were i'm im we i our my this that's thats yes yeah yep hi hello hey"
)
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
    words = left.split(" ")
    while words and words[0].casefold().strip(",.") in _LEAD_WORDS:
        words.pop(0)  # "It's [Nordvik] AS": the lead-in is no part of the name
    left = " ".join(words)
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
        if _qualifies_a_noun(answer.message, text):
            return None, None, None, {}  # DIET's "million-dollar" of "million-dollar question"
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


def answers_despite_digression(answer: Answer, confidence: float | None) -> bool:
    """True when a message the NLU took, unsure, for a digression is a plain answer to the
    asked question: its reader accepts the words as a fact (not a skip, not "don't know")."""
    if not answer.requested or answer.intent not in DIGRESSION_INTENTS:
        return False
    if confidence is None:
        return False
    told_not_asked = (
        answer.intent == FAQ_INTENT
        and len(answer.message.split()) >= MIN_TOLD_WORDS
        and not _ASKS.search(answer.message)
    )
    # "as fast as humanly possible" was the human intent at 1.0: a request for a person
    # names one.
    names_no_person = answer.intent == HUMAN_INTENT and not _asks_for_a_person(answer.message)
    # "Where can I track my parcel?" asked for the need is out of scope, and it is the
    # answer: here for something other than buying.
    no_buyer = answer.slot == "need" and here_for_something_else(answer.message)
    if confidence >= SURE_DIGRESSION and not (told_not_asked or names_no_person or no_buyer):
        return False
    verdict = judge_answer(dataclasses.replace(answer, intent=None))
    return verdict.accepted and not verdict.skipped and verdict.value != NO_ANSWER


# Words that ask or request something: an FAQ question has them; a message without them
# ("for GDPR reasons lead data can't leave the EU, so we need to host it ourselves") tells.
_ASKS = re.compile(
    r"\?|^\W*(?:how|what|what's|whats|which|why|where|when|who|is|are|does|do|can|could|will"
    r"|would|should|any|pls|please)\b"
    r"|\b(?:tell\s+me|want\s+to\s+know|wanna\s+know|like\s+to\s+know|wondering|explain"
    r"|info(?:rmation)?\s+(?:on|about)|details\s+(?:on|about)|curious\s+(?:about|whether|if|how))\b",
    re.IGNORECASE,
)


# Who a visitor asks for when they want a person (whole words: "humanly" is none).
_A_PERSON = re.compile(
    r"\b(?:human|humans|person|people|someone|somebody|anyone|anybody|agent|rep|reps"
    r"|representative|sales|salesperson|team|staff|operator|real|live|talk|speak|chat|call"
    r"|phone|ring|contact|manager|consultant|colleague|man|woman|guy|bot|robot|ai)\b",
    re.IGNORECASE,
)


# A request around the person: "can I talk to someone", "a human please", "get me an
# agent". A person told of ("my colleague sent me the link") is no request.
_A_REQUEST_FOR = re.compile(
    r"\b(?:talk|speak|chat\s+(?:to|with)|connect|transfer|put\s+me|get\s+me|give\s+me|prefer"
    r"|rather|can\s+i|could\s+i|may\s+i|is\s+there|are\s+there|please|pls|plz|let\s+me"
    r"|(?:want|need|like)\s+(?:a|an|to|someone|somebody|one))\b",
    re.IGNORECASE,
)
FEW_WORDS_REQUEST = 4


def _asks_for_a_person(message: str) -> bool:
    if not _A_PERSON.search(message):
        return False
    return len(message.split()) <= FEW_WORDS_REQUEST or bool(_A_REQUEST_FOR.search(message))


# Fewer words ("pricing", "self hosting") name a topic to ask about, not a fact told.
MIN_TOLD_WORDS = 5


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
        if answer.slot == "timeline" and (
            is_amount_period(answer.message, text) or not_a_deadline(answer.message, text)
        ):
            continue
        if answer.slot == "budget" and not said_as_money(answer.message, text):
            continue
        if answer.slot in ("company", "name") and inside_an_address(answer.message, text):
            continue
        if answer.slot == "authority" and someone_elses_title(answer.message, text):
            continue
        if answer.slot == "company" and not named_as_a_company(answer.message, text):
            continue
        if answer.slot == "name" and not named_as_a_person(answer.message, text):
            continue
        if answer.slot == "need" and text.strip() == answer.message.strip():
            # The whole message (Rasa's from_text mapping for describe_need): only what
            # volunteered_need would take from it, never a question to us ("does the
            # widget slow down my site?") or a request to talk to sales.
            told = volunteered_need(answer.residual or answer.message, [])
            if told is None:
                continue
            text = told
        value, detail, _, _ = _parse(dataclasses.replace(answer, text=text))
        if answer.slot == "authority" and not _own_role_or_decision(detail, text):
            continue
        said = _definite(detail) or _labelled(answer.slot, answer.message, text)
        if value is not None and said:
            return Verdict(slot=answer.slot, value=value, detail=detail)
    return Verdict(slot=answer.slot, value=None)


def _own_role_or_decision(detail: dict[str, Any] | None, text: str) -> bool:
    """Told in passing, authority is kept when it names the visitor's own role or says who
    decides: someone's title alone ("our CFO would kill me if I went over", a chatty
    budget answer) tells nothing about the visitor."""
    return (
        bool(detail and detail.get("role"))
        or says_who_decides(text)
        or here_for_something_else(text)  # no purchase to decide: "here about the job ad"
    )


# A fact labelled with its question's word ("Budget: it depends on what you offer",
# "timing - not decided yet"): even undecided, it answers that question, so it is kept.
_BUDGET_LABEL = r"\bbudget\b\s*(?::|-|–|—|=|\bis\b|\baround\b|\bof\b|\bwise\b)?"
_TIMELINE_LABEL = (
    r"\b(?:timing|timeline|time\s*frame|timeframe|when(?=\s*[:=]))\b\s*"
    r"(?::|-|–|—|=|\bis\b|\bwise\b)?"
)
_LABEL = {
    "budget": re.compile(_BUDGET_LABEL + r"\s*$", re.IGNORECASE),
    "timeline": re.compile(_TIMELINE_LABEL + r"\s*$", re.IGNORECASE),
}
_LABELLED_FACT = {
    "budget": re.compile(_BUDGET_LABEL + r"\s*(?P<fact>(?:[^.;!?,]|[.,](?=\d)){3,80})", re.I),
    "timeline": re.compile(_TIMELINE_LABEL + r"\s*(?P<fact>[^.;!?,]{3,80})", re.IGNORECASE),
}


def _labelled(slot: str, message: str, text: str) -> bool:
    label = _LABEL.get(slot)
    at = _found_at(message, text.strip()) if label else -1
    return label is not None and at >= 0 and bool(label.search(message[max(0, at - 30) : at]))


def labelled_facts(message: str) -> dict[str, str]:
    """Budget and timeline told with their label ("Budget: it depends on what you offer",
    "timing: three months out"), by slot: the words after the label."""
    found: dict[str, str] = {}
    for slot, pattern in _LABELLED_FACT.items():
        for m in pattern.finditer(message):
            fact = m.group("fact").strip(" ,")
            if _reads_as(slot, fact, date.today()):
                found[slot] = fact
                break
    return found


# The visitor's own start, buy or go-live, with the time after it in the same clause:
# "we want to get going in 3 monts", "looking to buy in about nine months", "We want to
# launch in 2 months". DIET misses many such spans (typos, "approximately").
_STARTS = re.compile(
    r"\b(?:(?:looking|planning|hoping|aiming|want(?:ing)?|need(?:ing)?)\s+to\s+"
    r"(?:buy|purchase|start|begin|launch|go\s+live|get\s+(?:going|started)|have\s+it|switch)"
    r"|get(?:ting)?\s+(?:going|started)|go(?:ing)?\s+live|launch(?:ing)?|start(?:ing)?"
    r"|(?:want|need)s?\s+(?:it|this|something|one|a\s+solution)(?:\s+(?:live|ready|done))?"
    r"|planning\s+for|aiming\s+for)\b",
    re.IGNORECASE,
)
_WHEN_WORD = re.compile(
    r"^\W{0,3}(?:(?:by|in|within|before|around|about|roughly|approximately|from|the|next|this"
    r"|asap|now|soon|immediately|right\s+away|after)\b|[0-9])",
    re.IGNORECASE,
)


_CLAUSE_GOES_ON = re.compile(r"\s+(?:and|but|so|because|as|though|although)\s+", re.I)


def volunteered_timeline(message: str) -> str | None:
    """When the visitor wants to start, told in passing with its cue ("looking to buy in
    about nine months"): the words after the cue, when the timeline reader dates them."""
    for clause in _CLAUSES.split(message):
        for cue in _STARTS.finditer(clause):
            after = _CLAUSE_GOES_ON.split(clause[cue.end() :], maxsplit=1)[0].strip(" .!")
            if not _WHEN_WORD.match(after) or len(after) > 60:
                continue
            found = parse_timeline(after, date.today())
            if found is not None and found.status == "date":
                return after
    for clause in _CLAUSES.split(message):
        said = clause.strip(" .!,")
        if _TIME_ALONE.match(said) and not _SOMEONE.search(said):
            found = parse_timeline(said, date.today())
            if found is not None and found.status == "date":
                return said  # a sentence of its own: "In a couple of years."
    return None


# A time said as a clause of its own, in a few words ("9 months-ish", "two years out
# probably", "in a year or so"): in an opening that lists facts, it is the timeline.
_TIME_ALONE = re.compile(
    r"^(?:(?:(?:in|within|by|around|about|roughly|approximately|maybe|probably)\s+)?"
    r"(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|eighteen"
    r"|a\s+couple\s+of|a\s+few|few|several|couple\s+of)"
    # "a year" alone is an amount's period ("10k, a year"); "in a year" is a time
    r"|(?:in|within|around|about|roughly|approximately)\s+an?)\s*"
    r"(?:days?|weeks?|wks?|months?|mos?|mths?|quarters?|years?|yrs?)\b"
    r"(?:[\s-]+(?:ish|out|or\s+so|from\s+now|max|tops|probably|roughly|maybe|tbh)\b){0,2}$",
    re.IGNORECASE,
)
# Who does something: then the time is when that happens ("two weeks ago we moved").
_SOMEONE = re.compile(r"\b(?:i|i'm|we|we're|they|he|she|ago)\b", re.IGNORECASE)


def _judge_asked(answer: Answer) -> Verdict:
    slot = answer.slot
    last_chance = answer.asks >= MAX_ASKS
    if answer.intent == DECLINE_INTENT:
        # "not sure, maybe 10k" still carries an answer; a plain "no idea" moves on.
        for text in _readings(answer):
            value, detail, _, _ = _parse(dataclasses.replace(answer, text=text))
            if (
                value is not None
                and _definite(detail)
                and (detail is not None or slot in WHOLE_ANSWER_SLOTS)
            ):
                if (
                    slot == "need"
                    and detail is not None
                    and detail.get("level") == "vague"
                    and not names_a_goal_or_pain(text)
                ):
                    continue  # "gonna pass on this one": any words read as a vague need
                return Verdict(slot=slot, value=value, detail=detail)
        return _move_on(answer)
    if _mostly_another_answer(answer):
        # "maybe 5k" when asked for the need: it answers the budget; ask the need again.
        return _move_on(answer, failed=True) if last_chance else Verdict(slot=slot, value=None)

    value, detail, rejection, args = _parse(answer)
    for alternative in answer.alternatives:
        if value is not None and _definite(detail):
            break
        if alternative.strip() and alternative.strip() != answer.text.strip():
            # A reading that says nothing ("depends", DIET's span) yields to one that says
            # something ("it kind of depends on that, but three months out").
            other, other_detail, _, _ = _parse(dataclasses.replace(answer, text=alternative))
            if other is not None and (value is None or _definite(other_detail)):
                value, detail = other, other_detail
    if value is not None:
        if slot == "budget" and answer.message and answer.message != answer.text:
            detail = _fuller_budget(answer, detail)
        if slot == "authority" and answer.message and answer.message != answer.text:
            detail = _fuller_role(answer, detail)
        if slot == "timeline" and answer.message and answer.message != answer.text:
            detail = _fuller_timeline(answer, detail)
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


# Right after DIET's budget span: the rest of its figure (a multiplier or a currency word,
# "5[ lakh rupees]") or a hyphen joining it to a noun ("million[-dollar question]").
_SPAN_CUT_SHORT = re.compile(
    r"\s*(?:lakhs?|lacs?|crores?|k|m|mn|bn|thousand|million|billion|grand)\b"
    r"|-[a-z]",  # the span ends inside a hyphenated word: "[EUR one]-time"
    re.IGNORECASE,
)


_HYPHENATED_END = re.compile(r"\w-[a-z]+$", re.IGNORECASE)
_A_NOUN_NEXT = re.compile(r"\s+(?!budget)[a-z]", re.IGNORECASE)


def _qualifies_a_noun(message: str, span: str) -> bool:
    """A span ending in a hyphenated word that the message goes on to join to a noun."""
    at = _found_at(message, span) if message and span != message else -1
    after = message[at + len(span) :] if at >= 0 else ""
    return bool(at >= 0 and _HYPHENATED_END.search(span) and _A_NOUN_NEXT.match(after))


def _fuller_budget(answer: Answer, detail: dict[str, Any] | None) -> dict[str, Any] | None:
    """The asked budget read in the whole answer when DIET's span left out its currency or
    period ("3.000" of "3.000€ per year"): the same amount, with what the span lacked."""
    if not detail or detail.get("status") != "amount":
        return detail
    _, whole, _, _ = _parse(dataclasses.replace(answer, text=answer.message))
    span = answer.text.strip()
    at = _found_at(answer.message, span)
    after = answer.message[at + len(span) :] if at >= 0 else ""
    cut_short = (
        _SPAN_CUT_SHORT.match(after)
        or _qualifies_a_noun(answer.message, span)
        or only_qualifies_a_noun(span)
    )
    # DIET's span was part of a figure: the "5" of "5 lakh rupees", the "million" of
    # "the million-dollar question, honestly 0 euros". The whole answer says it.
    if (
        whole
        and cut_short
        and whole.get("status") in ("amount", "none")
        and whole.get("amount") != detail.get("amount")
    ):
        return whole
    if not whole or whole.get("status") != "amount":
        return detail
    same = (whole.get("amount"), whole.get("amount_max")) == (
        detail.get("amount"),
        detail.get("amount_max"),
    )
    adds = any(whole.get(k) and not detail.get(k) for k in ("currency", "period"))
    if same and adds:
        return whole
    # The span held one end of a range: "$500 per month" of "$300 to $500 per month".
    low, high, said = whole.get("amount"), whole.get("amount_max"), detail.get("amount")
    one_end = high is not None and not detail.get("amount_max") and said in (low, high)
    agrees = all(detail.get(k) in (None, whole.get(k)) for k in ("currency", "period"))
    return whole if one_end and agrees else detail


# Words before a period that move its point: "[by the end of] next year" is its end, not
# its middle; "[early] next year" its start. DIET's span often leaves them out.
_TIMELINE_LEAD_IN = re.compile(
    r"(?:\b(?:by|before|until|till|no\s+later\s+than)\s+)?(?:\b(?:the\s+)?(?:end|start|"
    r"beginning|middle)\s+of\s+(?:the\s+)?|\b(?:early|late|mid|end|start)[\s-]+|"
    r"\b(?:this|same)\s+time\s+|"  # "[this time ]next year": a year from today
    r"\b(?:by|before|until|till)\s+(?:the\s+)?)$",
    re.IGNORECASE,
)


def _fuller_timeline(answer: Answer, detail: dict[str, Any] | None) -> dict[str, Any] | None:
    """The asked timeline read with the words right before DIET's span when they move its
    point in time ("by the end of" + "next year", "a year from" + "now")."""
    if detail and TORN.search(normalize(answer.message)):
        # "hard to say, maybe this year maybe next": either date would be a guess
        return Timeline(raw=answer.message.strip(), status="unknown").to_slot()
    at = _found_at(answer.message, answer.text.strip())
    if not detail or at <= 0:
        return detail
    span = answer.text.strip()
    before = answer.message[max(0, at - 40) : at]
    # "[eighteen months from ]now": DIET tagged only the point it is counted from
    lead_in = _TIMELINE_LEAD_IN.search(before) or COUNTED_FROM.search(before.lower())
    over = PERIOD_OVER.match(answer.message, at + len(span))
    if not lead_in and not over:
        return detail
    words = (lead_in.group(0) if lead_in else "") + span + (over.group(0) if over else "")
    fuller = parse_timeline(words, answer.today)
    return fuller.to_slot() if fuller and fuller.status == detail.get("status") else detail


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
# Every currency word the budget reader knows ("30 000 czk for 12 months", "3m won a year").
_CURRENCY_WORDS = "|".join(
    sorted((re.escape(word) for word in CURRENCIES if " " not in word), key=len, reverse=True)
)
_AMOUNT_BEFORE = re.compile(
    r"(?:\d(?:[\d.,']{0,12}\d)?\s?(?:k|m|mm|bn|grand|thousand|million|[$€£])?|[$€£]"
    rf"|bucks|quid|grand|thousand|lakhs?|crores?|{_CURRENCY_WORDS})"
    r"\s{0,3}(?:(?:budget|total|in\s+total|max|set\s+aside|saved|earmarked|allocated|reserved)"
    r"\s{1,3})?(?:for)?$",
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
    r"\b(?:name(?:'s|\s+is|\s*:)?|i'?m|i\s+am|this\s+is|call\s+me|it'?s|signed)\s*$",
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
        # A lone capitalized word with no cue is as often a product, a place or a foreign
        # word ("we use HubSpot", "Vertriebsleiter... sorry, sales director"): ask instead.
        run = next((r for r in capitalized_runs(message, COMPANY) if r.start <= at < r.end), None)
        if run is None or run.score < 0:
            return False
        return run.score >= 4 or (not run.opens_sentence and len(run.text.split()) > 1)
    return bool(_COMPANY_CUE.search(message[max(0, at - 20) : at]))


MAX_TITLE_WORDS = 6  # "Senior Vice President of Global Sales": longer is a clause


def someone_elses_title(message: str, text: str) -> bool:
    """True when a role candidate is a title the visitor gave someone else ("my manager
    and I...", "our CEO"): read with the two words before it, it is no longer their role."""
    said = text.strip()
    if len(said.split()) > MAX_TITLE_WORDS:
        return False  # a clause told, read whole by parse_authority, not a title's span
    at = _found_at(message, said)
    alone = parse_authority(said) if said else None
    if at < 0 or alone is None or alone.role is None:
        return False
    # DIET's span may hold the words before the title ("a sales rep", "me a sales rep"):
    # the lead-in ends where the title's own words start. Searched in place (pos, endpos):
    # "^" is the message's own start, "$" the title's.
    article = _ARTICLE_IN_SPAN.match(said)
    title_at = at + (article.end() if article else 0)
    window = (message, max(0, title_at - 40), title_at)
    if _ARTICLE_BEFORE.search(*window) and not _SELF_BEFORE_ARTICLE.search(*window):
        return True  # "get me a sales rep", "can I talk to the CTO": whom they want
    before = _PREVIOUS_WORDS.search(message[max(0, at - 30) : at])
    in_context = parse_authority(
        f"{before.group(0) if before else ''}{message[at : at + len(said)]}"
    )
    return in_context is None or in_context.role is None


# A title after an article is the visitor's own only after a word that says so ("I'm a
# student", "as the COO", "I work as a consultant"), or when it opens the message ("A
# sales rep here"); after anything else it names someone they want or talk about.
_ARTICLE_IN_SPAN = re.compile(r"(?:\S+\s+){0,2}?(?:a|an|the|your)\s+", re.IGNORECASE)
_ARTICLE_BEFORE = re.compile(r"(?:^|\s)(?:a|an|the|your)\s+$", re.IGNORECASE)
_SELF_BEFORE_ARTICLE = re.compile(
    r"(?:^|[.!?,;:]\s*|\b(?:i'?m|i\s+am|am|as|was|work\s+as|working\s+as|being)\s+"
    r"(?:[^\W\d_]{2,12}\s+)?)(?:a|an|the|your)\s+$",
    re.IGNORECASE,
)


def is_amount_period(message: str, text: str) -> bool:
    """True when a timeline candidate is really the period of an amount in `message`, or
    of a count ("2 leads a month", "300 demo requests a month": a rate, not a deadline)."""
    said = text.strip()
    if _DURATION.match(said):
        return True
    at = _found_at(message, said)
    if at < 0 or not _SPEND_PERIOD.match(said):
        return False
    before = message[max(0, at - 40) : at].rstrip()
    every = _EVERY.match(said) or _EVERY_BEFORE.search(before)
    counted = _COUNT_BEFORE.search(_EVERY_BEFORE.sub("", before).rstrip())
    return bool(_AMOUNT_BEFORE.search(before[-24:]) or (every and counted))


_EVERY = re.compile(r"(?:a|an|per|each|every)\s", re.IGNORECASE)
_EVERY_BEFORE = re.compile(r"\s(?:a|an|per|each|every)$", re.IGNORECASE)
_COUNT_BEFORE = re.compile(r"\d[\d.,]{0,8}(?:\s+[^\W\d_][\w-]{0,30}){1,3}$")


# How long something takes ("our response time is 2 days", "under 5 minutes"), not by
# when the visitor wants a solution: minutes and hours always, days and weeks unless
# introduced as a deadline ("in 10 days", "within 2 weeks").
_TAKES_MINUTES = re.compile(
    r"^(?:under|over|about|around|less\s+than|more\s+than)?\s*\S{1,12}\s*"
    r"(?:seconds?|secs?|minutes?|mins?|hours?|hrs?)\b",
    re.IGNORECASE,
)
_TAKES_DAYS = re.compile(r"^\S{1,12}\s*(?:days?|weeks?)\s*$", re.IGNORECASE)
_DEADLINE_BEFORE = re.compile(
    r"\b(?:in|within|by|next|for|before|around|about|roughly|another|from\s+now"
    # the visitor's own start: "we want it next week", "get going next week"
    r"|(?:want|need)s?\s+(?:it|this|that|one|something)|start|starting|get\s+(?:going|started)"
    r"|go\s+live|live|launch|ready)\s*$",
    re.IGNORECASE,
)


# In the clause before a time found in passing: it is when something else happened or
# happens ("we restructured in the summer", "I'll be travelling next week").
_PAST_OR_AWAY = re.compile(
    r"\b(?:was|were|had|did|went|got|came|been|(?<!get\s)(?<!getting\s)[a-z]{3,}ed|holidays?"
    r"|vacation|travel\w{0,5}"
    r"|away|on\s+leave|out\s+of\s+(?:the\s+)?office|off)\b",
    re.IGNORECASE,
)
_CLAUSE_START = re.compile(r".*(?:[.!?;:,]|\s[-–—]|\bbut\b|\band\b)", re.IGNORECASE | re.DOTALL)


# "nothing urgent", "not soon", "no rush now": DIET's span holds the time word only.
_NEGATED_BEFORE = re.compile(
    r"\b(?:not|no|nothing|isn't|aren't|never)\s+(?:very\s+|that\s+|super\s+|so\s+)?$",
    re.IGNORECASE,
)


def not_a_deadline(message: str, text: str) -> bool:
    """True when a timeline found in passing is a duration of something else, or when
    something else happened or happens."""
    said = text.strip()
    if _TAKES_MINUTES.match(said):
        return True
    at = _found_at(message, said)
    if at < 0:
        return False
    before = message[max(0, at - 60) : at]
    clause = before[m.end() :] if (m := _CLAUSE_START.match(before)) else before
    if _PAST_OR_AWAY.search(clause) or _NEGATED_BEFORE.search(before):
        return True
    present = _PRESENT_LEAD.match(said)
    if present:
        after = said[present.end() :] + message[at + len(said) :]
        if _STATE_AFTER.match(after):
            return True  # "Right now it's 5 lakh per year": how things are, not when to start
        if not _WANTS.search(clause) and not _WANTS.match(after):
            return True  # "it's done by hand now": no one wants anything by then
    if not _TAKES_DAYS.match(said):
        return False
    return not _DEADLINE_BEFORE.search(before[-24:].rstrip())


# "Now" at the start of DIET's span: it may open a statement about how things are ("right
# now it's nada", "at the moment we use a form"), not say when the visitor wants to start.
_PRESENT_LEAD = re.compile(
    r"^(?:(?:right|just|as\s+of)\s+)?now\b|^(?:at\s+the\s+moment|currently|for\s+now|atm|rn)\b",
    re.IGNORECASE,
)
_STATE_AFTER = re.compile(
    r"[\s,]*(?:it's|it\s+is|its|we|we're|we've|i|i'm|there|there's|our|the|my|budget|that's"
    r"|they|they're|you|he|she|people|everyone|nobody|no\s+one|leads|sales|reps|visitors"
    r"|customers)\b",
    re.IGNORECASE,
)
# Said with "now" when it is a deadline: someone wants, needs or starts something then.
_WANTS = re.compile(
    r"\b(?:need|needs|needed|want|wants|wanted|start|starting|begin|get|getting|buy|launch"
    r"|go\s+live|ready|set\s+up|asap|urgent|urgently|please|pls|demo|like)\b"
    r"|^[\s,!.]*(?:please|pls|asap|if\s+possible)\b",
    re.IGNORECASE,
)


def _found_at(message: str, said: str) -> int:
    """Where a candidate's words sit in the message, ignoring case; -1 when absent or empty
    (the checks above read the words just before it)."""
    return message.lower().find(said.lower()) if said else -1


def inside_an_address(message: str, text: str) -> bool:
    """True when a name or company found in passing is part of the email address
    ("at medinaclinic dot ae", "anna@acme.io")."""
    said = text.strip().lower()
    at = _found_at(message, said)
    if at < 0:
        return False
    return any(start <= at < end for start, end in address_spans(message))


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


def same_words(a: str, b: str) -> bool:
    """Whether two slot values are one span read twice ("Zoë Hartley" as the name and as
    the company): every word of the shorter is in the longer."""
    short, long = sorted((_words(a), _words(b)), key=len)
    return bool(short) and short <= long


def echoed_slots(values: Mapping[str, Any], asked: str | None) -> set[str]:
    """Name and company read from the same words: one of them is DIET's guess. The asked
    question keeps them; otherwise the name does (DIET tags people as companies far more
    often than the reverse, measured on the simulated visitors)."""
    name, company = values.get("name"), values.get("company")
    if not isinstance(name, str) or not isinstance(company, str):
        return set()
    if NO_ANSWER in (name, company) or not same_words(name, company):
        return set()
    return {"name"} if asked == "company" else {"company"}


def _words(text: str) -> set[str]:
    return set(re.findall(r"[^\W_]+", text.lower()))
