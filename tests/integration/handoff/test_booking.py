"""Routing, booking, cancelling and calling a human against the real lead store.

Every notification is an outbox row written in the same transaction as the fact.
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from bot.handoff import service
from bot.handoff.models import LeadOwner, Meeting
from bot.handoff.service import Handoff
from bot.leads.models import Lead
from bot.signing import Purpose
from tests.integration.handoff.conftest import make_handoff
from tests.integration.handoff.helpers import UowFactory, events, outbox_rows, store_hot_lead
from tests.unit.handoff.factories import rep_config

NOW = datetime(2026, 11, 30, 7, 0, tzinfo=timezone.utc)  # Monday 08:00 in Paris
FIRST_SLOT = datetime(2026, 11, 30, 8, 0, tzinfo=timezone.utc)  # 09:00 in Paris


async def test_hot_lead_gets_a_rep_and_the_rep_is_told_in_the_same_commit(
    new_uow: UowFactory, handoff: Handoff
) -> None:
    lead_id = await store_hot_lead(new_uow, handoff, "conv-1", NOW)
    rows = await outbox_rows(new_uow)
    assert events(rows) == [("lead.qualified", "email")]
    payload = rows[0].payload["event"]
    assert payload["lead"]["id"] == lead_id
    assert payload["lead"]["source"]["page_url"] == "https://acme.example/pricing"
    assert payload["rep"]["id"] == "ana"
    assert rows[0].lead_id == lead_id
    async with new_uow() as uow:
        owner = await uow.session.get(LeadOwner, lead_id)
        assert owner is not None
        assert owner.rep_id == "ana"
    # the same conversation stored again (a retry) tells no one twice
    await store_hot_lead(new_uow, handoff, "conv-1", NOW)
    assert len(await outbox_rows(new_uow)) == 1


async def test_a_failing_hook_keeps_lead_and_notification_together(
    new_uow: UowFactory, handoff: Handoff
) -> None:
    broken = make_handoff(rep_config("ana", "Europe/Paris"))
    object.__setattr__(broken.team, "reps", {})  # routing to nobody: the hook raises
    with pytest.raises(KeyError):
        await store_hot_lead(new_uow, broken, "conv-x", NOW)
    async with new_uow() as uow:
        assert (await uow.session.scalars(select(Lead))).all() == []
    assert await outbox_rows(new_uow) == []


async def test_nurture_leads_are_not_routed(new_uow: UowFactory, handoff: Handoff) -> None:
    await store_hot_lead(new_uow, handoff, "conv-2", NOW, route="nurture")
    assert await outbox_rows(new_uow) == []


async def test_booking_writes_the_meeting_the_lead_and_both_invites(
    new_uow: UowFactory, handoff: Handoff
) -> None:
    lead_id = await store_hot_lead(new_uow, handoff, "conv-1", NOW)
    offer = await service.offer_slots(new_uow(), handoff, "conv-1", NOW)
    assert offer is not None
    assert offer.slots[0] == FIRST_SLOT
    booking = await service.book(
        new_uow(), handoff, "conv-1", offer.slots[0], NOW, visitor_zone="America/New_York"
    )
    assert booking is not None
    assert booking.meeting is not None
    assert booking.meeting["start"] == "2026-11-30T08:00:00+00:00"
    assert booking.meeting["end"] == "2026-11-30T08:30:00+00:00"
    assert booking.meeting["rep"] == {"id": "ana", "name": "Ana"}
    assert booking.meeting["time_zone"] == "America/New_York"
    token = booking.manage_url.rsplit("/", 1)[1] if booking.manage_url else ""
    assert handoff.signer.load(Purpose.BOOKING, token) == {"meeting": booking.meeting["id"]}

    rows = await outbox_rows(new_uow)
    assert events(rows) == [
        ("lead.qualified", "email"), ("meeting.booked", "email"), ("meeting.booked", "invite"),
    ]  # fmt: skip
    assert rows[2].payload["channel"]["to"] == "jane@acme.io"
    async with new_uow() as uow:
        lead = await uow.leads.get(lead_id)
        assert lead is not None
        assert lead.meeting == booking.meeting
    # the slot is gone from the next offer
    offer = await service.offer_slots(new_uow(), handoff, "conv-1", NOW)
    assert offer is not None
    assert FIRST_SLOT not in offer.slots


async def test_two_visitors_racing_for_one_slot_get_one_booking_and_one_new_offer(
    new_uow: UowFactory, handoff: Handoff
) -> None:
    await store_hot_lead(new_uow, handoff, "conv-a", NOW, address="a@acme.io")
    await store_hot_lead(new_uow, handoff, "conv-b", NOW, address="b@globex.io")
    results = await asyncio.gather(
        service.book(new_uow(), handoff, "conv-a", FIRST_SLOT, NOW),
        service.book(new_uow(), handoff, "conv-b", FIRST_SLOT, NOW),
    )
    booked = [r for r in results if r is not None and r.booked]
    refused = [r for r in results if r is not None and not r.booked]
    assert len(booked) == 1
    assert len(refused) == 1
    assert refused[0].alternatives
    assert FIRST_SLOT not in refused[0].alternatives
    async with new_uow() as uow:
        meetings = (await uow.session.scalars(select(Meeting))).all()
    assert [(m.start_at, m.status) for m in meetings] == [(FIRST_SLOT, "booked")]
    assert [e for e, _ in events(await outbox_rows(new_uow))].count(
        "meeting.booked"
    ) == 2  # email + invite


async def test_cancel_and_reschedule_tell_the_rep_and_free_the_slot(
    new_uow: UowFactory, handoff: Handoff
) -> None:
    await store_hot_lead(new_uow, handoff, "conv-1", NOW)
    first = await service.book(new_uow(), handoff, "conv-1", FIRST_SLOT, NOW)
    assert first is not None
    assert first.meeting is not None
    later = FIRST_SLOT + timedelta(hours=2)
    moved = await service.reschedule(new_uow(), handoff, first.meeting["id"], later, NOW)
    assert moved is not None
    assert moved.meeting is not None
    assert moved.meeting["start"] == later.isoformat()
    assert await service.cancel(new_uow(), handoff, first.meeting["id"], NOW) is None  # already
    cancelled = await service.cancel(new_uow(), handoff, moved.meeting["id"], NOW)
    assert cancelled is not None
    assert cancelled["status"] == "cancelled"
    kinds = [e for e, c in events(await outbox_rows(new_uow)) if c == "email"]
    assert kinds == [
        "lead.qualified", "meeting.booked", "meeting.cancelled", "meeting.booked",
        "meeting.cancelled",
    ]  # fmt: skip
    again = await service.book(new_uow(), handoff, "conv-1", FIRST_SLOT, NOW)
    assert again is not None
    assert again.booked


async def test_a_returning_lead_goes_back_to_its_owner(new_uow: UowFactory) -> None:
    handoff = make_handoff(
        rep_config("ana", "Europe/Paris"), rep_config("bo", "Europe/Paris"),
    )  # fmt: skip
    await store_hot_lead(new_uow, handoff, "conv-1", NOW, address="jane@acme.io")
    await store_hot_lead(new_uow, handoff, "conv-2", NOW, address="other@globex.io")
    await store_hot_lead(new_uow, handoff, "conv-3", NOW, address="jane@acme.io")
    reps = [(row.payload["event"]["lead"]["email"], row.payload["event"]["rep"]["id"])
            for row in await outbox_rows(new_uow)]  # fmt: skip
    assert reps == [("jane@acme.io", "ana"), ("other@globex.io", "bo"), ("jane@acme.io", "ana")]


async def test_asking_for_a_human_alerts_the_rep_and_says_when_someone_answers(
    new_uow: UowFactory, handoff: Handoff
) -> None:
    await store_hot_lead(new_uow, handoff, "conv-1", NOW)
    transcript = [{"sender": "visitor", "text": "can I talk to a person?"}]
    at_work = await service.request_human(
        new_uow(), handoff, "conv-1", transcript, NOW + timedelta(hours=2)
    )
    assert at_work.within_hours
    assert at_work.has_email
    saturday = datetime(2026, 12, 5, 12, 0, tzinfo=timezone.utc)
    closed = await service.request_human(new_uow(), handoff, "conv-anonymous", transcript, saturday)
    assert not closed.within_hours
    assert closed.next_opening == datetime(2026, 12, 7, 8, 0, tzinfo=timezone.utc)  # Mon 09:00
    assert not closed.has_email
    rows = [
        r for r in await outbox_rows(new_uow) if r.payload["event"]["type"] == "human.requested"
    ]
    assert len(rows) == 2
    assert all(r.payload["event"]["urgent"] for r in rows)
    assert rows[0].payload["event"]["transcript"] == transcript
