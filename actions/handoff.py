"""The handoff in the chat: slot buttons, booking, "call me instead", "talk to a human".

Thin: read the tracker, call one bot.handoff.service use case, turn the answer into
messages and slots. Nothing escapes: on any error the visitor gets a kind reply and
`booking_status` becomes "declined", so the follow-up by email (nurture) takes over.
"""

from __future__ import annotations

import abc
import asyncio
import logging
import re
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import phonenumbers
from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.services import services
from actions.tracker_tools import VisitorMessage, last_visitor_message
from bot.bootstrap import Services
from bot.handoff.reps import Rep, zone_or_none
from bot.handoff.routing import country_of_zone
from bot.handoff.service import BusyByRep, book, offer_slots, request_human
from bot.handoff.wording import parse_day, slot_label, which_zone, zone_label, zone_switched
from bot.handoff.zone_text import ZoneReading, read_zone, without
from bot.leads.service import StoredHook

logger = logging.getLogger(__name__)

ORDINALS = {"first": 0, "1st": 0, "one": 0, "second": 1, "2nd": 1, "two": 1, "third": 2,
            "3rd": 2, "three": 2, "last": 2}  # fmt: skip
ROUNDS_BEFORE_ASKING_A_DAY = 2
# The zone the visitor named in words, when the browser sent none (an IANA name).
VISITOR_ZONE_SLOT = "visitor_time_zone"


def lead_stored_hook(svc: Services) -> StoredHook:
    """For capture_lead: the services' hook (a hot lead gets its rep and lead.qualified)."""
    return svc.lead_stored_hook()


def browser_zone(tracker: Tracker) -> ZoneInfo | None:
    """The widget sends the browser's IANA zone as message metadata `time_zone`."""
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            zone = zone_or_none((event.get("metadata") or {}).get("time_zone"))
            if zone is not None:
                return zone
    return None


def named_zone(tracker: Tracker) -> ZoneInfo | None:
    """The zone the visitor named ("I'm in London"), kept in the `visitor_time_zone` slot.
    Read from the slot events too: a slot domain.yml does not declare keeps its event in
    the tracker but no value."""
    value = tracker.get_slot(VISITOR_ZONE_SLOT)
    if value is None:
        value = next(
            (
                e.get("value")
                for e in reversed(tracker.events)
                if e.get("event") == "slot" and e.get("name") == VISITOR_ZONE_SLOT
            ),
            None,
        )
    return zone_or_none(value) if isinstance(value, str) else None


def visitor_zone(tracker: Tracker) -> ZoneInfo | None:
    """The browser's zone, else the one the visitor named; None: we don't know it."""
    return browser_zone(tracker) or named_zone(tracker)


def zone_reply(tracker: Tracker, now: datetime | None = None) -> ZoneReading | None:
    """The zone the visitor's last message names, read only while slots are on offer in a
    zone we guessed (no browser zone): the answer to "tell me your city's time zone"."""
    if browser_zone(tracker) is not None or tracker.get_slot("booking_status") != "offered":
        return None
    if not tracker.get_slot("offered_slots"):
        return None
    return read_zone(last_visitor_message(tracker).text, now or services().clock.now())


async def _busy(svc: Services, *, fresh: bool) -> BusyByRep:
    reps = list(svc.handoff.team.reps.values())
    found = await asyncio.gather(*(svc.calendars.busy(rep, fresh=fresh) for rep in reps))
    return {rep.id: busy for rep, busy in zip(reps, found, strict=True)}


def _buttons(slots: list[datetime], zone: ZoneInfo) -> list[dict[str, str]]:
    buttons = [
        {
            "title": slot_label(start, zone),
            "payload": f'/choose_slot{{"slot_start":"{start.isoformat()}"}}',
        }
        for start in slots
    ]
    buttons.append({"title": "Other times", "payload": "/other_times"})
    buttons.append({"title": "Call me instead", "payload": "/call_instead"})
    return buttons


def _offer(
    dispatcher: CollectingDispatcher, rep: Rep, slots: list[datetime], zone: ZoneInfo | None,
    response: str,
) -> list[dict[str, Any]]:  # fmt: skip
    shown = zone or rep.zone
    where = (
        f"your time ({zone_label(shown)})"
        if zone
        else f"{zone_label(shown)} time (tell me your city's time zone if that's not yours)"
    )
    dispatcher.utter_message(
        response=response,
        rep=rep.name.split()[0],
        minutes=int(rep.meeting.total_seconds() // 60),
        zone=where,
        buttons=_buttons(slots, shown),
    )
    return [
        SlotSet("offered_slots", [s.isoformat() for s in slots]),
        SlotSet("booking_status", "offered"),
    ]


def _declined(
    dispatcher: CollectingDispatcher, response: str, **values: Any
) -> list[dict[str, Any]]:
    dispatcher.utter_message(response=response, **values)
    return [SlotSet("booking_status", "declined")]


def _offered(tracker: Tracker) -> list[datetime]:
    return [datetime.fromisoformat(s) for s in tracker.get_slot("offered_slots") or []]


def _reshow(
    dispatcher: CollectingDispatcher, tracker: Tracker, reading: ZoneReading
) -> list[dict[str, Any]]:
    """The same slots again, in the zone the visitor named ("Here are the times in
    Europe/London time."); when their words fit several zones, the question which one."""
    if reading.zone is None:
        dispatcher.utter_message(text=which_zone(reading.options))
        return []
    dispatcher.utter_message(
        text=zone_switched(reading.zone, reading.options),
        buttons=_buttons(_offered(tracker), reading.zone),
    )
    return [SlotSet(VISITOR_ZONE_SLOT, reading.zone.key)]


def _names_only_a_zone(reading: ZoneReading, message: VisitorMessage, now: datetime) -> bool:
    """ "I'm in London" re-shows the same slots; "thursday afternoon, London time" or
    "other times (I'm in London)" asks for other slots, shown in that zone."""
    if reading.zone is None or message.intent == "other_times":
        return reading.zone is None
    return parse_day(without(message.text, reading.spans), now, reading.zone) is None


class _BookingAction(Action, abc.ABC):
    """A step of the booking whose failure (database, calendar feed, a bug) the visitor
    sees as an apology and the email follow-up, never as a silent bot."""

    doing = "booking"  # for the log: "<doing> failed for <conversation>"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        try:
            return await self._run(dispatcher, tracker)
        except Exception:
            logger.exception("%s failed for %s", self.doing, tracker.sender_id)
            return _declined(dispatcher, "utter_booking_error")

    @abc.abstractmethod  # abstract: rasa_sdk registers no abstract class as an action
    async def _run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker
    ) -> list[dict[str, Any]]: ...


class ActionOfferSlots(_BookingAction):
    """Three slots as buttons, "other times" (the next three; after two rounds it also
    asks for a day), or the slots a free-text day ("thursday afternoon") allows."""

    doing = "offering slots"

    def name(self) -> str:
        return "action_offer_slots"

    async def _run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker
    ) -> list[dict[str, Any]]:
        svc = services()
        now = svc.clock.now()
        message = last_visitor_message(tracker)
        offered = _offered(tracker)
        reading = zone_reply(tracker, now)
        if reading is not None and _names_only_a_zone(reading, message, now):
            return _reshow(dispatcher, tracker, reading)
        zone = reading.zone if reading else visitor_zone(tracker)
        text = without(message.text, reading.spans) if reading else message.text
        named = [SlotSet(VISITOR_ZONE_SLOT, zone.key)] if reading and zone else []
        rounds = int(tracker.get_slot("offer_round") or 0)
        after = None
        day = None
        if message.intent == "other_times":
            rounds += 1
            after = max(offered) if offered else None
        elif message.intent in ("suggest_time", "inform") or named:
            day = parse_day(text, now, zone or ZoneInfo("UTC"))
        else:
            rounds = 0
        external = await _busy(svc, fresh=False)
        offer = await offer_slots(
            svc.uow(), svc.handoff, tracker.sender_id, now, external=external,
            after=after + svc.handoff.team.slot_step if after else None,
            day_filter=day, visitor_zone=zone,
        )  # fmt: skip
        if offer is None:
            return _declined(dispatcher, "utter_booking_unavailable")
        events: list[dict[str, Any]] = [*named, SlotSet("offer_round", rounds)]
        if day is not None and not offer.slots:
            dispatcher.utter_message(response="utter_booking_nothing_then")
            offer = await offer_slots(
                svc.uow(), svc.handoff, tracker.sender_id, now, external=external, visitor_zone=zone
            )
            assert offer is not None
        if not offer.slots:
            return events + _declined(dispatcher, "utter_booking_unavailable")
        if message.intent == "other_times" and rounds >= ROUNDS_BEFORE_ASKING_A_DAY:
            dispatcher.utter_message(response="utter_booking_ask_day")
        response = (
            "utter_booking_more_times"
            if message.intent == "other_times" or named
            else "utter_booking_offer"
        )
        return events + _offer(dispatcher, offer.rep, offer.slots, zone, response)


def _chosen_start(tracker: Tracker, text: str) -> datetime | None:
    """The button's `slot_start`, else "the first/second/third one" of the slots shown
    (read in `text`: the message without the words that named a zone)."""
    value = tracker.get_slot("slot_start")
    if value:
        try:
            start = datetime.fromisoformat(str(value))
        except ValueError:
            start = None
        if start is not None and start.tzinfo is not None:
            return start
    offered = tracker.get_slot("offered_slots") or []
    words = re.findall(r"[a-z0-9]+", text.lower()[:2000])
    for word in words:
        if word in ORDINALS and ORDINALS[word] < len(offered):
            return datetime.fromisoformat(offered[ORDINALS[word]])
    return None


class ActionBookSlot(_BookingAction):
    """Books the chosen slot (the rep's calendar re-read first); a slot taken meanwhile
    gets a polite offer of the next ones."""

    doing = "booking"

    def name(self) -> str:
        return "action_book_slot"

    async def _run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker
    ) -> list[dict[str, Any]]:
        svc = services()
        now = svc.clock.now()
        text = last_visitor_message(tracker).text
        reading = zone_reply(tracker, now)
        start = _chosen_start(tracker, without(text, reading.spans) if reading else text)
        if reading is not None and (start is None or reading.zone is None):
            return _reshow(dispatcher, tracker, reading)
        if start is None:
            dispatcher.utter_message(response="utter_booking_which_slot")
            return []
        zone = reading.zone if reading else visitor_zone(tracker)
        named = [SlotSet(VISITOR_ZONE_SLOT, zone.key)] if reading and zone else []
        external = await _busy(svc, fresh=True)
        booking = await book(
            svc.uow(), svc.handoff, tracker.sender_id, start, now,
            visitor_zone=zone.key if zone else None, external=external,
        )  # fmt: skip
        if booking is None:
            return [*named, *_declined(dispatcher, "utter_booking_unavailable")]
        shown = zone or booking.rep.zone
        if not booking.booked:
            if not booking.alternatives:
                return [*named, *_declined(dispatcher, "utter_booking_unavailable")]
            taken = "utter_booking_slot_taken"
            offered = _offer(dispatcher, booking.rep, booking.alternatives, zone, taken)
            return [*named, SlotSet("slot_start", None), *offered]
        email = tracker.get_slot("email")
        dispatcher.utter_message(
            response="utter_booking_confirmed",
            rep=booking.rep.name,
            when=f"{slot_label(start, shown)} ({zone_label(shown)})",
            invite=f"A calendar invite is on its way to {email}." if email else "",
            manage_url=booking.manage_url or "",
        )
        return [*named, SlotSet("booking_status", "booked"), SlotSet("slot_start", None)]


class ActionDeclineBooking(Action):
    def name(self) -> str:
        return "action_decline_booking"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        # "no, I'm in London": not a no to a meeting, a no to the zone we guessed
        try:
            reading = zone_reply(tracker)
        except Exception:
            logger.exception("reading a time zone failed for %s", tracker.sender_id)
            reading = None
        if reading is not None:
            return _reshow(dispatcher, tracker, reading)
        events = _declined(dispatcher, "utter_booking_declined")
        if tracker.get_slot("email"):  # nurture's book-when-ready emails, with consent
            events.append(FollowupAction("nurture_consent_form"))
        return events


def _transcript(tracker: Tracker) -> list[dict[str, Any]]:
    out = []
    for event in tracker.events:
        if event.get("event") in ("user", "bot") and event.get("text"):
            sender = "visitor" if event["event"] == "user" else "bot"
            out.append({"sender": sender, "text": str(event["text"])[:2000]})
    return out[-40:]


def _when(opening: datetime | None, zone: ZoneInfo) -> str:
    if opening is None:
        return "on the next working day"
    return f"{slot_label(opening, zone)} ({zone_label(zone)})"


class ActionRequestHuman(Action):
    """An urgent alert to the lead's owner or the rep on duty, with the conversation so far,
    and an honest answer: alerted now, or when the next person is at work."""

    def name(self) -> str:
        return "action_request_human"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        try:
            svc = services()
            answer = await request_human(
                svc.uow(), svc.handoff, tracker.sender_id, _transcript(tracker), svc.clock.now()
            )
        except Exception:
            logger.exception("human request failed for %s", tracker.sender_id)
            dispatcher.utter_message(response="utter_human_later")
            return []
        email = tracker.get_slot("email")
        offer = (
            f"We'll also reply to {email}." if email or answer.has_email
            else "If you leave your email here, they can write back too."
        )  # fmt: skip
        if answer.within_hours:
            dispatcher.utter_message(
                response="utter_human_alerted", rep=answer.rep.name.split()[0], email_offer=offer
            )
        else:
            zone = visitor_zone(tracker) or answer.rep.zone
            dispatcher.utter_message(
                response="utter_human_after_hours",
                when=_when(answer.next_opening, zone),
                email_offer=offer,
            )
        return []


class ValidatePhoneForm(FormValidationAction):
    """The number to call, checked with `phonenumbers` (the visitor's country, from their
    time zone, is the default region for a number typed without +)."""

    def name(self) -> str:
        return "validate_phone_form"

    async def validate_phone(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        zone = visitor_zone(tracker)
        region = country_of_zone(zone.key) if zone else None
        try:
            number = phonenumbers.parse(str(value or "")[:64], region)
        except phonenumbers.NumberParseException:
            number = None
        if number is None or not phonenumbers.is_valid_number(number):
            dispatcher.utter_message(response="utter_invalid_phone")
            return {"phone": None}
        return {"phone": phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)}


class ActionRequestCallback(Action):
    def name(self) -> str:
        return "action_request_callback"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        phone = str(tracker.get_slot("phone") or "")
        try:
            shown = phonenumbers.format_number(
                phonenumbers.parse(phone), phonenumbers.PhoneNumberFormat.INTERNATIONAL
            )
            svc = services()
            answer = await request_human(
                svc.uow(), svc.handoff, tracker.sender_id, _transcript(tracker), svc.clock.now(),
                note=f"Please call {shown} (asked for a call instead of a meeting).",
            )  # fmt: skip
        except Exception:
            logger.exception("callback request failed for %s", tracker.sender_id)
            return _declined(dispatcher, "utter_booking_error")
        zone = visitor_zone(tracker) or answer.rep.zone
        when = "shortly" if answer.within_hours else f"from {_when(answer.next_opening, zone)}"
        dispatcher.utter_message(
            response="utter_callback_confirmed",
            rep=answer.rep.name.split()[0],
            phone=shown,
            when=when,
        )
        return [SlotSet("booking_status", "callback")]
