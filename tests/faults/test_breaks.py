"""The three ways the lead store's promise broke (issue 15), each as a test that fails on
the code before the fix: an erasure undone by a drain in another process, one bad lead
blocking every later one, and the spool drained inside a visitor's turn."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import os
import shutil
import sys
import threading
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import func, select, text
from sqlalchemy.engine import make_url

from actions.leads import ActionScoreAndStoreLead
from actions.services import use_services
from bot.bootstrap import Services, build_services
from bot.leads.migrate import upgrade_async
from bot.leads.models import Lead, TranscriptMessage
from bot.leads.spool import LeadSpool, lead_input_to_json
from bot.settings import Settings
from tests.faults.holding_proxy import HoldingProxy
from tests.integration.test_lead_capture import finished_conversation
from tests.web.conftest import AUTH, StartApp, services_of
from tests.web.seed import bob, jane

ROOT = Path(__file__).resolve().parents[2]
JANE = "jane.doe@acme.io"


async def leads_with(services: Any, **where: Any) -> int:
    async with services.engine.connect() as connection:
        query = select(func.count()).select_from(Lead)
        for column, value in where.items():
            query = query.where(getattr(Lead, column) == value)
        return int((await connection.execute(query)).scalar_one())


def spool_raw(spool: LeadSpool, name: str, content: dict[str, Any], mtime: float) -> Path:
    """A spool file as an older version wrote it (no cleaning), with a set arrival time."""
    spool.directory.mkdir(parents=True, exist_ok=True)
    path = spool.directory / f"{name}.json"
    path.write_text(json.dumps(content), encoding="utf-8")
    os.utime(path, (mtime, mtime))
    return path


# -- 1. An erasure can be undone by a drain in another process -------------------------------


@pytest.mark.postgres
async def test_an_erasure_is_not_undone_by_a_drain_in_another_process(
    start_app: StartApp, postgres_url: str
) -> None:
    client = await start_app(postgres_url)
    services = services_of(client)
    await asyncio.sleep(0.5)  # the app's worker made its first pass over an empty spool
    services.spool.put(jane(services))  # Jane's lead, spooled while the database was down

    real = make_url(postgres_url)
    proxy = HoldingProxy(real.host or "127.0.0.1", real.port or 5432)
    await proxy.start()
    proxy.hold()
    proxied = real.set(port=proxy.port).render_as_string(hide_password=False)
    drainer = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "tests.faults.drainer",
        proxied,
        str(services.settings.spool_dir),
        cwd=ROOT,
        stdout=asyncio.subprocess.PIPE,
    )
    try:
        # The other process has read Jane's spooled lead and waits on the database.
        await asyncio.wait_for(proxy.opened.wait(), 60)
        erasure = asyncio.ensure_future(client.delete(f"/api/people/{JANE}", headers=AUTH))
        # Give an erasure that does not wait for the drain every chance to finish first.
        await asyncio.wait({erasure}, timeout=3)
        proxy.release()
        output, _ = await asyncio.wait_for(drainer.communicate(), 120)
        response = await asyncio.wait_for(erasure, 120)
    finally:
        proxy.release()
        await proxy.cut()
        if drainer.returncode is None:
            drainer.kill()
            await drainer.wait()

    assert response.status == 200
    assert output.split() == [b"ready", b"1"]  # the drain delivered Jane's lead...
    assert await leads_with(services) == 0  # ...and the erasure, after it, removed it
    assert services.spool.pending() == []


# -- 2. One bad lead blocks every later one --------------------------------------------------


@pytest.mark.postgres
async def test_a_spooled_lead_with_a_nul_does_not_block_the_leads_behind_it(
    start_app: StartApp, postgres_url: str
) -> None:
    client = await start_app(postgres_url)
    services = services_of(client)
    spool = services.spool
    older = lead_input_to_json(jane(services))
    older["transcript"][0]["text"] = "we lose leads\x00 at night"  # PostgreSQL takes no NUL
    spool_raw(spool, "conv-jane", older, mtime=1_000_000)
    spool_raw(spool, "conv-bob", lead_input_to_json(bob(services)), mtime=2_000_000)

    try:
        await spool.drain(services.uow)
    finally:
        assert await leads_with(services, email="bob@beta.io") == 1  # not blocked behind Jane
    assert await leads_with(services, email=JANE) == 1
    async with services.engine.connect() as connection:
        texts = (
            await connection.execute(
                select(TranscriptMessage.text).where(
                    TranscriptMessage.conversation_id == "conv-jane"
                )
            )
        ).scalars()
        assert "we lose leads at night" in list(texts)
    assert spool.pending() == []


@pytest.fixture
async def action_services(make_settings: Callable[..., Settings]) -> AsyncIterator[Any]:
    """The action server's services (no web app, so no worker drains behind our back)."""
    built: list[Services] = []

    async def use(url: str, *, migrate: bool = True, **settings: Any) -> Services:
        config = make_settings(url, **settings)
        if migrate:
            await upgrade_async(config.database_url)
        services = build_services(config)
        built.append(services)
        use_services(services)
        return services

    yield use
    use_services(None)
    for services in built:
        await services.close()


@pytest.mark.postgres
async def test_a_nul_typed_in_the_chat_is_stored_cleaned_not_spooled_forever(
    action_services: Any, postgres_url: str
) -> None:
    services = await action_services(postgres_url)
    tracker = finished_conversation("conv-nul", "nul@northwind.io")
    tracker.events[-1]["text"] = "Northwind\x00 Ltd\x01"
    dispatcher = CollectingDispatcher()

    await ActionScoreAndStoreLead().run(dispatcher, tracker, {})

    assert [m["response"] for m in dispatcher.messages] == ["utter_lead_handoff"]
    assert await leads_with(services, email="nul@northwind.io") == 1
    assert services.spool.pending() == []


REFUSE_ON_POSTGRES = [
    """CREATE FUNCTION refuse_company() RETURNS trigger AS $$
       BEGIN
         IF NEW.company = 'Refused Ltd' THEN
           RAISE EXCEPTION 'company refused' USING ERRCODE = 'check_violation';
         END IF;
         RETURN NEW;
       END $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER refuse_company BEFORE INSERT OR UPDATE ON leads
       FOR EACH ROW EXECUTE FUNCTION refuse_company()""",
]
REFUSE_ON_SQLITE = [
    """CREATE TRIGGER refuse_company BEFORE UPDATE ON leads
       WHEN NEW.company = 'Refused Ltd' BEGIN SELECT RAISE(ABORT, 'company refused'); END""",
    """CREATE TRIGGER refuse_company_insert BEFORE INSERT ON leads
       WHEN NEW.company = 'Refused Ltd' BEGIN SELECT RAISE(ABORT, 'company refused'); END""",
]


async def refuse_a_company(services: Any) -> None:
    """The database itself refuses one lead's content (a constraint an operator added)."""
    postgres = services.engine.dialect.name == "postgresql"
    async with services.engine.begin() as connection:
        for statement in REFUSE_ON_POSTGRES if postgres else REFUSE_ON_SQLITE:
            await connection.execute(text(statement))


async def test_a_refused_spooled_lead_goes_to_the_quarantine_and_the_drain_goes_on(
    start_app: StartApp, database_url: str, tmp_path: Path
) -> None:
    client = await start_app(
        database_url, admin_email="ops@leadbot.example", mail_dir=tmp_path / "mail"
    )
    services = services_of(client)
    await refuse_a_company(services)
    spool = services.spool
    refused = dataclasses.replace(jane(services), company="Refused Ltd")
    spool_raw(spool, "conv-jane", lead_input_to_json(refused), mtime=1_000_000)
    spool_raw(spool, "conv-bob", lead_input_to_json(bob(services)), mtime=2_000_000)

    from bot.web.worker import drain_pass  # (here: the module before the fix lacks it)

    report = await drain_pass(services)

    assert (report.delivered, report.quarantined) == (1, 1)
    assert await leads_with(services, email="bob@beta.io") == 1
    assert await leads_with(services, email=JANE) == 0
    assert spool.pending() == []
    [entry] = spool.quarantine.entries()
    assert entry.conversation_id == "conv-jane"
    assert "IntegrityError" in entry.reason
    kept = json.loads((spool.quarantine.directory / entry.file).read_text())
    assert kept["lead"]["company"] == "Refused Ltd"  # the whole lead, to fix and retry
    # The administrator was told once, without the person's data.
    [mail] = list(services.settings.mail_dir.glob("*.eml"))
    body = mail.read_text()
    assert "conv-jane" in body
    assert "IntegrityError" in body
    assert "acme" not in body.lower()
    assert "Jane" not in body
    assert spool.quarantine.unalerted() == []
    await drain_pass(services)
    assert len(list(services.settings.mail_dir.glob("*.eml"))) == 1
    # The API and the quarantine count agree.
    response = await client.get("/api/quarantine", headers=AUTH)
    assert response.status == 200
    listing = await response.json()
    assert listing["total"] == 1
    assert listing["items"][0]["conversation_id"] == "conv-jane"
    ready = await (await client.get("/readyz")).json()
    # (no Rasa or action server runs in this test: only the lead store's parts are asked)
    assert (ready["database"], ready["quarantined_leads"]) == ("ok", 1)


async def test_a_refused_capture_is_quarantined_and_the_visitor_is_told_only_if_kept(
    action_services: Any, sqlite_url: str, tmp_path: Path
) -> None:
    services = await action_services(sqlite_url)
    await refuse_a_company(services)
    tracker = finished_conversation("conv-refused", "r@northwind.io")
    tracker.slots["company"] = "Refused Ltd"
    dispatcher = CollectingDispatcher()
    await ActionScoreAndStoreLead().run(dispatcher, tracker, {})
    # A copy is on disk, an administrator will be told: the lead is kept.
    assert [m["response"] for m in dispatcher.messages] == ["utter_lead_handoff"]
    assert services.spool.quarantine.count() == 1
    assert services.spool.pending() == []

    # No disk to keep it on either: the visitor is told the truth.
    shutil.rmtree(services.spool.quarantine.directory)
    services.spool.quarantine.directory.write_text("a file where the folder should be")
    dispatcher = CollectingDispatcher()
    tracker = finished_conversation("conv-refused-2", "r2@northwind.io")
    tracker.slots["company"] = "Refused Ltd"
    await ActionScoreAndStoreLead().run(dispatcher, tracker, {})
    assert [m["response"] for m in dispatcher.messages] == ["utter_lead_not_saved"]


# -- 3. The spool drained inside a visitor's turn --------------------------------------------


async def test_a_visitors_turn_never_drains_the_spool(
    action_services: Any, sqlite_url: str
) -> None:
    services = await action_services(sqlite_url)
    waiting = services.spool.put(jane(services))  # another visitor's lead, spooled earlier

    dispatcher = CollectingDispatcher()
    await ActionScoreAndStoreLead().run(
        dispatcher, finished_conversation("conv-now", "now@northwind.io"), {}
    )

    assert [m["response"] for m in dispatcher.messages] == ["utter_lead_handoff"]
    assert await leads_with(services, email="now@northwind.io") == 1
    assert waiting.exists()  # left for the web app's worker
    assert await leads_with(services, email=JANE) == 0


class ThreadNotingSpool(LeadSpool):
    """The real spool, noting which thread wrote each file."""

    writers: list[int]

    def put(self, data: Any) -> Path:
        self.writers.append(threading.get_ident())
        return super().put(data)


async def test_spooling_a_lead_happens_off_the_event_loop(
    action_services: Any, tmp_path: Path
) -> None:
    services = await action_services("postgresql://postgres@127.0.0.1:1/test", migrate=False)
    spool = ThreadNotingSpool(services.spool.directory)
    spool.writers = []
    services.spool = spool

    dispatcher = CollectingDispatcher()
    await ActionScoreAndStoreLead().run(
        dispatcher, finished_conversation("conv-down", "down@northwind.io"), {}
    )

    assert [m["response"] for m in dispatcher.messages] == ["utter_lead_handoff"]
    assert len(spool.pending()) == 1
    assert spool.writers
    assert threading.get_ident() not in spool.writers
