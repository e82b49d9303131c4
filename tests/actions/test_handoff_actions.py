"""The handoff actions with real rasa_sdk objects over a real SQLite lead store.

A clock we control; one rep at work around the clock in Paris; the visitor in New York.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.handoff import (
    ActionBookSlot,
    ActionDeclineBooking,
    ActionOfferSlots,
    ActionRequestHuman,
    ValidatePhoneForm,
    lead_stored_hook,
)
from actions.services import use_services
from bot.bootstrap import Services, build_services
from bot.clock import FrozenClock
from bot.leads.migrate import upgrade_async
from bot.leads.service import record_lead
from bot.notify.email import visitor_invite_email
from bot.settings import Settings
from tests.integration.handoff.helpers import outbox_rows
from tests.integration.leads.helpers import full_input, score
from tests.support.rasa_objects import make_tracker, responses

NOW = datetime(2026, 11, 30, 7, 0, tzinfo=timezone.utc)
NEW_YORK = {"time_zone": "America/New_York"}
EVERY_DAY = ", ".join(
    f'{d}: ["00:00-24:00"]' for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
)


@pytest.fixture
async def svc(tmp_path: Path) -> AsyncIterator[Services]:
    reps = tmp_path / "reps.yml"
    reps.write_text(
        f"""version: 1
defaults: {{min_notice_minutes: 60, buffer_minutes: 0}}
reps:
  - id: ana
    name: Ana Souza
    email: ana@example.com
    time_zone: Europe/Paris
    working_hours: {{{EVERY_DAY}}}
routing:
  fallback_rep: ana
"""
    )
    url = f"sqlite:///{tmp_path}/leads.db"
    await upgrade_async(url)
    services = build_services(
        Settings(
            database_url=url,
            reps_file=reps,
            spool_dir=tmp_path / "spool",
            mail_dir=tmp_path / "mail",
        )
    )
    services.clock = FrozenClock(NOW)
    use_services(services)
    data = full_input("visitor-1", score=score(90))
    await record_lead(services.uow(), data, now=NOW, on_stored=lead_stored_hook(services))
    yield services
    use_services(None)
    await services.close()


def _slots(events: list[dict[str, Any]]) -> dict[str, Any]:
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


async def test_offer_then_book_the_second_slot(svc: Services, domain: dict[str, Any]) -> None:
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(text="Acme", intent="inform", form=None, metadata=NEW_YORK)
    events = await ActionOfferSlots().run(dispatcher, tracker, domain)
    assert responses(dispatcher) == ["utter_booking_offer"]
    buttons = dispatcher.messages[0]["buttons"]
    assert [b["title"] for b in buttons] == [
        "Mon 30 Nov, 03:00", "Mon 30 Nov, 03:30", "Mon 30 Nov, 04:00",  # New York time
        "Other times", "Call me instead",
    ]  # fmt: skip
    offered = _slots(events)["offered_slots"]
    assert offered[0] == "2026-11-30T08:00:00+00:00"  # an hour's notice
    assert _slots(events)["booking_status"] == "offered"

    dispatcher = CollectingDispatcher()
    tracker = make_tracker(
        text="the second one", intent="choose_slot", form=None, metadata=NEW_YORK,
        slots={"offered_slots": offered, "email": "jane@acme.io"},
    )  # fmt: skip
    events = await ActionBookSlot().run(dispatcher, tracker, domain)
    assert responses(dispatcher) == ["utter_booking_confirmed"]
    message = dispatcher.messages[0]
    assert message["when"] == "Mon 30 Nov, 03:30 (America/New_York)"
    assert message["invite"] == "A calendar invite is on its way to jane@acme.io."
    assert message["manage_url"].startswith("http://127.0.0.1:8080/booking/")
    assert _slots(events)["booking_status"] == "booked"

    dispatcher = CollectingDispatcher()
    tracker = make_tracker(
        text="/other_times", intent="other_times", form=None, metadata=NEW_YORK,
        slots={"offered_slots": offered, "offer_round": 1},
    )  # fmt: skip
    events = await ActionOfferSlots().run(dispatcher, tracker, domain)
    assert responses(dispatcher) == ["utter_booking_ask_day", "utter_booking_more_times"]
    later = _slots(events)["offered_slots"]
    assert min(later) > max(offered)


async def test_phone_numbers_are_checked_in_the_visitors_country(
    svc: Services, domain: dict[str, Any]
) -> None:
    form = ValidatePhoneForm()
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(
        text="12345", form="phone_form", requested_slot="phone", metadata=NEW_YORK
    )
    assert await form.validate_phone("12345", dispatcher, tracker, domain) == {"phone": None}
    assert responses(dispatcher) == ["utter_invalid_phone"]
    ok = await form.validate_phone("(212) 555-0123", CollectingDispatcher(), tracker, domain)
    assert ok == {"phone": "+12125550123"}


async def test_a_person_is_alerted_at_work(svc: Services, domain: dict[str, Any]) -> None:
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(
        text="can I talk to a person", intent="human", form=None, metadata=NEW_YORK
    )
    assert await ActionRequestHuman().run(dispatcher, tracker, domain) == []
    assert responses(dispatcher) == ["utter_human_alerted"]
    assert dispatcher.messages[0]["rep"] == "Ana"


async def test_a_database_that_is_down_gets_a_kind_reply_not_an_exception(
    tmp_path: Path, domain: dict[str, Any]
) -> None:
    services = build_services(
        Settings(database_url="postgresql://postgres@127.0.0.1:1/test", spool_dir=tmp_path / "s")
    )
    use_services(services)
    try:
        dispatcher = CollectingDispatcher()
        tracker = make_tracker(text="/other_times", intent="other_times", form=None)
        events = await ActionOfferSlots().run(dispatcher, tracker, domain)
        assert responses(dispatcher) == ["utter_booking_error"]
        assert _slots(events) == {"booking_status": "declined"}
    finally:
        use_services(None)
        await services.close()


@pytest.mark.parametrize(
    ("slots", "followup"),
    [({"email": "jo@acme.io"}, ["nurture_consent_form"]), ({}, [])],
)
async def test_declining_the_times_hands_a_reachable_visitor_to_the_email_question(
    domain: dict[str, Any], slots: dict[str, Any], followup: list[str]
) -> None:
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(text="no thanks", intent="deny", slots=slots, form=None)
    events = await ActionDeclineBooking().run(dispatcher, tracker, domain)
    assert responses(dispatcher) == ["utter_booking_declined"]
    assert _slots(events) == {"booking_status": "declined"}
    assert [e["name"] for e in events if e["event"] == "followup"] == followup


# --- the visitor's zone in words, when the browser sent none -------------------------------
# Ana works in Paris: with no zone from the browser the slots are shown on her clock, and
# the visitor is asked to name theirs. NOW is 07:00 UTC: 08:00 in Paris, an hour's notice.

PARIS_TIMES = ["Mon 30 Nov, 09:00", "Mon 30 Nov, 09:30", "Mon 30 Nov, 10:00"]


def _slot_buttons(dispatcher: CollectingDispatcher) -> list[dict[str, str]]:
    buttons = [b for m in dispatcher.messages for b in m.get("buttons") or []]
    return [b for b in buttons if b["payload"].startswith("/choose_slot")]


async def _guessed_offer(domain: dict[str, Any]) -> list[str]:
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(text="Acme", intent="inform", form=None)
    events = await ActionOfferSlots().run(dispatcher, tracker, domain)
    assert responses(dispatcher) == ["utter_booking_offer"]
    assert dispatcher.messages[0]["zone"] == (
        "Europe/Paris time (tell me your city's time zone if that's not yours)"
    )
    assert [b["title"] for b in _slot_buttons(dispatcher)] == PARIS_TIMES
    offered: list[str] = _slots(events)["offered_slots"]
    return offered


def _reply(
    text: str, intent: str, offered: list[str], *, named: str | None = None, **slots: Any
) -> Any:
    """The visitor's next message. A zone named earlier is only a slot event: the slot is
    not in domain.yml yet, and Rasa then keeps the event but sends no value."""
    history = [{"event": "slot", "name": "visitor_time_zone", "value": named}] if named else []
    return make_tracker(
        text=text, intent=intent, form=None, history=history,
        slots={"offered_slots": offered, "booking_status": "offered", **slots},
    )  # fmt: skip


@pytest.mark.parametrize("intent", ["suggest_time", "other_times", "inform", "nlu_fallback"])
async def test_a_city_named_in_reply_reshows_the_same_slots_in_its_zone(
    svc: Services, domain: dict[str, Any], intent: str
) -> None:
    offered = await _guessed_offer(domain)
    dispatcher = CollectingDispatcher()
    events = await ActionOfferSlots().run(
        dispatcher, _reply("I'm in London", intent, offered), domain
    )
    if intent == "other_times":  # "other times" + a zone: the next slots, in that zone
        assert responses(dispatcher) == ["utter_booking_more_times"]
        assert dispatcher.messages[0]["zone"] == "your time (Europe/London)"
        assert min(_slots(events)["offered_slots"]) > max(offered)
        assert _slots(events)["visitor_time_zone"] == "Europe/London"
        return
    assert [m.get("text") for m in dispatcher.messages] == [
        "Here are the times in Europe/London time."
    ]
    buttons = _slot_buttons(dispatcher)
    assert [b["title"] for b in buttons] == [
        "Mon 30 Nov, 08:00", "Mon 30 Nov, 08:30", "Mon 30 Nov, 09:00",  # an hour behind Paris
    ]  # fmt: skip
    assert [b["payload"] for b in buttons] == [
        f'/choose_slot{{"slot_start":"{start}"}}' for start in offered
    ]  # the same offer: the same instants
    assert events == [
        {"event": "slot", "timestamp": None, "name": "visitor_time_zone", "value": "Europe/London"}
    ]


async def test_a_slot_picked_after_the_switch_books_the_same_instant_in_the_named_zone(
    svc: Services, domain: dict[str, Any]
) -> None:
    offered = await _guessed_offer(domain)
    dispatcher = CollectingDispatcher()
    tracker = _reply(
        "the second one", "choose_slot", offered, named="Europe/London", email="jane@acme.io"
    )
    events = await ActionBookSlot().run(dispatcher, tracker, domain)
    assert responses(dispatcher) == ["utter_booking_confirmed"]
    assert dispatcher.messages[0]["when"] == "Mon 30 Nov, 08:30 (Europe/London)"
    assert _slots(events)["booking_status"] == "booked"
    meeting, invite = await _booked(svc)
    assert meeting["start"] == offered[1] == "2026-11-30T08:30:00+00:00"
    assert meeting["time_zone"] == "Europe/London"
    # the visitor's invite: their clock in words, the same instant in the ICS
    subject = "Your call with Ana Souza: Mon 30 Nov 2026, 08:30 GMT (Europe/London)"
    assert invite["Subject"] == subject
    ics = next(p for p in invite.walk() if p.get_content_type() == "text/calendar")
    assert "DTSTART:20261130T083000Z" in ics.get_content()


async def _booked(svc: Services) -> tuple[dict[str, Any], Any]:
    """The meeting booked, from the lead, and the visitor's invite email built from the
    meeting.booked row of the outbox (what the worker will send)."""
    async with svc.uow() as uow:
        lead = await uow.leads.get_by_conversation("visitor-1")
        assert lead is not None
        assert lead.meeting is not None
        meeting: dict[str, Any] = lead.meeting
    rows = await outbox_rows(svc.uow)
    row = next(r for r in rows if r.channel == "invite")
    invite = visitor_invite_email(
        row.payload["event"], to="jane@acme.io", sender="bot@example.com", key="k", now=NOW
    )
    return meeting, invite


async def test_a_slot_choice_and_a_zone_in_one_message_are_both_read(
    svc: Services, domain: dict[str, Any]
) -> None:
    """ "the 2nd one, GMT+1": 2nd is the slot (not an offset), GMT+1 the zone (not a slot)."""
    offered = await _guessed_offer(domain)
    dispatcher = CollectingDispatcher()
    tracker = _reply("the 2nd one, GMT+1", "choose_slot", offered)
    events = await ActionBookSlot().run(dispatcher, tracker, domain)
    assert responses(dispatcher) == ["utter_booking_confirmed"]
    assert dispatcher.messages[0]["when"] == "Mon 30 Nov, 09:30 (UTC+1)"
    assert _slots(events)["visitor_time_zone"] == "Etc/GMT-1"
    meeting, _ = await _booked(svc)
    assert meeting["start"] == offered[1]
    assert meeting["time_zone"] == "Etc/GMT-1"


async def test_a_zone_given_with_a_choose_slot_intent_but_no_choice_reshows_the_slots(
    svc: Services, domain: dict[str, Any]
) -> None:
    offered = await _guessed_offer(domain)
    dispatcher = CollectingDispatcher()
    tracker = _reply("+05:30", "choose_slot", offered)
    events = await ActionBookSlot().run(dispatcher, tracker, domain)
    assert [m.get("text") for m in dispatcher.messages] == [
        "Here are the times in Asia/Kolkata time."
    ]
    assert [b["title"] for b in _slot_buttons(dispatcher)] == [
        "Mon 30 Nov, 13:30", "Mon 30 Nov, 14:00", "Mon 30 Nov, 14:30",
    ]  # fmt: skip
    assert _slots(events) == {"visitor_time_zone": "Asia/Kolkata"}
    async with svc.uow() as uow:
        lead = await uow.leads.get_by_conversation("visitor-1")
        assert lead is not None
        assert lead.meeting is None


async def test_no_to_the_guessed_zone_is_not_a_no_to_the_meeting(
    svc: Services, domain: dict[str, Any]
) -> None:
    offered = await _guessed_offer(domain)
    dispatcher = CollectingDispatcher()
    tracker = _reply("no, I'm in Berlin", "deny", offered, email="jane@acme.io")
    events = await ActionDeclineBooking().run(dispatcher, tracker, domain)
    assert [m.get("text") for m in dispatcher.messages] == [
        "Here are the times in Europe/Berlin time."
    ]
    assert [b["title"] for b in _slot_buttons(dispatcher)] == PARIS_TIMES  # one clock
    assert _slots(events) == {"visitor_time_zone": "Europe/Berlin"}  # not declined


async def test_words_that_fit_several_zones_get_a_question_and_nothing_switches(
    svc: Services, domain: dict[str, Any]
) -> None:
    offered = await _guessed_offer(domain)
    dispatcher = CollectingDispatcher()
    events = await ActionOfferSlots().run(
        dispatcher, _reply("I'm in the US", "inform", offered), domain
    )
    assert [m.get("text") for m in dispatcher.messages] == [
        "Which time zone is yours: America/New_York, America/Chicago, America/Denver or "
        "America/Phoenix? Your city is enough."
    ]
    assert events == []


async def test_a_day_and_a_zone_in_one_message_read_the_day_on_that_clock(
    svc: Services, domain: dict[str, Any]
) -> None:
    offered = await _guessed_offer(domain)
    dispatcher = CollectingDispatcher()
    tracker = _reply("thursday at 3pm new york time", "suggest_time", offered)
    events = await ActionOfferSlots().run(dispatcher, tracker, domain)
    assert responses(dispatcher) == ["utter_booking_more_times"]
    assert dispatcher.messages[0]["zone"] == "your time (America/New_York)"
    assert [b["title"] for b in _slot_buttons(dispatcher)] == [
        "Thu 3 Dec, 15:00", "Thu 3 Dec, 15:30", "Thu 10 Dec, 15:00",
    ]  # fmt: skip
    assert _slots(events)["offered_slots"][0] == "2026-12-03T20:00:00+00:00"
    assert _slots(events)["visitor_time_zone"] == "America/New_York"


async def test_a_zone_named_later_is_kept_for_the_other_times(
    svc: Services, domain: dict[str, Any]
) -> None:
    offered = await _guessed_offer(domain)
    dispatcher = CollectingDispatcher()
    tracker = _reply("/other_times", "other_times", offered, named="Asia/Tokyo", offer_round=0)
    events = await ActionOfferSlots().run(dispatcher, tracker, domain)
    assert dispatcher.messages[0]["zone"] == "your time (Asia/Tokyo)"
    assert [b["title"] for b in _slot_buttons(dispatcher)] == [
        "Mon 30 Nov, 18:30", "Mon 30 Nov, 19:00", "Mon 30 Nov, 19:30",
    ]  # fmt: skip
    assert "visitor_time_zone" not in _slots(events)


async def test_the_browsers_zone_is_never_overridden_by_words(
    svc: Services, domain: dict[str, Any]
) -> None:
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(
        text="I'm in London", intent="inform", form=None, metadata=NEW_YORK,
        slots={"offered_slots": ["2026-11-30T08:00:00+00:00"], "booking_status": "offered"},
    )  # fmt: skip
    events = await ActionOfferSlots().run(dispatcher, tracker, domain)
    assert responses(dispatcher) == ["utter_booking_offer"]
    assert dispatcher.messages[0]["zone"] == "your time (America/New_York)"
    assert "visitor_time_zone" not in _slots(events)


async def test_across_the_dst_gap_the_named_zone_shows_the_right_hour(
    svc: Services, domain: dict[str, Any]
) -> None:
    """10 March 2026: New York is on summer time (since 8 March), Paris not yet (29 March):
    five hours apart, not six."""
    svc.clock = FrozenClock(datetime(2026, 3, 10, 7, 0, tzinfo=timezone.utc))
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(text="Acme", intent="inform", form=None)
    events = await ActionOfferSlots().run(dispatcher, tracker, domain)
    assert next(b["title"] for b in _slot_buttons(dispatcher)) == "Tue 10 Mar, 09:00"  # Paris
    offered = _slots(events)["offered_slots"]
    dispatcher = CollectingDispatcher()
    await ActionOfferSlots().run(dispatcher, _reply("EST", "inform", offered), domain)
    titles = [b["title"] for b in _slot_buttons(dispatcher)]
    assert titles[0] == "Tue 10 Mar, 04:00"
    start = datetime.fromisoformat(offered[0])
    assert start.astimezone(ZoneInfo("America/New_York")).hour == 4
    assert start.astimezone(ZoneInfo("Europe/Paris")).hour == 9


async def test_once_booked_a_zone_in_words_changes_nothing(
    svc: Services, domain: dict[str, Any]
) -> None:
    offered = await _guessed_offer(domain)
    dispatcher = CollectingDispatcher()
    tracker = _reply("no, I'm in London", "deny", offered, booking_status="booked")
    events = await ActionDeclineBooking().run(dispatcher, tracker, domain)
    assert responses(dispatcher) == ["utter_booking_declined"]
    assert _slots(events) == {"booking_status": "declined"}
