"""Conversation helpers that are not part of a form: explaining a question, and what to do
when the bot did not understand (bot/fallback.py decides)."""

from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.tracker_tools import last_visitor_message
from bot.fallback import fallbacks_in_a_row, likely_options, next_step
from bot.qualification import FORM_SLOTS

logger = logging.getLogger(__name__)

CLARIFY_INTENT = "clarify"


class ActionExplainWhy(Action):
    """Answers "why do you ask?" or "what do you mean?" for the question the form is asking
    right now; the form then asks it again (and counts that ask)."""

    def name(self) -> str:
        return "action_explain_why"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        slot = tracker.get_slot("requested_slot")
        kind = "clarify" if last_visitor_message(tracker).intent == CLARIFY_INTENT else "why"
        response = f"utter_{kind}_{slot}" if slot in FORM_SLOTS else f"utter_{kind}_general"
        dispatcher.utter_message(response=response)
        return []


class ActionFallback(Action):
    """Not understood, outside the form: rephrase, then the likely meanings as buttons and
    a person, then a person (the handoff form asks for an email to reach the visitor)."""

    def name(self) -> str:
        return "action_fallback"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        try:
            step = next_step(fallbacks_in_a_row(_bot_actions_before_this_message(tracker)))
        except Exception:
            logger.exception("counting not-understood replies failed")
            step = "options"
        if step == "rephrase":
            dispatcher.utter_message(response="utter_default")
            return []
        if step == "options":
            ranking = [
                str(i.get("name"))
                for i in (tracker.latest_message or {}).get("intent_ranking") or []
            ]
            buttons = [{"title": o.title, "payload": o.payload} for o in likely_options(ranking)]
            dispatcher.utter_message(response="utter_fallback_options", buttons=buttons)
            return []
        # No third "sorry": the handoff form's question says a person will take over.
        return [SlotSet("human_requested", True), FollowupAction("handoff_form")]


def _bot_actions_before_this_message(tracker: Tracker) -> list[str]:
    """Action names before the visitor's latest message, newest first."""
    events = list(tracker.events)
    last_user = max((i for i, e in enumerate(events) if e.get("event") == "user"), default=0)
    return [str(e.get("name")) for e in reversed(events[:last_user]) if e.get("event") == "action"]
