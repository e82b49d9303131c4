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

from actions.tracker_tools import last_visitor_message, previous_slot_value
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
        visitor = last_visitor_message(tracker)
        entities, message = visitor.entities, visitor.text
        own_entities = [e for e in entities if e.get("entity") in SLOT_ENTITIES[slot]]
        own = [str(e.get("value")) for e in own_entities]
        joined = _joined_span(message, own_entities)
        if joined:
            own.append(joined)  # DIET split "head of marketing" into "head" + "marketing"
        other_entities = [
            e
            for name, kinds in SLOT_ENTITIES.items()
            if name != slot and kinds
            for e in entities
            if e.get("entity") in kinds[:1]  # DIET's entity, not spaCy's
        ]
        candidate = _as_text(value)
        if requested and slot in WHOLE_ANSWER_SLOTS and message:
            text, alternatives = message, (candidate, *own)
        else:
            text, alternatives = candidate, ((*own, message) if requested else tuple(own))
        answer = Answer(
            slot=slot,
            text=text,
            intent=visitor.intent,
            requested=requested,
            failed_attempts=int(attempts.get(slot, 0)),
            today=datetime.now(timezone.utc).date(),
            alternatives=alternatives,
            answered_other_slot=bool(other_entities),
            residual=_without_spans(message, other_entities) if other_entities else None,
            message=message,
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


def _spans(entities: list[dict[str, Any]]) -> list[tuple[int, int]]:
    return [
        (int(e["start"]), int(e["end"]))
        for e in entities
        if isinstance(e.get("start"), int) and isinstance(e.get("end"), int)
    ]


def _joined_span(message: str, entities: list[dict[str, Any]]) -> str | None:
    """The text from the first to the last of several same-kind entities."""
    spans = _spans(entities)
    if len(spans) < 2:
        return None
    start, end = min(s for s, _ in spans), max(e for _, e in spans)
    return message[start:end] if 0 <= start < end <= len(message) else None


def _without_spans(message: str, entities: list[dict[str, Any]]) -> str:
    """The message with other slots' entities cut out: what is left to answer with."""
    kept, cursor = [], 0
    for start, end in sorted(_spans(entities)):
        kept.append(message[cursor:start])
        cursor = max(cursor, end)
    kept.append(message[cursor:])
    return " ".join("".join(kept).split())


def _as_text(value: Any) -> str:
    if isinstance(value, list):
        value = value[-1] if value else ""
    return "" if value is None else str(value)
