"""Validation of the qualification form: one validate_<slot> per form slot.

Every method hands the candidate to bot.qualification.judge_answer and turns the verdict
into slot values and messages. Nothing here may raise: rasa-sdk would answer Rasa with an
error body echoing the tracker, the visitor's personal data included.
"""

from __future__ import annotations

import logging
from datetime import datetime, timezone
from typing import Any

from rasa_sdk import FormValidationAction, Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.tracker_tools import latest_entities, latest_intent, latest_text, previous_slot_value
from bot.qualification import (
    DETAIL_SLOTS,
    SLOT_ENTITIES,
    WHOLE_ANSWER_SLOTS,
    Answer,
    Verdict,
    judge_answer,
)

logger = logging.getLogger(__name__)


class ValidateQualificationForm(FormValidationAction):
    """Judges each answer of the BANT + contact form."""

    def name(self) -> str:
        return "validate_qualification_form"

    async def validate_need(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return self._validate("need", value, dispatcher, tracker)

    async def validate_budget(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return self._validate("budget", value, dispatcher, tracker)

    async def validate_authority(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return self._validate("authority", value, dispatcher, tracker)

    async def validate_timeline(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return self._validate("timeline", value, dispatcher, tracker)

    async def validate_name(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return self._validate("name", value, dispatcher, tracker)

    async def validate_email(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return self._validate("email", value, dispatcher, tracker)

    async def validate_company(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return self._validate("company", value, dispatcher, tracker)

    def _validate(
        self, slot: str, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker
    ) -> dict[str, Any]:
        attempts: dict[str, int] = dict(tracker.get_slot("failed_attempts") or {})
        requested = tracker.get_slot("requested_slot") == slot
        entities = latest_entities(tracker)
        own = [str(e.get("value")) for e in entities if e.get("entity") in SLOT_ENTITIES[slot]]
        others = {
            name
            for name, kinds in SLOT_ENTITIES.items()
            if name != slot and kinds
            for e in entities
            if e.get("entity") in kinds[:1]  # DIET's entity, not spaCy's
        }
        message = latest_text(tracker)
        candidate = _as_text(value)
        if requested and slot in WHOLE_ANSWER_SLOTS and message:
            text, alternatives = message, (candidate, *own)
        else:
            text, alternatives = candidate, ((*own, message) if requested else tuple(own))
        answer = Answer(
            slot=slot,
            text=text,
            intent=latest_intent(tracker),
            requested=requested,
            failed_attempts=int(attempts.get(slot, 0)),
            today=datetime.now(timezone.utc).date(),
            alternatives=alternatives,
            answered_other_slot=bool(others),
        )
        try:
            verdict = judge_answer(answer)
        except Exception:
            # A bug in a normalizer must not cost the visitor the conversation: ask again.
            logger.exception("judging %s failed", slot)
            verdict = Verdict(slot=slot, value=None, response="utter_default", failed=True)
        return self._apply(verdict, attempts, dispatcher, tracker)

    @staticmethod
    def _apply(
        verdict: Verdict,
        attempts: dict[str, int],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
    ) -> dict[str, Any]:
        slot = verdict.slot
        if verdict.response:
            dispatcher.utter_message(response=verdict.response, **verdict.response_args)
        if verdict.failed:
            attempts[slot] = attempts.get(slot, 0) + 1
        elif verdict.accepted:
            attempts.pop(slot, None)

        if not verdict.accepted and tracker.get_slot("requested_slot") != slot:
            # Rejected noise: keep whatever the visitor told us before.
            return {slot: previous_slot_value(tracker, slot)}

        updates: dict[str, Any] = {slot: verdict.value, "failed_attempts": attempts}
        if slot in DETAIL_SLOTS and verdict.accepted:
            updates[DETAIL_SLOTS[slot]] = verdict.detail
        skipped = list(tracker.get_slot("skipped_slots") or [])
        if verdict.skipped and slot not in skipped:
            updates["skipped_slots"] = [*skipped, slot]
        elif verdict.accepted and not verdict.skipped and slot in skipped:
            updates["skipped_slots"] = [s for s in skipped if s != slot]
        return updates


def _as_text(value: Any) -> str:
    if isinstance(value, list):
        value = value[-1] if value else ""
    return "" if value is None else str(value)
