"""Scoring and storing the lead at the end of qualification (or when the visitor leaves).

Reads the normalized facts from the *_detail slots, the page context from the first
message's metadata and the transcript from the tracker; hands them to
bot.capture.capture_lead; tells the visitor what happens next in plain words, and that the
lead was kept only when it was (stored, spooled, or quarantined with a copy on disk).
"""

from __future__ import annotations

import logging
from datetime import datetime, timezone
from typing import Any, Literal

from rasa_sdk import Action, Tracker
from rasa_sdk.events import FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.handoff import lead_stored_hook
from actions.services import services
from actions.tracker_tools import last_form
from bot.capture import capture_lead
from bot.facts import Authority, Budget, EmailCheck, Need, Timeline
from bot.leads.service import SOURCE_FIELDS, LeadInput, TranscriptEntry
from bot.qualification import FORM_SLOTS

logger = logging.getLogger(__name__)

SOURCE_KEYS = (*SOURCE_FIELDS, "time_zone")


def _detail(tracker: Tracker, slot: str, kind: Any) -> Any:
    value = tracker.get_slot(f"{slot}_detail")
    return kind.from_slot(value) if isinstance(value, dict) else None


def _contact(tracker: Tracker, slot: str) -> str | None:
    skipped = tracker.get_slot("skipped_slots") or []
    value = tracker.get_slot(slot)
    return None if slot in skipped or not value else str(value)


def _source(tracker: Tracker) -> dict[str, Any]:
    """Page context the widget sends as message metadata; the first message's wins."""
    source: dict[str, Any] = {}
    for event in tracker.events:
        if event.get("event") != "user":
            continue
        metadata = event.get("metadata") or {}
        for key in SOURCE_KEYS:
            if key not in source and isinstance(metadata.get(key), str) and metadata[key]:
                source[key] = metadata[key][:2000]
    return source


def _transcript(tracker: Tracker) -> tuple[TranscriptEntry, ...]:
    entries: list[TranscriptEntry] = []
    for event in tracker.events:
        kind = event.get("event")
        text = event.get("text")
        if kind not in ("user", "bot") or not text:
            continue
        at = datetime.fromtimestamp(float(event.get("timestamp") or 0), tz=timezone.utc)
        entries.append(
            TranscriptEntry(
                seq=len(entries),
                sender=_sender(event),
                text=str(text),
                at=at,
            )
        )
    return tuple(entries)


def _sender(event: dict[str, Any]) -> Literal["visitor", "bot", "agent"]:
    """visitor, bot, or agent: a rep's message after a takeover is a bot event that the
    gateway marks with metadata.sender "agent" (bot/web/routes_conversations.py)."""
    if event.get("event") == "user":
        return "visitor"
    return "agent" if (event.get("metadata") or {}).get("sender") == "agent" else "bot"


def lead_input_from_tracker(tracker: Tracker) -> LeadInput:
    email = _detail(tracker, "email", EmailCheck)
    return LeadInput(
        conversation_id=tracker.sender_id,
        budget=_detail(tracker, "budget", Budget),
        authority=_detail(tracker, "authority", Authority),
        need=_detail(tracker, "need", Need),
        timeline=_detail(tracker, "timeline", Timeline),
        name=_contact(tracker, "name"),
        company=_contact(tracker, "company"),
        email=email if email is not None and email.acceptable else None,
        source=_source(tracker),
        transcript=_transcript(tracker),
        human_requested=bool(tracker.get_slot("human_requested")),
    )


class ActionScoreAndStoreLead(Action):
    """Complete form: score, store, say what's next. Left half-way: store silently if we
    have an email to follow up on (a lead without a way to reach them is no lead)."""

    def name(self) -> str:
        return "action_score_and_store_lead"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        complete = all(tracker.get_slot(slot) is not None for slot in FORM_SLOTS)
        # Right after the handoff form: the visitor asked for a person and waits for word.
        handoff = not complete and last_form(tracker) == "handoff_form"
        try:
            data = lead_input_from_tracker(tracker)
            if not complete and data.email is None:
                if handoff:
                    dispatcher.utter_message(response="utter_human_handoff_no_email")
                return [SlotSet("lead_route", None)]
            svc = services()
            capture = await capture_lead(
                data, rubric=svc.rubric, uow_factory=svc.uow, spool=svc.spool,
                on_stored=lead_stored_hook(svc),  # handoff (issue 12): rep told in the same commit
            )  # fmt: skip
        except Exception:
            logger.exception("scoring/storing the lead failed for %s", tracker.sender_id)
            if complete or handoff:
                dispatcher.utter_message(response="utter_lead_not_saved")
            return []

        if not capture.safe:  # no copy anywhere: never say it was kept
            dispatcher.utter_message(response="utter_lead_not_saved")
            return []
        if handoff and data.email is not None:
            dispatcher.utter_message(response="utter_human_handoff", email=data.email.normalized)
        elif complete:
            name = data.name.split()[0] if data.name else None
            thanks = f"Thanks, {name}!" if name else "Thanks!"
            reachable = data.email is not None
            response = f"utter_lead_{capture.score.route}" + ("" if reachable else "_no_email")
            dispatcher.utter_message(
                response=response, thanks=thanks, email=data.email.normalized if data.email else ""
            )
        events = [
            SlotSet("lead_score", capture.score.total),
            # Only a finished qualification has a route to follow (slots or nurture): a lead
            # stored half-way (a person asked for, a goodbye) has none, so nothing is offered.
            SlotSet("lead_route", capture.score.route if complete else None),
        ]
        if complete and capture.score.route == "nurture" and data.email is not None:
            events.append(FollowupAction("nurture_consent_form"))  # actions/nurture.py
        return events
