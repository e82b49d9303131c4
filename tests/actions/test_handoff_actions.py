"""The handoff actions with real rasa_sdk objects over a real SQLite lead store.

A clock we control; one rep at work around the clock in Paris; the visitor in New York.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

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
from bot.settings import Settings
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
