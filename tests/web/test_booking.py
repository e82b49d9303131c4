"""The visitor's booking page: a signed link to see, cancel or move the call; the rep is
told each time (outbox rows in the same transaction)."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from aiohttp.test_utils import TestClient
from sqlalchemy import select

from bot.handoff import service
from bot.handoff.models import Meeting
from bot.handoff.service import on_lead_stored
from bot.leads.models import Lead, OutboxMessage
from bot.leads.service import record_lead
from bot.leads.unit_of_work import SqlAlchemyUnitOfWork
from bot.signing import Purpose
from tests.integration.leads.helpers import full_input, score

from .conftest import StartApp, services_of

EVERY_DAY = ", ".join(
    f'{day}: ["00:00-24:00"]' for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
)


@pytest.fixture
async def client(start_app: StartApp, tmp_path: Path) -> TestClient[Any, Any]:
    reps = tmp_path / "reps.yml"
    reps.write_text(
        f"""\
version: 1
defaults: {{min_notice_minutes: 60, buffer_minutes: 0}}
reps:
  - id: ana
    name: Ana <Souza>
    email: ana@example.com
    time_zone: Europe/Paris
    working_hours: {{{EVERY_DAY}}}
routing:
  fallback_rep: ana
"""
    )
    return await start_app(reps_file=reps, mail_dir=tmp_path / "mail")


async def _booked(client: TestClient[Any, Any]) -> tuple[str, datetime]:
    services = services_of(client)
    now = services.clock.now()

    async def hook(uow: SqlAlchemyUnitOfWork, lead: Lead, conversation: str, at: datetime) -> None:
        await on_lead_stored(uow, services.handoff, lead, conversation, at)

    await record_lead(services.uow(), full_input("conv-b", score=score(90)), on_stored=hook)
    offer = await service.offer_slots(services.uow(), services.handoff, "conv-b", now)
    assert offer is not None
    booking = await service.book(
        services.uow(), services.handoff, "conv-b", offer.slots[0], now,
        visitor_zone="America/New_York",
    )  # fmt: skip
    assert booking is not None
    assert booking.manage_url is not None
    return booking.manage_url.rsplit("/", 1)[1], offer.slots[0]


async def _events(client: TestClient[Any, Any]) -> list[str]:
    async with services_of(client).uow() as uow:
        rows = (await uow.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))).all()
    return [f"{r.payload['event']['type']}/{r.channel}" for r in rows]


async def test_the_page_shows_the_call_on_the_visitors_clock(client: TestClient[Any, Any]) -> None:
    token, start = await _booked(client)
    response = await client.get(f"/booking/{token}")
    assert response.status == 200
    assert response.headers["Cache-Control"] == "no-store"
    page = await response.text()
    local = start.astimezone(ZoneInfo("America/New_York"))
    assert f"{local:%H:%M}" in page
    assert "(America/New_York)" in page
    assert "Ana &lt;Souza&gt;" in page  # escaped
    assert page.count('name="start"') >= 3


@pytest.mark.parametrize("kind", ["tampered", "other_purpose", "garbage"])
async def test_a_link_that_is_not_ours_shows_nothing(
    client: TestClient[Any, Any], kind: str
) -> None:
    token, _ = await _booked(client)
    signer = services_of(client).handoff.signer
    bad = {
        "tampered": token[:-2] + ("AA" if not token.endswith("AA") else "BB"),
        "other_purpose": signer.sign(Purpose.UNSUBSCRIBE, {"meeting": "x"}),
        "garbage": "not-a-token",
    }[kind]
    response = await client.get(f"/booking/{bad}")
    assert response.status == 404
    assert "Link not valid" in await response.text()
    assert (await client.post(f"/booking/{bad}/cancel")).status == 404


async def test_moving_the_call_books_the_new_time_and_tells_the_rep(
    client: TestClient[Any, Any],
) -> None:
    token, start = await _booked(client)
    page = await (await client.get(f"/booking/{token}")).text()
    choice = re.findall(r'name="start" value="([^"]+)"', page)[1]
    response = await client.post(
        f"/booking/{token}/reschedule", data={"start": choice}, allow_redirects=False
    )
    assert response.status == 303
    moved = await client.get(response.headers["Location"])
    assert "Your call is moved" in await moved.text()
    async with services_of(client).uow() as uow:
        meetings = (await uow.session.scalars(select(Meeting).order_by(Meeting.created_at))).all()
    assert sorted((m.start_at.isoformat(), m.status) for m in meetings) == sorted(
        [(start.isoformat(), "cancelled"), (choice, "booked")]
    )
    assert (await _events(client))[-4:] == [
        "meeting.cancelled/email", "meeting.cancelled/invite",
        "meeting.booked/email", "meeting.booked/invite",
    ]  # fmt: skip
    stale = await client.post(f"/booking/{token}/reschedule", data={"start": choice})
    assert stale.status == 409


async def test_cancelling_tells_the_rep_and_the_page_says_so(client: TestClient[Any, Any]) -> None:
    token, _ = await _booked(client)
    response = await client.post(f"/booking/{token}/cancel")
    assert response.status == 200
    page = await response.text()
    assert "Your call is cancelled" in page
    assert "This call is cancelled." in page
    assert (await _events(client))[-2:] == ["meeting.cancelled/email", "meeting.cancelled/invite"]
    again = await client.post(f"/booking/{token}/cancel")
    assert "already cancelled" in await again.text()
    bad = await client.post(f"/booking/{token}/reschedule", data={"start": "tomorrow"})
    assert bad.status in (400, 409)
