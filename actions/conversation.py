"""Conversation helpers that are not part of a form."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from bot.qualification import FORM_SLOTS


class ActionExplainWhy(Action):
    """Answers "why do you ask?" for the question the form is asking right now."""

    def name(self) -> str:
        return "action_explain_why"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        slot = tracker.get_slot("requested_slot")
        response = f"utter_why_{slot}" if slot in FORM_SLOTS else "utter_why_general"
        dispatcher.utter_message(response=response)
        return []
