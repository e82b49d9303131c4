"""Facts that Rasa's own slot mappings fill where no form of ours judges them.

domain.yml maps DIET's entities to the fact slots globally, so that what a visitor says in
passing (in the opening, while asked for an email, after the form) is kept. Rasa runs
`action_validate_slot_mappings` at the end of every `action_extract_slots`, with the slots
it just filled: here each fact slot no active form will validate is judged as a
volunteered fact (bot.qualification), the same way the qualification form judges one.
Without this, DIET's guesses were stored as they came: "mornings are best." gave the
company "best.", "I can be reached at ..." the company "reached", an email address became
a company. A rejected candidate keeps the slot's earlier value.
"""

from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Tracker, ValidationAction
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.qualification import ValidateQualificationForm, mention, without_echoes
from actions.tracker_tools import (
    judged_earlier_for_this_message,
    last_visitor_message,
    previous_slot_value,
)
from bot.qualification import (
    FORM_SLOTS,
    introduced_names,
    labelled_facts,
    volunteered_authority,
    volunteered_need,
    volunteered_timeline,
)

logger = logging.getLogger(__name__)


class ValidateVolunteeredFacts(ValidationAction):
    """action_validate_slot_mappings (the name is Rasa's: ValidationAction sets it)."""

    async def get_validation_events(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        try:
            left_to_the_form = _validated_by_the_active_form(tracker, domain)
            judge = ValidateQualificationForm()
            events: list[EventType] = []
            candidates = dict(tracker.slots_to_validate())
            told = (
                _told_without_entities(tracker)
                if not left_to_the_form and _tells_something(tracker)
                else {}
            )
            earlier = judged_earlier_for_this_message(tracker)
            for slot in [*candidates, *(s for s in told if s not in candidates)]:
                if slot in FORM_SLOTS and slot in earlier:
                    # Rasa's second extraction of this message, at a form's activation:
                    # the first judgement stands. DIET's raw candidate would replace it,
                    # and the form, refusing it, would fall back to the value before the
                    # message: "in about nine months" was lost and asked again.
                    if slot in candidates:
                        events.append(SlotSet(slot, earlier[slot]))
                    continue
                if slot not in FORM_SLOTS or slot in left_to_the_form:
                    continue
                # DIET's candidate first; when it is refused ("about" tagged as the
                # timeline of "looking to buy in about nine months"), the words told.
                judged: dict[str, Any] = {}
                for source in (candidates, told):
                    if slot in source:
                        judged = judge.judge_slot(
                            slot, source[slot], dispatcher, tracker, requested=False
                        )
                        if judged.get(slot) is not None:
                            break
                events.extend(SlotSet(name, judged_value) for name, judged_value in judged.items())
            return without_echoes(events, tracker)
        except Exception:
            # Unjudged is what Rasa did before; never an error body with the visitor's words.
            logger.exception("judging volunteered facts failed")
            return []


def _tells_something(tracker: Tracker) -> bool:
    """A message that may carry facts told in passing: not a question ("does the bot
    need its own server?"), not a yes or no to an offer ("no thanks" to a demo)."""
    return last_visitor_message(tracker).intent in _TELLING_INTENTS


def _told_without_entities(tracker: Tracker) -> dict[str, Any]:
    """Facts told before any question that DIET tagged no entity for: the need ("hi, just
    browsing"), who decides ("it's my company lol"), a name or company introduced as one
    ("I'm Paweł Wiśniewski", "we're Bell & Whistle"), when they want to start ("looking to
    buy in about nine months"). Kept, so they are never asked."""
    visitor = last_visitor_message(tracker)
    told: dict[str, Any] = {}
    if need := volunteered_need(visitor.text, [mention(e, visitor.text) for e in visitor.entities]):
        told["need"] = need
    if authority := volunteered_authority(visitor.text):
        told["authority"] = authority
    told.update(introduced_names(visitor.text))
    told.update(labelled_facts(visitor.text))
    if "timeline" not in told and (timeline := volunteered_timeline(visitor.text)):
        told["timeline"] = timeline
    return {
        slot: value
        for slot, value in told.items()
        if previous_slot_value(tracker, slot) is None  # what was known before this message
    }


# Intents of a message that may carry a need told in passing.
_TELLING_INTENTS = frozenset({"inform", "describe_need", "request_sales", "greet"})


def _validated_by_the_active_form(tracker: Tracker, domain: DomainDict) -> set[str]:
    """The slots the active form's own validation action will judge on this turn."""
    return _required_slots(tracker.active_loop.get("name"), domain)


def _required_slots(form: Any, domain: DomainDict) -> set[str]:
    if not form:
        return set()
    spec = (domain.get("forms") or {}).get(str(form)) or {}
    return set(spec.get("required_slots") or [])
