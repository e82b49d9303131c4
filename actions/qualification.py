"""Validation of the qualification form (and of the handoff form, its one-question sibling).

Every validate_<slot> hands the candidate to bot.qualification (build_answer, judge_answer)
and turns the verdict into slot values and messages. `required_slots` adds the custom slot
`ask_counts`, whose `extract_ask_counts` keeps the count of each question's asks and gives
up on a question asked MAX_ASKS times (whatever the visitor answered). Nothing here may
raise: rasa-sdk would answer Rasa with an error body echoing the tracker, the visitor's
personal data included.
"""

from __future__ import annotations

import logging
from datetime import datetime, timezone
from typing import Any

from rasa_sdk import FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.tracker_tools import asks_so_far, last_visitor_message, previous_slot_value
from bot.qualification import (
    DETAIL_SLOTS,
    FORM_SLOTS,
    MAX_ASKS,
    NO_ANSWER,
    Mention,
    Verdict,
    answers_despite_digression,
    build_answer,
    decider_told_with_the_need,
    echoed_slots,
    give_up,
    judge_answer,
    volunteered_need,
)

logger = logging.getLogger(__name__)

ASK_COUNTS = "ask_counts"


class ValidateQualificationForm(FormValidationAction):
    """Judges each answer of the BANT + contact form."""

    def name(self) -> str:
        return "validate_qualification_form"

    async def required_slots(
        self,
        domain_slots: list[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[str]:
        # ask_counts starts as {} (never None), so the form never asks for it.
        return [*domain_slots, ASK_COUNTS]

    async def get_extraction_events(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """The asked question's answer first, when the NLU was unsure the message was a
        digression (bot.qualification.answers_despite_digression): it goes on the tracker
        before the other extractions, so ask counting sees an answered question and Rasa
        runs the form instead of the digression's rule."""
        taken = self._answer_under_a_digression(tracker)
        tracker.add_slots(taken)
        return [*taken, *await super().get_extraction_events(dispatcher, tracker, domain)]

    def _answer_under_a_digression(self, tracker: Tracker) -> list[EventType]:
        try:
            slot = tracker.get_slot("requested_slot")
            if slot not in FORM_SLOTS or not _right_after_the_visitor(tracker, self.form_name()):
                return []
            visitor = last_visitor_message(tracker)
            answer = build_answer(
                slot,
                visitor.text,
                message=visitor.text,
                intent=visitor.intent,
                mentions=[mention(e, visitor.text) for e in visitor.entities],
                requested=True,
                today=datetime.now(timezone.utc).date(),
            )
            if answers_despite_digression(answer, visitor.confidence):
                return [SlotSet(slot, visitor.text)]
            return []
        except Exception:
            logger.exception("reading an answer under a digression failed")
            return []

    async def get_validation_events(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        events = list(await super().get_validation_events(dispatcher, tracker, domain))
        return without_echoes(events, tracker)

    async def extract_ask_counts(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """Counts the asks so far; a question asked MAX_ASKS times that this message does
        not answer gets NO_ANSWER (validate_<slot> records it as unknown).

        Right after a message that fills none of the form's slots (a digression: "why do
        you ask?", an FAQ question) it changes nothing, so that Rasa rejects the form's turn
        and the digression's rule answers first; the count and the giving up happen when the
        form comes back after it."""
        try:
            answered = set(tracker.slots_to_validate())
            form_slots = self.domain_slots(domain)
            if _right_after_the_visitor(tracker, self.form_name()) and not answered & set(
                form_slots
            ):
                return {}
            asks = asks_so_far(tracker, self.form_name())
            updates: dict[str, Any] = {}
            if asks != (tracker.get_slot(ASK_COUNTS) or {}):
                updates[ASK_COUNTS] = asks
            for slot in form_slots:
                if (
                    tracker.get_slot(slot) is None
                    and asks.get(slot, 0) >= MAX_ASKS
                    and slot not in answered
                ):
                    updates[slot] = NO_ANSWER
            return updates
        except Exception:
            logger.exception("counting the form's questions failed")
            return {}

    async def extract_need(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """A need told in passing while answering something else (or in the opening) is
        kept, so it is never asked again; validate_need judges it like any volunteered fact."""
        try:
            if tracker.get_slot("need") is not None or tracker.get_slot("requested_slot") == "need":
                return {}
            if not set(tracker.slots_to_validate()) & set(self.domain_slots(domain)):
                return {}  # nothing of the form in this message (a digression, or none)
            visitor = last_visitor_message(tracker)
            need = volunteered_need(
                visitor.text, [mention(e, visitor.text) for e in visitor.entities]
            )
            return {"need": need} if need else {}
        except Exception:
            logger.exception("reading a volunteered need failed")
            return {}

    async def extract_authority(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """Who decides, told without a title while answering something else ("I own a
        physio clinic and...", "I'm here about the job posting"): kept like a need told in
        passing, so it is never asked; validate_authority judges it."""
        try:
            if tracker.get_slot("authority") is not None:
                return {}
            if tracker.get_slot("requested_slot") == "authority":
                return {}
            if "authority" in tracker.slots_to_validate():
                return {}  # DIET tagged a role: Rasa's own mapping has it
            if not set(tracker.slots_to_validate()) & set(self.domain_slots(domain)):
                return {}
            told = decider_told_with_the_need(last_visitor_message(tracker).text)
            return {"authority": told} if told else {}
        except Exception:
            logger.exception("reading a volunteered authority failed")
            return {}

    async def validate_ask_counts(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return {ASK_COUNTS: value}

    async def validate_need(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return self.judge_slot("need", value, dispatcher, tracker)

    async def validate_budget(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return self.judge_slot("budget", value, dispatcher, tracker)

    async def validate_authority(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return self.judge_slot("authority", value, dispatcher, tracker)

    async def validate_timeline(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return self.judge_slot("timeline", value, dispatcher, tracker)

    async def validate_name(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return self.judge_slot("name", value, dispatcher, tracker)

    async def validate_email(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return self.judge_slot("email", value, dispatcher, tracker)

    async def validate_company(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return self.judge_slot("company", value, dispatcher, tracker)

    def judge_slot(
        self,
        slot: str,
        value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        requested: bool | None = None,
    ) -> dict[str, Any]:
        """`requested`: whether the slot's question was asked (default: the requested slot)."""
        if requested is None:
            requested = tracker.get_slot("requested_slot") == slot
        attempts: dict[str, int] = dict(tracker.get_slot("failed_attempts") or {})
        if value == NO_ANSWER and previous_slot_value(tracker, slot) == NO_ANSWER:
            return {slot: value}  # given up on earlier (the form validates it again when resumed)
        try:
            if value == NO_ANSWER:
                verdict = give_up(slot)
            else:
                verdict = judge_answer(self._answer(slot, value, tracker, attempts, requested))
        except Exception:
            # A bug in a normalizer must not cost the visitor the conversation: ask again.
            logger.exception("judging %s failed", slot)
            verdict = Verdict(slot=slot, value=None, response="utter_default", failed=True)
        return self._apply(verdict, attempts, dispatcher, tracker, requested)

    @staticmethod
    def _answer(
        slot: str, value: Any, tracker: Tracker, attempts: dict[str, int], requested: bool
    ) -> Any:
        visitor = last_visitor_message(tracker)
        return build_answer(
            slot,
            _as_text(value),
            message=visitor.text,
            intent=visitor.intent,
            mentions=[mention(e, visitor.text) for e in visitor.entities],
            requested=requested,
            today=datetime.now(timezone.utc).date(),
            failed_attempts=int(attempts.get(slot, 0)),
            asks=int((tracker.get_slot(ASK_COUNTS) or {}).get(slot, 0)),
            known=previous_slot_value(tracker, slot) is not None,
        )

    @staticmethod
    def _apply(
        verdict: Verdict,
        attempts: dict[str, int],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        requested: bool,
    ) -> dict[str, Any]:
        slot = verdict.slot
        if verdict.response:
            dispatcher.utter_message(response=verdict.response, **verdict.response_args)
        if verdict.failed:
            attempts[slot] = attempts.get(slot, 0) + 1
        elif verdict.accepted:
            attempts.pop(slot, None)

        if not verdict.accepted and not requested:
            # Rejected noise: keep whatever the visitor told us before.
            return {slot: previous_slot_value(tracker, slot)}

        updates: dict[str, Any] = {slot: verdict.value}
        if attempts != (tracker.get_slot("failed_attempts") or {}):
            # Only a change: every event is replayed on every later turn of the conversation.
            updates["failed_attempts"] = attempts
        if slot in DETAIL_SLOTS and verdict.accepted:
            updates[DETAIL_SLOTS[slot]] = verdict.detail
        skipped = list(tracker.get_slot("skipped_slots") or [])
        if verdict.skipped and slot not in skipped:
            updates["skipped_slots"] = [*skipped, slot]
        elif verdict.accepted and not verdict.skipped and slot in skipped:
            updates["skipped_slots"] = [s for s in skipped if s != slot]
        return updates


class ValidateHandoffForm(ValidateQualificationForm):
    """The visitor asked for a person: the same judging of the one question (an email).
    Other facts the same message volunteers are judged by action_validate_slot_mappings
    (actions/volunteered.py): Rasa hands this form only its own slots."""

    def name(self) -> str:
        return "validate_handoff_form"


def without_echoes(events: list[EventType], tracker: Tracker) -> list[EventType]:
    """One span, one fact: a name also read as the company (or the reverse) is dropped
    from the slot that did not ask for it (bot.qualification.echoed_slots); that slot
    keeps its earlier value."""
    set_now = {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
    values = {slot: tracker.get_slot(slot) for slot in ("name", "company")} | set_now
    dropped = echoed_slots(values, tracker.get_slot("requested_slot")) & set_now.keys()
    if not dropped:
        return events
    return [
        SlotSet(e["name"], previous_slot_value(tracker, e["name"]))
        if e.get("event") == "slot" and e["name"] in dropped
        else e
        for e in events
    ]


def _right_after_the_visitor(tracker: Tracker, form: str) -> bool:
    """The form runs on the visitor's new message (not coming back after a digression,
    not being activated): the action before it was action_listen."""
    actions = [str(e.get("name")) for e in tracker.events if e.get("event") == "action"]
    while actions and actions[-1] == form:
        actions.pop()  # the temporary tracker Rasa sends ends with the form's own action
    return (
        bool(actions) and actions[-1] == "action_listen" and tracker.active_loop.get("name") == form
    )


def mention(entity: dict[str, Any], text: str = "") -> Mention:
    """An entity as the visitor typed it: DIET reads a lower-cased copy of the message
    (config.yml), so its value is "café lumière" where the visitor wrote "Café Lumière",
    and the case is what tells a company or a name from other words."""
    start, end = entity.get("start"), entity.get("end")
    start = start if isinstance(start, int) else None
    end = end if isinstance(end, int) else None
    value = str(entity.get("value"))
    if start is not None and end is not None and 0 <= start < end <= len(text):
        typed = text[start:end]
        value = typed if typed.lower() == value.lower() else value
    return Mention(kind=str(entity.get("entity")), value=value, start=start, end=end)


def _as_text(value: Any) -> str:
    if isinstance(value, list):
        value = value[-1] if value else ""
    return "" if value is None else str(value)
