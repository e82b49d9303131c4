"""A person asks to be forgotten: after DELETE /api/people/{email}, nothing of them is
left in the lead store or in the Rasa tracker store the real Rasa server wrote."""

from __future__ import annotations

import dataclasses
import sqlite3
import uuid
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient

from bot.bootstrap import build_services
from bot.settings import load_settings
from bot.web.app import create_app
from tests.support.stack import Stack

pytestmark = pytest.mark.rasa
TOKEN = "gdpr-test-token-0123456789"


def rows_mentioning(sqlite_url: str, needle: str) -> int:
    """Rows of every table of a SQLite file whose text contains `needle`."""
    path = sqlite_url.removeprefix("sqlite:///")
    found = 0
    with sqlite3.connect(path) as db:
        tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        for table in tables:
            for row in db.execute(f'SELECT * FROM "{table}"'):
                found += any(needle in str(value) for value in row)
    return found


async def test_erasing_a_person_leaves_nothing_behind(
    stack: Stack, lead_store_url: str, aiohttp_client, tmp_path: Path
) -> None:
    me = f"gdpr-{uuid.uuid4().hex[:8]}"
    email = f"erase.me.{uuid.uuid4().hex[:6]}@northwind.io"
    stack.say(me, "I'm the CTO at Acme, 50k budget, need it by March")
    stack.say(me, "we need to qualify demo requests automatically")
    stack.say(me, "Ada Lovelace")
    stack.say(me, email)
    assert rows_mentioning(stack.tracker_store_url, email) > 0

    settings = dataclasses.replace(
        load_settings({}),
        database_url=lead_store_url,
        rasa_tracker_url=stack.tracker_store_url,
        api_token=TOKEN,
        # never the developer's var/spool: the app's worker drains it, the erasure deletes
        spool_dir=tmp_path / "spool",
        mail_dir=tmp_path / "mail",
    )
    client: TestClient = await aiohttp_client(create_app(build_services(settings)))
    auth = {"Authorization": f"Bearer {TOKEN}"}

    found = await (await client.get("/api/leads", params={"email": email}, headers=auth)).json()
    assert found["total"] == 1
    assert found["items"][0]["budget"]["amount"] == 50000

    response = await client.delete(f"/api/people/{email}", headers=auth)
    assert response.status == 200

    gone = await (await client.get("/api/leads", params={"email": email}, headers=auth)).json()
    assert gone["total"] == 0
    assert rows_mentioning(lead_store_url, email) == 0
    assert rows_mentioning(stack.tracker_store_url, email) == 0
    assert rows_mentioning(stack.tracker_store_url, "Ada Lovelace") == 0
    user_events = [e for e in stack.tracker(me)["events"] if e["event"] == "user"]
    assert user_events == []
