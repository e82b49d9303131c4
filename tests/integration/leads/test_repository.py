"""Repositories and the unit of work on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import timedelta

import pytest
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.leads.models import Lead, OutboxMessage
from bot.leads.repository import LeadFilter
from bot.leads.service import list_leads, record_lead
from bot.leads.unit_of_work import SqlAlchemyUnitOfWork

from .helpers import at, count_rows, full_input, score

NewUow = Callable[[], SqlAlchemyUnitOfWork]


async def test_uow_commits_only_when_asked(uow: SqlAlchemyUnitOfWork, engine: AsyncEngine) -> None:
    async with uow:
        await uow.leads.add(Lead(id="kept", status="new", created_at=at(0), updated_at=at(0)))
        await uow.commit()
    async with uow:
        await uow.leads.add(Lead(id="dropped", status="new", created_at=at(0), updated_at=at(0)))

    async def fail_midway() -> None:
        async with uow:
            await uow.leads.add(Lead(id="failed", status="new", created_at=at(0), updated_at=at(0)))
            raise ZeroDivisionError

    with pytest.raises(ZeroDivisionError):
        await fail_midway()
    async with uow:
        assert await uow.leads.get("kept") is not None
        assert await uow.leads.get("dropped") is None
        assert await uow.leads.get("failed") is None
    assert (await count_rows(engine))["leads"] == 1


async def test_uow_cannot_be_used_closed_or_nested(uow: SqlAlchemyUnitOfWork) -> None:
    with pytest.raises(RuntimeError, match="not open"):
        await uow.commit()
    async with uow:
        with pytest.raises(RuntimeError, match="already open"):
            await uow.__aenter__()


async def test_find_a_lead_by_id_email_and_conversation(new_uow: NewUow) -> None:
    result = await record_lead(new_uow(), full_input("conv-1", "Jane.Doe+x@gmail.com"), now=at(1))
    async with new_uow() as uow:
        by_id = await uow.leads.get(result.lead_id)
        assert by_id is not None
        assert by_id.email == "jane.doe+x@gmail.com"
        assert by_id.email_key == "janedoe@gmail.com"
        assert await uow.leads.get_by_email_key("janedoe@gmail.com") is by_id
        assert await uow.leads.get_by_email("JANEDOE@googlemail.com") is by_id
        assert await uow.leads.get_by_conversation("conv-1") is by_id
        assert await uow.leads.get_by_conversation("conv-unknown") is None
        assert await uow.leads.get("nope") is None


async def test_list_filters_and_pagination(new_uow: NewUow) -> None:
    for n in range(7):
        await record_lead(
            new_uow(),
            full_input(
                f"conv-{n}",
                f"person{n}@acme.io",
                score=score(90 if n % 2 == 0 else 40, route="handoff" if n % 2 == 0 else "nurture"),
            ),
            now=at(n),
        )

    async def page(**filters: object) -> list[str]:
        async with new_uow() as uow:
            leads = await uow.leads.list(LeadFilter(**filters))  # type: ignore[arg-type]
            return [lead.email or "" for lead in leads]

    newest_first = [f"person{n}@acme.io" for n in range(6, -1, -1)]
    assert await page() == newest_first
    assert await page(limit=3) == newest_first[:3]
    assert await page(limit=3, offset=3) == newest_first[3:6]
    assert await page(limit=3, offset=6) == newest_first[6:]
    assert await page(route="nurture") == ["person5@acme.io", "person3@acme.io", "person1@acme.io"]
    assert await page(grade="A", limit=2) == ["person6@acme.io", "person4@acme.io"]
    assert await page(since=at(5)) == ["person6@acme.io", "person5@acme.io"]
    assert await page(email="Person3+news@ACME.io") == ["person3@acme.io"]
    assert await page(conversation_id="conv-2") == ["person2@acme.io"]
    assert await page(conversation_id="conv-2", route="nurture") == []

    listed = await list_leads(new_uow(), LeadFilter(route="handoff", limit=2))
    assert listed.total == 4
    assert [item["email"] for item in listed.items] == ["person6@acme.io", "person4@acme.io"]
    assert listed.items[0]["budget"] == {
        "amount": 20000.0,
        "amount_max": None,
        "currency": "EUR",
        "period": "year",
        "status": "amount",
        "raw": "about 20000 EUR a year",
    }
    assert listed.items[0]["source"]["utm_campaign"] == "spring"


@pytest.mark.parametrize(("limit", "offset"), [(0, 0), (501, 0), (10, -1)])
def test_page_bounds_are_checked(limit: int, offset: int) -> None:
    with pytest.raises(ValueError, match=r"limit|offset"):
        LeadFilter(limit=limit, offset=offset)


async def test_outbox_add_claim_and_mark(new_uow: NewUow) -> None:
    async with new_uow() as uow:
        assert await uow.outbox.add(
            kind="notification", channel="slack", payload={"text": "hot lead"},
            idempotency_key="lead-1:handoff:slack", now=at(0), lead_id="lead-1",
        )  # fmt: skip
        assert not await uow.outbox.add(
            kind="notification", channel="slack", payload={"text": "again"},
            idempotency_key="lead-1:handoff:slack", now=at(1),
        )  # fmt: skip
        assert await uow.outbox.add(
            kind="email", channel="smtp", payload={"to": "jane@acme.io"},
            idempotency_key="lead-1:nurture:1", now=at(0), not_before=at(60),
        )  # fmt: skip
        await uow.commit()

    async with new_uow() as uow:
        claimed = await uow.outbox.claim_due(at(5), lease=timedelta(minutes=2))
        assert [m.idempotency_key for m in claimed] == ["lead-1:handoff:slack"]
        assert claimed[0].payload == {"text": "hot lead"}
        assert claimed[0].attempts == 1
        await uow.commit()
    slack_id = claimed[0].id

    async with new_uow() as uow:  # leased: invisible until the lease ends
        assert await uow.outbox.claim_due(at(6)) == []
        await uow.outbox.mark_failed(slack_id, "503 from Slack", at(6), retry_at=at(8))
        await uow.commit()
    async with new_uow() as uow:
        assert await uow.outbox.claim_due(at(7)) == []
        again = await uow.outbox.claim_due(at(8))
        assert [(m.id, m.attempts, m.status) for m in again] == [(slack_id, 2, "failed")]
        await uow.outbox.mark_sent(slack_id, at(8))
        await uow.commit()

    async with new_uow() as uow:
        sent = await uow.outbox.get(slack_id)
        assert sent is not None
        assert (sent.status, sent.sent_at, sent.last_error) == ("sent", at(8), None)
        due = await uow.outbox.claim_due(at(61))
        assert [m.idempotency_key for m in due] == ["lead-1:nurture:1"]
        await uow.outbox.mark_failed(due[0].id, "mailbox does not exist", at(61), retry_at=None)
        await uow.commit()
    async with new_uow() as uow:
        assert await uow.outbox.claim_due(at(10_000)) == []
        dead = await uow.outbox.get_by_key("lead-1:nurture:1")
        assert dead is not None
        assert (dead.status, dead.last_error) == ("dead", "mailbox does not exist")
        with pytest.raises(LookupError):
            await uow.outbox.mark_sent(123_456, at(0))


async def test_outbox_idempotency_key_is_unique_in_the_schema(new_uow: NewUow) -> None:
    async with new_uow() as uow:
        for payload in ({"n": 1}, {"n": 2}):
            uow.session.add(
                OutboxMessage(kind="email", channel="smtp", payload=payload, idempotency_key="same")
            )
        with pytest.raises(IntegrityError):
            await uow.session.flush()


async def test_concurrent_workers_claim_disjoint_messages(new_uow: NewUow) -> None:
    async with new_uow() as uow:
        for n in range(20):
            await uow.outbox.add(
                kind="notification", channel="webhook", payload={"n": n},
                idempotency_key=f"k{n}", now=at(0),
            )  # fmt: skip
        await uow.commit()

    async def worker() -> list[int]:
        async with new_uow() as uow:
            claimed = await uow.outbox.claim_due(at(1), limit=5)
            await asyncio.sleep(0.05)  # hold the claim while the others try
            await uow.commit()
            return [message.id for message in claimed]

    claims = await asyncio.gather(*(worker() for _ in range(4)))
    everything = [message_id for claim in claims for message_id in claim]
    assert len(everything) == 20
    assert len(set(everything)) == 20
