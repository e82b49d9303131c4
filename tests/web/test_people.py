"""GDPR: export a person, and erase them from the lead store, Rasa's tracker store and
the spool."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import (
    Column,
    Float,
    Integer,
    MetaData,
    Sequence,
    String,
    Table,
    Text,
    func,
    select,
)
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from bot.facts import EmailCheck
from bot.leads.db import async_url
from bot.leads.models import ALL_TABLES
from bot.leads.service import LeadInput
from bot.web.tracker_store import RasaTrackerStore

from .conftest import AUTH, StartApp, services_of
from .seed import bob, jane, seed

# The table exactly as Rasa 3.6's SQLTrackerStore declares it (rasa/core/tracker_store.py,
# class SQLEvent), so the eraser is tested against the real shape.
rasa_metadata = MetaData()
rasa_events = Table(
    "events",
    rasa_metadata,
    Column("id", Integer, Sequence("events_seq", optional=True), primary_key=True),
    Column("sender_id", String(255), nullable=False, index=True),
    Column("type_name", String(255), nullable=False),
    Column("timestamp", Float),
    Column("intent_name", String(255)),
    Column("action_name", String(255)),
    Column("data", Text),
)

PEOPLE = {
    "conv-jane": "jane.doe@acme.io",
    "conv-bob": "bob@beta.io",
    "conv-carol": "carol@gamma.io",
    "conv-dave": "dave@delta.io",
    "conv-dave-2": "dave@delta.io",
    "conv-anonymous": None,
}


@pytest.fixture
async def tracker_engine(
    tmp_path: Path, database_url: str
) -> AsyncIterator[tuple[str, AsyncEngine]]:
    """Rasa's tracker store on the same backend as the lead store, with events for every
    seeded conversation and an anonymous one."""
    url = (
        f"sqlite:///{tmp_path}/rasa_tracker.db"
        if database_url.startswith("sqlite")
        else database_url
    )
    rows = []
    for sender, address in PEOPLE.items():
        for event, name, data in [
            ("action", "action_listen", {"event": "action", "name": "action_listen"}),
            ("user", None, {"event": "user", "text": f"my email is {address}"}),
        ]:
            rows.append(
                {
                    "sender_id": sender,
                    "type_name": event,
                    "timestamp": 1.0,
                    "intent_name": "inform" if event == "user" else None,
                    "action_name": name,
                    "data": json.dumps(data),
                }
            )
    engine = create_async_engine(async_url(url))
    try:
        async with engine.begin() as connection:
            await connection.run_sync(rasa_metadata.create_all)
            await connection.execute(rasa_events.insert(), rows)
        yield url, engine
    finally:
        await engine.dispose()


async def _events_by_sender(engine: AsyncEngine) -> dict[str, int]:
    async with engine.connect() as connection:
        result = await connection.execute(
            select(rasa_events.c.sender_id, func.count()).group_by(rasa_events.c.sender_id)
        )
        return {sender: int(n) for sender, n in result.all()}


async def _row_counts(engine: AsyncEngine) -> dict[str, int]:
    async with engine.connect() as connection:
        return {
            table.name: int(
                (await connection.execute(select(func.count()).select_from(table))).scalar_one()
            )
            for table in ALL_TABLES
        }


async def test_export_has_everything_about_the_person(
    start_app: StartApp, database_url: str
) -> None:
    client = await start_app(database_url)
    ids = await seed(services_of(client))
    response = await client.get("/api/people/Dave@Delta.io/export", headers=AUTH)
    assert response.status == 200
    assert response.headers["Cache-Control"] == "no-store"
    data = await response.json()
    assert data["email_key"] == "dave@delta.io"
    assert [lead["id"] for lead in data["leads"]] == [ids["dave"]]
    assert data["leads"][0]["budget_raw"] == "15k dollars"
    assert [c["id"] for c in data["conversations"]] == ["conv-dave", "conv-dave-2"]
    assert [m["text"] for m in data["conversations"][0]["transcript"]] == [
        "hi",
        "Hello! What brings you here?",
        "15k dollars",
    ]
    assert len(data["score_history"]) == 2
    assert {c["kind"] for c in data["consents"]} == {"privacy_notice"}
    assert data["outbox"] == []
    # Nobody else's data.
    assert "jane" not in json.dumps(data).lower()


async def test_export_of_an_unknown_person_is_404(start_app: StartApp) -> None:
    client = await start_app()
    response = await client.get("/api/people/nobody@nowhere.io/export", headers=AUTH)
    assert response.status == 404
    assert (await response.json())["error"] == "nothing stored for this email address"


@pytest.mark.parametrize(
    ("method", "path"),
    [("GET", "/api/people/not-an-email/export"), ("DELETE", "/api/people/not-an-email")],
)
async def test_a_path_that_is_no_email_is_400(start_app: StartApp, method: str, path: str) -> None:
    client = await start_app()
    response = await client.request(method, path, headers=AUTH)
    assert response.status == 400
    assert (await response.json())["parameter"] == "email"


async def test_erase_removes_the_person_everywhere(
    start_app: StartApp,
    database_url: str,
    tracker_engine: tuple[str, AsyncEngine],
) -> None:
    tracker_url, tracker = tracker_engine
    client = await start_app(database_url, rasa_tracker_url=tracker_url)
    services = services_of(client)
    ids = await seed(services)
    before = await _row_counts(services.engine)
    # A lead of Dave's spooled while the database was down, one of another conversation
    # with his address, and Jane's: only Dave's go.
    spool = services.spool
    dave_spooled = spool.put(_with_conversation(jane(services), "conv-dave-2", "dave@delta.io"))
    dave_other = spool.put(_with_conversation(bob(services), "conv-dave-3", "Dave@Delta.io"))
    jane_spooled = spool.put(jane(services))

    response = await client.delete("/api/people/DAVE@delta.io", headers=AUTH)
    assert response.status == 200
    report = await response.json()
    assert report["email_key"] == "dave@delta.io"
    assert report["lead_ids"] == [ids["dave"]]
    assert report["conversation_ids"] == ["conv-dave", "conv-dave-2"]
    assert report["deleted"] == {
        "lead_store": {
            "outbox": 0,
            "transcript_messages": 6,
            "score_history": 2,
            "consents": 2,
            "conversations": 2,
            "leads": 1,
        },
        "rasa_tracker_store": {"events": 4},
        "spool_files": 2,
    }
    # The lead store keeps everyone else, nothing of Dave.
    after = await _row_counts(services.engine)
    assert after == {
        "leads": before["leads"] - 1,
        "conversations": before["conversations"] - 2,
        "transcript_messages": before["transcript_messages"] - 6,
        "score_history": before["score_history"] - 2,
        "consents": before["consents"] - 2,
        "outbox": 0,
        # handoff's tables (migration 0002); their rows go with the lead (ON DELETE CASCADE)
        "meetings": 0,
        "routing_state": 0,
        "lead_owners": 0,
        # nurture's tables (migration 0003): nothing of anyone's in this test
        "nurture_enrollments": 0,
        "nurture_steps": 0,
        "nurture_send_log": 0,
        "nurture_suppressions": 0,
    }
    assert (await (await client.get("/api/leads?email=dave@delta.io", headers=AUTH)).json())[
        "total"
    ] == 0
    assert (await client.get("/api/people/dave@delta.io/export", headers=AUTH)).status == 404
    assert (await client.get(f"/api/leads/{ids['dave']}", headers=AUTH)).status == 404
    # Rasa's tracker store: no event of Dave's conversations, everyone else's kept.
    assert await _events_by_sender(tracker) == {
        "conv-jane": 2,
        "conv-bob": 2,
        "conv-carol": 2,
        "conv-anonymous": 2,
    }
    # The spool: Dave's files gone, Jane's kept.
    assert not dave_spooled.exists()
    assert not dave_other.exists()
    assert jane_spooled.exists()

    # Erasing again finds nothing and says so.
    again = await (await client.delete("/api/people/dave@delta.io", headers=AUTH)).json()
    assert again["lead_ids"] == []
    assert again["conversation_ids"] == []
    assert again["deleted"]["rasa_tracker_store"] == {"events": 0}
    assert set(again["deleted"]["lead_store"].values()) == {0}


async def test_erase_with_no_tracker_store_yet(start_app: StartApp, tmp_path: Path) -> None:
    """Rasa never wrote a tracker store (or not to SQL): nothing to erase there, and the
    eraser doesn't create an empty database file."""
    missing = tmp_path / "never-created.db"
    client = await start_app(rasa_tracker_url=f"sqlite:///{missing}")
    await seed(services_of(client))
    report = await (await client.delete("/api/people/jane.doe@acme.io", headers=AUTH)).json()
    assert report["conversation_ids"] == ["conv-jane"]
    assert report["deleted"]["rasa_tracker_store"] == {"events": 0}
    assert not missing.exists()


async def test_erase_with_a_tracker_database_without_the_events_table(
    start_app: StartApp, tmp_path: Path
) -> None:
    empty = tmp_path / "empty.db"
    engine = create_async_engine(async_url(f"sqlite:///{empty}"))
    async with engine.begin() as connection:
        await connection.run_sync(MetaData().create_all)
        await connection.exec_driver_sql("CREATE TABLE other (id INTEGER)")
    await engine.dispose()
    client = await start_app(rasa_tracker_url=f"sqlite:///{empty}")
    await seed(services_of(client))
    response = await client.delete("/api/people/jane.doe@acme.io", headers=AUTH)
    assert response.status == 200
    assert (await response.json())["deleted"]["rasa_tracker_store"] == {"events": 0}


async def test_tracker_store_erases_in_chunks(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/rasa.db"
    engine = create_async_engine(async_url(url))
    async with engine.begin() as connection:
        await connection.run_sync(rasa_metadata.create_all)
        await connection.execute(
            rasa_events.insert(),
            [{"sender_id": f"s{n}", "type_name": "user"} for n in range(1200)],
        )
    store = RasaTrackerStore(url)
    try:
        assert await store.erase(f"s{n}" for n in range(1100)) == 1100
        assert await store.erase([]) == 0
    finally:
        await store.close()
    assert await _events_by_sender(engine) == {f"s{n}": 1 for n in range(1100, 1200)}
    await engine.dispose()


def _with_conversation(data: LeadInput, conversation_id: str, address: str) -> LeadInput:
    return dataclasses.replace(
        data,
        conversation_id=conversation_id,
        email=EmailCheck(raw=address, status="ok", normalized=address.lower()),
    )
