"""The email question in the chat, and enrollment when the visitor says yes.

A nurture lead with an email (and a handoff lead who declined to book: slot
`booking_status` is "declined") gets `nurture_consent_form`, started by a FollowupAction
after the lead is stored. The form asks once (the notice text comes from
bot.nurture.service, so what is stored is exactly what was shown), understands yes, no and
anything in between, asks once more when unclear, and takes a second unclear answer as no.
`action_nurture_consent` stores the answer and enrolls. Nothing here raises.
"""

from __future__ import annotations

import logging
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.services import services
from actions.tracker_tools import last_visitor_message
from bot.nurture.consent import classify_answer
from bot.nurture.sequences import SequenceBook, load_sequences
from bot.nurture.service import CONSENT_NOTICE, enroll, record_consent

logger = logging.getLogger(__name__)

FORM = "nurture_consent_form"
SLOT = "nurture_consent"
TRIES = "nurture_consent_tries"

_book: tuple[Path, SequenceBook] | None = None


def sequence_book() -> SequenceBook:
    """sequences.yml, read once (checked at start by the bootstrap's pre-start step)."""
    global _book
    path = services().settings.sequences_file
    if _book is None or _book[0] != path:
        _book = (path, load_sequences(path))
    return _book[1]


def wants_the_question(tracker: Tracker) -> bool:
    """A nurture lead, or a handoff lead who did not book, with an email we may use."""
    if not tracker.get_slot("email"):
        return False
    route = tracker.get_slot("lead_route")
    return bool(route == "nurture" or tracker.get_slot("booking_status") == "declined")


class ActionAskNurtureConsent(Action):
    def name(self) -> str:
        return "action_ask_nurture_consent"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        dispatcher.utter_message(text=CONSENT_NOTICE)
        return []


class ValidateNurtureConsentForm(FormValidationAction):
    def name(self) -> str:
        return "validate_nurture_consent_form"

    async def required_slots(
        self,
        domain_slots: list[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[str]:
        return [SLOT] if wants_the_question(tracker) else []

    async def validate_nurture_consent(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        message = last_visitor_message(tracker)
        verdict = classify_answer(str(value or message.text), message.intent)
        if verdict is not None:
            return {SLOT: verdict}
        tries = int(tracker.get_slot(TRIES) or 0) + 1
        if tries >= 2:  # still not a yes: no consent, and no third question
            return {SLOT: "declined", TRIES: tries}
        dispatcher.utter_message(response="utter_nurture_consent_unclear")
        return {SLOT: None, TRIES: tries}


class ActionNurtureConsent(Action):
    """Store the answer; on yes, enroll in the sequence the lead's weakest criterion picks."""

    def name(self) -> str:
        return "action_nurture_consent"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        answer = tracker.get_slot(SLOT)
        if answer not in ("granted", "declined") or not wants_the_question(tracker):
            return []
        now = datetime.now(timezone.utc)
        try:
            svc = services()
            words = last_visitor_message(tracker).text
            lead_id = await record_consent(
                svc.session_factory, tracker.sender_id, answer, words, now
            )
            if lead_id is None:  # the lead is spooled (database down): ask again next time
                dispatcher.utter_message(response="utter_nurture_consent_not_saved")
                return [SlotSet(SLOT, None)]
            if answer == "declined":
                dispatcher.utter_message(response="utter_nurture_consent_declined")
                return []
            outcome = await enroll(
                svc.session_factory,
                sequence_book(),
                lead_id,
                now,
                mail_from=svc.settings.mail_from,
                handoff_declined=tracker.get_slot("lead_route") != "nurture",
                conversation_id=tracker.sender_id,
            )
        except Exception:
            logger.exception("nurture consent failed for %s", tracker.sender_id)
            dispatcher.utter_message(response="utter_nurture_consent_not_saved")
            return [SlotSet(SLOT, None)]
        if outcome.status in ("enrolled", "already_enrolled"):
            dispatcher.utter_message(response="utter_nurture_consent_granted")
        else:  # suppressed (unsubscribed before), booked...: no emails, and no promise
            dispatcher.utter_message(response="utter_nurture_consent_noted")
        return []
