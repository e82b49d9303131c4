"""The outbox through the web app: its worker delivers a hot lead's notifications to a real
receiver, the lead's JSON shows the meeting and the deliveries, operators list and retry
what failed."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from bot.handoff import service
from bot.handoff.service import on_lead_stored
from bot.leads.models import Lead
from bot.leads.service import record_lead
from bot.leads.unit_of_work import SqlAlchemyUnitOfWork
from bot.notify.channels import WebhookChannel
from bot.notify.webhook import SIGNATURE_HEADER, verify
from bot.outbox.enqueue import enqueue_event
from tests.integration.leads.helpers import full_input, score
from tests.integration.notify.receiver import HttpReceiver
from tests.integration.notify.samples import sample_event

from .conftest import AUTH, StartApp, services_of

SECRET = "whsec-web-0123456789"


def reps_file(tmp_path: Path, receiver: HttpReceiver) -> Path:
    every_day = ", ".join(
        f'{d}: ["00:00-24:00"]' for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
    )
    path = tmp_path / "reps.yml"
    path.write_text(
        f"""\
version: 1
defaults: {{min_notice_minutes: 60, buffer_minutes: 0}}
reps:
  - id: ana
    name: Ana Souza
    email: ana@example.com
    time_zone: Europe/Paris
    working_hours: {{{every_day}}}
    channels:
      - type: webhook
        url: {receiver.url("/crm")}
        secret_env: LEADBOT_TEST_WEBHOOK_SECRET
routing:
  fallback_rep: ana
"""
    )
    return path


@pytest.fixture
async def receiver() -> AsyncIterator[HttpReceiver]:
    server = HttpReceiver()
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
async def client(
    start_app: StartApp, receiver: HttpReceiver, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> TestClient[Any, Any]:
    monkeypatch.setenv("LEADBOT_TEST_WEBHOOK_SECRET", SECRET)
    return await start_app(reps_file=reps_file(tmp_path, receiver), mail_dir=tmp_path / "mail")


async def _until(receiver: HttpReceiver, count: int) -> None:
    """Wait (at most 20 s) for the app's worker to have delivered `count` requests."""

    async def arrived() -> None:
        while len(receiver.accepted()) < count:
            receiver.arrived.clear()
            await receiver.arrived.wait()

    await asyncio.wait_for(arrived(), 20)


async def test_the_apps_worker_delivers_and_the_lead_json_shows_it(
    client: TestClient[Any, Any], receiver: HttpReceiver
) -> None:
    services = services_of(client)
    now = datetime.now(timezone.utc)

    async def hook(uow: SqlAlchemyUnitOfWork, lead: Lead, conversation: str, at: datetime) -> None:
        await on_lead_stored(uow, services.handoff, lead, conversation, at)

    data = full_input("conv-web", "jane@acme.io", score=score(90))
    lead_id = (await record_lead(services.uow(), data, now=now, on_stored=hook)).lead_id
    await _until(receiver, 1)
    offer = await service.offer_slots(services.uow(), services.handoff, "conv-web", now)
    assert offer is not None
    booking = await service.book(services.uow(), services.handoff, "conv-web", offer.slots[0], now)
    assert booking is not None
    assert booking.booked
    await _until(receiver, 2)

    bodies = [json.loads(r.body) for r in receiver.accepted()]
    assert [b["type"] for b in bodies] == ["lead.qualified", "meeting.booked"]
    for request in receiver.accepted():
        assert verify(
            SECRET, request.headers[SIGNATURE_HEADER], request.body, now=int(now.timestamp())
        )

    response = await client.get(f"/api/leads/{lead_id}", headers=AUTH)
    lead = await response.json()
    assert lead["meeting"] == {
        "id": booking.meeting["id"],  # type: ignore[index]
        "start": offer.slots[0].isoformat(),
        "end": (offer.slots[0] + timedelta(minutes=30)).isoformat(),
        "time_zone": None,
        "rep": {"id": "ana", "name": "Ana Souza"},
        "status": "booked",
    }
    for _ in range(100):  # the worker records "sent" just after the receiver answered
        lead = await (await client.get(f"/api/leads/{lead_id}", headers=AUTH)).json()
        if all(n["status"] == "sent" for n in lead["notifications"]):
            break
        await asyncio.sleep(0.05)
    assert [
        (n["event"], n["channel"], n["status"], n["attempts"]) for n in lead["notifications"]
    ] == [
        ("lead.qualified", "webhook", "sent", 1),
        ("meeting.booked", "webhook", "sent", 1),
        ("meeting.booked", "invite", "sent", 1),
    ]
    assert all(n["delivered_at"] for n in lead["notifications"])
    listed = await (await client.get("/api/leads", headers=AUTH)).json()
    assert listed["items"][0]["notifications"] == lead["notifications"]


async def test_failed_rows_are_listed_with_their_error_and_retried(
    client: TestClient[Any, Any], receiver: HttpReceiver
) -> None:
    services = services_of(client)
    now = datetime.now(timezone.utc)
    async with services.uow() as uow:
        channel = WebhookChannel(url=receiver.url("/crm"), secret_env="LEADBOT_TEST_WEBHOOK_SECRET")
        await enqueue_event(
            uow, sample_event("lead.qualified"), [channel], now=now + timedelta(days=1)
        )
        row = await uow.outbox.get_by_key(
            f"{sample_event('lead.qualified').id}/webhook:{receiver.url('/crm')}"
        )
        assert row is not None
        row_id = row.id
        await uow.outbox.mark_failed(row_id, "webhook answered 410: gone", now, retry_at=None)
        await uow.commit()

    listed = await (await client.get("/api/outbox?status=failed", headers=AUTH)).json()
    assert [(i["id"], i["status"], i["last_error"], i["event"]) for i in listed["items"]] == [
        (row_id, "dead", "webhook answered 410: gone", "lead.qualified")
    ]
    assert listed["total"] == 1
    assert (await client.get("/api/outbox?status=sent", headers=AUTH)).status == 200
    assert (await client.get("/api/outbox?status=nope", headers=AUTH)).status == 400
    assert (await client.get("/api/outbox?status=failed")).status == 401

    response = await client.post(f"/api/outbox/{row_id}/retry", headers=AUTH)
    assert response.status == 200
    assert (await response.json())["status"] == "pending"
    await _until(receiver, 1)
    assert receiver.accepted_keys() == [listed["items"][0]["idempotency_key"]]
    for _ in range(100):  # recorded as sent just after the receiver answered
        if (await client.post(f"/api/outbox/{row_id}/retry", headers=AUTH)).status == 409:
            break
        await asyncio.sleep(0.05)
    else:
        raise AssertionError("a delivered row must not be retried")
    assert (await client.post(f"/api/outbox/{row_id + 1000}/retry", headers=AUTH)).status == 404
    assert (await client.post("/api/outbox/abc/retry", headers=AUTH)).status == 404
    # Unicode digits pass str.isdigit() but not int(): still "no such message", not a 500.
    assert (await client.post("/api/outbox/%C2%B2/retry", headers=AUTH)).status == 404
    assert (await client.post("/api/outbox/1/retry")).status == 401
