"""record_lead, export_person and erase_person on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from decimal import Decimal

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.facts import Authority, Budget, Need, Timeline
from bot.leads.models import Lead
from bot.leads.service import (
    ConsentInput,
    LeadInput,
    TranscriptEntry,
    erase_person,
    export_person,
    record_lead,
)
from bot.leads.unit_of_work import SqlAlchemyUnitOfWork

from .helpers import at, budget, count_rows, email, full_input, score

NewUow = Callable[[], SqlAlchemyUnitOfWork]


async def _lead(new_uow: NewUow, lead_id: str) -> Lead:
    async with new_uow() as uow:
        lead = await uow.leads.get(lead_id)
        assert lead is not None
        return lead


async def test_a_conversation_becomes_a_lead(new_uow: NewUow, engine: AsyncEngine) -> None:
    result = await record_lead(new_uow(), full_input("conv-1", "Jane@Acme.io"), now=at(1))
    assert (result.created, result.returning, result.merged_lead_ids) == (True, False, ())
    assert (result.score_recorded, result.messages_added, result.consents_added) == (True, 2, 1)

    lead = await _lead(new_uow, result.lead_id)
    assert (lead.email, lead.email_key, lead.email_status) == ("jane@acme.io", "jane@acme.io", "ok")
    assert (lead.name, lead.company, lead.status) == ("Jane Doe", "Acme", "qualified")
    assert (lead.budget_amount, lead.budget_currency, lead.budget_period) == (
        Decimal("20000.00"),
        "EUR",
        "year",
    )
    assert (lead.authority_decision_maker, lead.authority_role) == (True, "CTO")
    assert (lead.need_level, lead.timeline_months) == ("concrete", 3.0)
    assert (lead.score, lead.grade, lead.route, lead.rubric_version) == (82, "A", "handoff", 1)
    assert lead.breakdown == [{"criterion": "budget", "points": 82, "evidence": "about 20k"}]
    assert (lead.source_page_url, lead.source_utm_campaign, lead.time_zone) == (
        "https://acme.example/pricing",
        "spring",
        "Europe/Berlin",
    )
    assert (lead.created_at, lead.updated_at) == (at(1), at(1))
    async with new_uow() as uow:
        conversation = await uow.conversations.get("conv-1")
        assert conversation is not None
        assert (conversation.lead_id, conversation.source_utm_source) == (lead.id, "google")
        assert [m.text for m in await uow.conversations.transcript("conv-1")] == [
            "hi",
            "Hello! What brings you here?",
        ]
    assert await count_rows(engine) == {
        "leads": 1,
        "conversations": 1,
        "transcript_messages": 2,
        "score_history": 1,
        "consents": 1,
        "outbox": 0,
        # handoff's tables (migration 0002): nothing routed without the handoff hook
        "meetings": 0,
        "routing_state": 0,
        "lead_owners": 0,
        "nurture_enrollments": 0,
        "nurture_steps": 0,
        "nurture_send_log": 0,
        "nurture_suppressions": 0,
    }


async def test_a_retried_call_changes_nothing(new_uow: NewUow, engine: AsyncEngine) -> None:
    first = await record_lead(new_uow(), full_input("conv-1"), now=at(1))
    before = await count_rows(engine)
    again = await record_lead(new_uow(), full_input("conv-1"), now=at(2))
    assert again.lead_id == first.lead_id
    assert (again.created, again.returning, again.score_recorded) == (False, False, False)
    assert (again.messages_added, again.consents_added) == (0, 0)
    assert await count_rows(engine) == before


async def test_a_conversation_without_email_is_one_lead_across_calls(
    new_uow: NewUow, engine: AsyncEngine
) -> None:
    first = await record_lead(new_uow(), LeadInput("conv-1", budget=budget("5000")), now=at(1))
    second = await record_lead(
        new_uow(), LeadInput("conv-1", need=Need(raw="a chatbot", level="vague")), now=at(2)
    )
    assert second.lead_id == first.lead_id
    assert (first.created, second.created) == (True, False)
    lead = await _lead(new_uow, first.lead_id)
    assert (lead.email_key, lead.budget_amount, lead.need_level) == (None, Decimal("5000"), "vague")
    assert (await count_rows(engine))["leads"] == 1


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("jane.doe@gmail.com", "JaneDoe+leadbot@GoogleMail.com"),
        ("j.a.n.e.d.o.e@gmail.com", "janedoe@gmail.com"),
        ("Jane.Doe+a@acme.io", "jane.doe+b@ACME.IO"),
    ],
)
async def test_a_returning_visitor_updates_their_lead(
    new_uow: NewUow, engine: AsyncEngine, first: str, second: str
) -> None:
    one = await record_lead(new_uow(), full_input("conv-1", first), now=at(1))
    two = await record_lead(
        new_uow(), full_input("conv-2", second, score=score(55, "nurture")), now=at(60)
    )
    assert two.lead_id == one.lead_id
    assert (two.created, two.returning) == (False, True)
    lead = await _lead(new_uow, one.lead_id)
    assert lead.email == second.strip().lower()  # the latest spelling is shown
    assert (lead.score, lead.route) == (55, "nurture")
    assert (lead.created_at, lead.updated_at) == (at(1), at(60))
    rows = await count_rows(engine)
    assert (rows["leads"], rows["conversations"], rows["score_history"]) == (1, 2, 2)


async def test_dots_only_collapse_on_gmail(new_uow: NewUow, engine: AsyncEngine) -> None:
    one = await record_lead(new_uow(), full_input("conv-1", "jane.doe@acme.io"), now=at(1))
    two = await record_lead(new_uow(), full_input("conv-2", "janedoe@acme.io"), now=at(2))
    assert one.lead_id != two.lead_id
    assert (await count_rows(engine))["leads"] == 2


async def test_refused_emails_are_not_stored(new_uow: NewUow) -> None:
    result = await record_lead(
        new_uow(),
        LeadInput("conv-1", email=email("x@mailinator.com", status="disposable")),
        now=at(1),
    )
    lead = await _lead(new_uow, result.lead_id)
    assert (lead.email, lead.email_key, lead.email_status) == (None, None, None)
    free = await record_lead(new_uow(), LeadInput("conv-1", email=email("jane@gmail.com", "free")))
    lead = await _lead(new_uow, free.lead_id)
    assert (lead.email, lead.email_status) == ("jane@gmail.com", "free")


async def test_unknown_never_replaces_known_and_newer_known_wins(new_uow: NewUow) -> None:
    first = await record_lead(new_uow(), full_input("conv-1"), now=at(1))
    await record_lead(
        new_uow(),
        LeadInput(
            "conv-1",
            budget=Budget(raw="rather not say", status="unknown"),
            authority=Authority(raw="not sure who decides", level="unknown"),
            need=Need(raw="hmm", level="unknown"),
            timeline=Timeline(raw="no idea", status="unknown"),
            name="   ",
            company=None,
            email=None,
            source={"page_url": "https://acme.example/blog", "time_zone": None},
        ),
        now=at(2),
    )
    lead = await _lead(new_uow, first.lead_id)
    assert (lead.budget_status, lead.budget_amount, lead.budget_raw) == (
        "amount",
        Decimal("20000"),
        "about 20000 EUR a year",
    )
    assert (lead.authority_level, lead.need_level, lead.timeline_status) == (
        "decision_maker",
        "concrete",
        "date",
    )
    assert (lead.name, lead.company, lead.email, lead.time_zone) == (
        "Jane Doe",
        "Acme",
        "jane@acme.io",
        "Europe/Berlin",
    )
    assert lead.source_page_url == "https://acme.example/pricing"  # first touch stays

    await record_lead(
        new_uow(),
        LeadInput(
            "conv-1",
            budget=Budget(raw="no budget at all", status="none", amount=Decimal(0)),
            timeline=Timeline(raw="in a year", status="date", months=12),
            company="Acme GmbH",
        ),
        now=at(3),
    )
    lead = await _lead(new_uow, first.lead_id)
    assert (lead.budget_status, lead.budget_amount, lead.budget_currency) == (
        "none",
        Decimal(0),
        None,
    )
    assert (lead.timeline_months, lead.timeline_raw) == (12, "in a year")
    assert lead.company == "Acme GmbH"


async def test_an_unknown_fact_is_kept_until_a_known_one_arrives(new_uow: NewUow) -> None:
    result = await record_lead(
        new_uow(), LeadInput("conv-1", budget=budget(None, status="unknown")), now=at(1)
    )
    lead = await _lead(new_uow, result.lead_id)
    assert (lead.budget_status, lead.budget_raw, lead.budget_amount) == (
        "unknown",
        "not sure",
        None,
    )
    await record_lead(new_uow(), LeadInput("conv-1", budget=budget("900")), now=at(2))
    lead = await _lead(new_uow, result.lead_id)
    assert (lead.budget_status, lead.budget_amount) == ("amount", Decimal("900"))


async def test_score_history_keeps_every_score(new_uow: NewUow) -> None:
    result = await record_lead(
        new_uow(), full_input("conv-1", score=score(40, "nurture")), now=at(1)
    )
    for minute, points in ((2, 40), (3, 70), (4, 70), (5, 40)):
        await record_lead(
            new_uow(),
            LeadInput("conv-1", score=score(points, "nurture" if points < 60 else "handoff")),
            now=at(minute),
        )
    await record_lead(
        new_uow(), LeadInput("conv-1", score=score(40, "nurture", version=2)), now=at(6)
    )
    async with new_uow() as uow:
        history = await uow.leads.score_history(result.lead_id)
    assert [(row.score, row.route, row.rubric_version, row.at) for row in history] == [
        (40, "nurture", 1, at(1)),
        (70, "handoff", 1, at(3)),
        (40, "nurture", 1, at(5)),
        (40, "nurture", 2, at(6)),
    ]
    lead = await _lead(new_uow, result.lead_id)
    assert (lead.score, lead.rubric_version) == (40, 2)


async def test_transcript_and_consents_are_appended_idempotently(new_uow: NewUow) -> None:
    messages = [
        TranscriptEntry(seq=n, sender="visitor" if n % 2 == 0 else "bot", text=f"m{n}", at=at(n))
        for n in range(5)
    ]
    marketing = ConsentInput("marketing_email", "2026-01", at(3), text="Send me tips?")
    one = await record_lead(
        new_uow(), LeadInput("conv-1", transcript=messages[:3], consents=[marketing])
    )
    two = await record_lead(
        new_uow(), LeadInput("conv-1", transcript=messages, consents=[marketing, marketing])
    )
    three = await record_lead(new_uow(), LeadInput("conv-1", transcript=messages[3:]))
    assert [r.messages_added for r in (one, two, three)] == [3, 2, 0]
    assert [r.consents_added for r in (one, two, three)] == [1, 0, 0]
    async with new_uow() as uow:
        stored = await uow.conversations.transcript("conv-1")
        consents = await uow.leads.consents(one.lead_id)
    assert [(m.seq, m.sender, m.text, m.at) for m in stored] == [
        (m.seq, m.sender, m.text, m.at) for m in messages
    ]
    assert [(c.kind, c.notice_version, c.text) for c in consents] == [
        ("marketing_email", "2026-01", "Send me tips?")
    ]


async def test_a_late_email_folds_the_conversation_into_the_known_lead(
    new_uow: NewUow, engine: AsyncEngine
) -> None:
    known = await record_lead(new_uow(), full_input("conv-old", "jane@acme.io"), now=at(1))
    anonymous = await record_lead(
        new_uow(),
        full_input(
            "conv-new",
            None,
            budget=budget("50000"),
            authority=Authority(raw="not sure", level="unknown"),
            score=score(90),
        ),
        now=at(100),
    )
    assert anonymous.lead_id != known.lead_id
    joined = await record_lead(
        new_uow(), LeadInput("conv-new", email=email("Jane+work@acme.io")), now=at(101)
    )
    assert joined.lead_id == known.lead_id
    assert joined.merged_lead_ids == (anonymous.lead_id,)
    assert joined.returning

    lead = await _lead(new_uow, known.lead_id)
    assert lead.budget_amount == Decimal("50000")  # newer known value
    assert lead.authority_level == "decision_maker"  # unknown did not replace it
    assert (lead.score, lead.created_at, lead.updated_at) == (90, at(1), at(101))
    async with new_uow() as uow:
        assert await uow.leads.get(anonymous.lead_id) is None
        conversations = await uow.conversations.for_lead(known.lead_id)
        history = await uow.leads.score_history(known.lead_id)
    assert [c.id for c in conversations] == ["conv-old", "conv-new"]
    assert sorted(row.score for row in history) == [82, 90]
    rows = await count_rows(engine)
    assert (rows["leads"], rows["consents"], rows["transcript_messages"]) == (1, 2, 4)


async def test_a_corrected_email_moves_the_lead_to_the_new_address(new_uow: NewUow) -> None:
    first = await record_lead(new_uow(), full_input("conv-1", "jane@acme.oi"), now=at(1))
    fixed = await record_lead(
        new_uow(), LeadInput("conv-1", email=email("jane@acme.io")), now=at(2)
    )
    assert fixed.lead_id == first.lead_id
    async with new_uow() as uow:
        assert await uow.leads.get_by_email("jane@acme.oi") is None
        lead = await uow.leads.get_by_email("jane@acme.io")
        assert lead is not None
        assert lead.id == first.lead_id


async def test_overlong_visitor_text_is_clipped_to_the_column(new_uow: NewUow) -> None:
    result = await record_lead(
        new_uow(),
        LeadInput("conv-1", name="N" * 1000, source={"utm_campaign": "c" * 1000}),
    )
    lead = await _lead(new_uow, result.lead_id)
    assert (len(lead.name or ""), len(lead.source_utm_campaign or "")) == (255, 255)


# -- races -----------------------------------------------------------------------------------

RACERS = 8


@pytest.mark.parametrize("round_", range(3))
async def test_concurrent_conversations_with_one_email_make_one_lead(
    new_uow: NewUow, engine: AsyncEngine, round_: int
) -> None:
    spellings = ["Jane.Doe@gmail.com", "janedoe+tab@gmail.com", "JANEDOE@googlemail.com"]
    results = await asyncio.gather(
        *(
            record_lead(
                new_uow(),
                full_input(f"tab-{round_}-{n}", spellings[n % len(spellings)]),
                now=at(n),
            )
            for n in range(RACERS)
        )
    )
    assert len({r.lead_id for r in results}) == 1
    assert sum(r.created for r in results) == 1
    assert sum(r.returning for r in results) == RACERS - 1
    rows = await count_rows(engine)
    assert (rows["leads"], rows["conversations"], rows["score_history"]) == (1, RACERS, RACERS)
    async with new_uow() as uow:
        assert len(await uow.conversations.for_lead(results[0].lead_id)) == RACERS


async def test_concurrent_retries_of_one_conversation_make_one_lead(
    new_uow: NewUow, engine: AsyncEngine
) -> None:
    results = await asyncio.gather(
        *(record_lead(new_uow(), full_input("conv-1", None), now=at(1)) for _ in range(RACERS))
    )
    assert len({r.lead_id for r in results}) == 1
    assert sum(r.created for r in results) == 1
    assert sum(r.messages_added for r in results) == 2
    rows = await count_rows(engine)
    assert (rows["leads"], rows["conversations"], rows["transcript_messages"]) == (1, 1, 2)
    assert rows["score_history"] == 1


async def test_anonymous_conversations_giving_one_email_at_once_merge(
    new_uow: NewUow, engine: AsyncEngine
) -> None:
    anonymous = [
        await record_lead(new_uow(), full_input(f"tab-{n}", None), now=at(n)) for n in range(4)
    ]
    assert len({r.lead_id for r in anonymous}) == 4
    results = await asyncio.gather(
        *(
            record_lead(new_uow(), LeadInput(f"tab-{n}", email=email("jane@acme.io")), now=at(10))
            for n in range(4)
        )
    )
    assert len({r.lead_id for r in results}) == 1
    rows = await count_rows(engine)
    assert (rows["leads"], rows["conversations"], rows["score_history"]) == (1, 4, 4)


# -- a person's data -------------------------------------------------------------------------


async def _person_with_everything(new_uow: NewUow, address: str, prefix: str) -> str:
    one = await record_lead(new_uow(), full_input(f"{prefix}-1", address), now=at(1))
    await record_lead(new_uow(), full_input(f"{prefix}-2", address, score=score(61)), now=at(2))
    async with new_uow() as uow:
        await uow.outbox.add(
            kind="notification", channel="slack", payload={"lead": one.lead_id, "email": address},
            idempotency_key=f"{one.lead_id}:handoff", now=at(2), lead_id=one.lead_id,
        )  # fmt: skip
        await uow.commit()
    return one.lead_id


async def test_export_person(new_uow: NewUow) -> None:
    lead_id = await _person_with_everything(new_uow, "Jane.Doe@gmail.com", "jane")
    await _person_with_everything(new_uow, "someone@else.io", "other")

    export = await export_person(new_uow(), "janedoe+x@googlemail.com")
    json.dumps(export)  # ready to hand over as a file
    assert export["email_key"] == "janedoe@gmail.com"
    assert [lead["id"] for lead in export["leads"]] == [lead_id]
    assert export["leads"][0]["email"] == "jane.doe@gmail.com"
    assert export["leads"][0]["budget_amount"] == "20000.00"
    assert [c["id"] for c in export["conversations"]] == ["jane-1", "jane-2"]
    assert [m["text"] for m in export["conversations"][0]["transcript"]] == [
        "hi",
        "Hello! What brings you here?",
    ]
    assert export["conversations"][0]["metadata"] is None
    assert [s["score"] for s in export["score_history"]] == [82, 61]
    assert [c["kind"] for c in export["consents"]] == ["privacy_notice", "privacy_notice"]
    assert [m["payload"]["email"] for m in export["outbox"]] == ["Jane.Doe@gmail.com"]

    nobody = await export_person(new_uow(), "nobody@acme.io")
    assert (nobody["leads"], nobody["conversations"], nobody["outbox"]) == ([], [], [])


async def test_erase_person_leaves_nothing_of_them(new_uow: NewUow, engine: AsyncEngine) -> None:
    await _person_with_everything(new_uow, "someone@else.io", "other")
    others_only = await count_rows(engine)
    lead_id = await _person_with_everything(new_uow, "Jane.Doe@gmail.com", "jane")
    assert await count_rows(engine) != others_only

    report = await erase_person(new_uow(), "JANEDOE@gmail.com")
    assert report.lead_ids == (lead_id,)
    assert report.conversation_ids == ("jane-1", "jane-2")
    assert report.rows_deleted == {
        "outbox": 1,
        "transcript_messages": 4,
        "score_history": 2,
        "consents": 2,
        "conversations": 2,
        "leads": 1,
    }
    assert await count_rows(engine) == others_only
    assert (await export_person(new_uow(), "jane.doe@gmail.com"))["leads"] == []

    await erase_person(new_uow(), "someone@else.io")
    assert set((await count_rows(engine)).values()) == {0}

    empty = await erase_person(new_uow(), "nobody@acme.io")
    assert (empty.lead_ids, empty.conversation_ids) == ((), ())
    assert set(empty.rows_deleted.values()) == {0}


async def test_a_request_for_a_person_is_kept_on_the_lead(new_uow: NewUow) -> None:
    asked = LeadInput(
        conversation_id="conv-h1", email=email("dana@fernhill.io"), human_requested=True
    )
    first = await record_lead(new_uow(), asked, now=at(1))
    assert (await _lead(new_uow, first.lead_id)).human_requested is True
    # a later conversation of the same person that did not ask never clears it
    later = LeadInput(conversation_id="conv-h2", email=email("dana@fernhill.io"))
    second = await record_lead(new_uow(), later, now=at(2))
    assert second.lead_id == first.lead_id
    assert (await _lead(new_uow, first.lead_id)).human_requested is True
    plain = await record_lead(new_uow(), LeadInput(conversation_id="conv-h3"), now=at(3))
    assert (await _lead(new_uow, plain.lead_id)).human_requested is False


async def test_a_merge_keeps_the_absorbed_leads_meeting_and_rep(new_uow: NewUow) -> None:
    """An anonymous visitor booked a call, then gave the email of a known person: the
    meeting and the rep move to the person's lead (they used to vanish with the cascade)."""
    from sqlalchemy import select

    from bot.handoff.models import LeadOwner, Meeting

    known = await record_lead(new_uow(), full_input("conv-old", "jane@acme.io"), now=at(1))
    anonymous = await record_lead(new_uow(), full_input("conv-new", None), now=at(100))
    async with new_uow() as uow:
        session = uow.session
        session.add(LeadOwner(lead_id=anonymous.lead_id, rep_id="ana", assigned_at=at(100)))
        session.add(
            Meeting(
                id="m-1",
                rep_id="ana",
                lead_id=anonymous.lead_id,
                conversation_id="conv-new",
                start_at=at(2000),
                end_at=at(2030),
                time_zone="Europe/Paris",
                status="booked",
                created_at=at(100),
            )
        )
        await uow.commit()
    joined = await record_lead(
        new_uow(), LeadInput("conv-new", email=email("jane@acme.io")), now=at(101)
    )
    assert joined.merged_lead_ids == (anonymous.lead_id,)
    async with new_uow() as uow:
        meeting = (await uow.session.execute(select(Meeting))).scalar_one()
        owner = (await uow.session.execute(select(LeadOwner))).scalar_one()
    assert (meeting.id, meeting.lead_id) == ("m-1", known.lead_id)
    assert (owner.lead_id, owner.rep_id) == (known.lead_id, "ana")
