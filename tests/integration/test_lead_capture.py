"""action_score_and_store_lead end to end: real rasa_sdk objects, a real lead store, and a
PostgreSQL outage in the middle of the conversation that must lose nothing."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from actions.leads import ActionScoreAndStoreLead
from actions.services import use_services
from bot.bootstrap import Services, build_services
from bot.leads.db import make_engine
from bot.leads.migrate import upgrade_async
from bot.leads.models import Lead, ScoreHistory, TranscriptMessage
from bot.settings import load_settings
from bot.web.worker import drain_spool_once
from tests.support.rasa_objects import make_tracker
from tests.support.tcp_proxy import TcpProxy

ACTION = ActionScoreAndStoreLead()
ANSWERS: dict[str, Any] = {
    "need": "we lose inbound leads at night",
    "need_detail": {
        "raw": "we lose inbound leads at night",
        "level": "concrete",
        "summary": "lose inbound leads at night",
    },
    "budget": "about $60k a year",
    "budget_detail": {
        "raw": "about $60k a year",
        "status": "amount",
        "amount": 60000.0,
        "amount_max": None,
        "currency": "USD",
        "period": "year",
    },
    "authority": "head of sales",
    "authority_detail": {
        "raw": "head of sales",
        "level": "decision_maker",
        "decision_maker": True,
        "role": "Head of Sales",
    },
    "timeline": "in 3 months",
    "timeline_detail": {"raw": "in 3 months", "status": "date", "months": 3.0},
    "name": "Sophie Laurent",
    "company": "Northwind",
}
PAGE = {
    "page_url": "https://example.com/pricing",
    "referrer": "https://news.example/",
    "utm_source": "newsletter",
    "utm_campaign": "spring",
}


def finished_conversation(sender: str, email: str) -> Any:
    slots = {
        **ANSWERS,
        "email": email,
        "email_detail": {
            "raw": email,
            "status": "ok",
            "normalized": email,
            "domain": email.split("@")[1],
            "reason": None,
        },
    }
    history = [
        {"event": "bot", "text": "What are you hoping to solve?", "timestamp": 1_760_000_001.0},
    ]
    tracker = make_tracker(text="Northwind", slots=slots, form=None, history=history, metadata=PAGE)
    tracker.sender_id = sender
    return tracker


async def count(url: str, model: Any, **where: Any) -> int:
    engine = make_engine(url)
    try:
        async with engine.connect() as connection:
            query = select(func.count()).select_from(model)
            for column, value in where.items():
                query = query.where(getattr(model, column) == value)
            return int((await connection.execute(query)).scalar_one())
    finally:
        await engine.dispose()


@pytest.fixture
async def services_for(tmp_path: Path) -> AsyncIterator[Any]:
    built: list[Services] = []

    async def build(url: str) -> Services:
        settings = dataclasses.replace(
            load_settings({}), database_url=url, spool_dir=tmp_path / "spool"
        )
        services = build_services(settings)
        built.append(services)
        use_services(services)
        return services

    yield build
    use_services(None)
    for services in built:
        await services.close()


@pytest.mark.parametrize(
    "backend", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
async def test_a_finished_conversation_is_scored_and_stored(
    backend: str, request: pytest.FixtureRequest, services_for: Any
) -> None:
    url = request.getfixturevalue("sqlite_url" if backend == "sqlite" else "postgres_url")
    await upgrade_async(url)
    await services_for(url)
    dispatcher = CollectingDispatcher()

    events = await ACTION.run(
        dispatcher, finished_conversation("conv-1", "sophie@northwind.io"), {}
    )

    assert {e["name"]: e["value"] for e in events} == {"lead_score": 100, "lead_route": "handoff"}
    [message] = dispatcher.messages
    assert message["response"] == "utter_lead_handoff"
    assert message["thanks"] == "Thanks, Sophie!"
    assert message["email"] == "sophie@northwind.io"
    assert await count(url, Lead, email="sophie@northwind.io", route="handoff", score=100) == 1
    assert await count(url, Lead, source_utm_campaign="spring") == 1
    assert await count(url, ScoreHistory) == 1
    assert await count(url, TranscriptMessage, conversation_id="conv-1") == 2

    # a retried action (Rasa retries on timeouts) never creates a second lead
    await ACTION.run(
        CollectingDispatcher(), finished_conversation("conv-1", "sophie@northwind.io"), {}
    )
    assert await count(url, Lead) == 1


@pytest.mark.postgres
async def test_postgres_outage_mid_conversation_loses_nothing(
    postgres_url: str, services_for: Any, tmp_path: Path
) -> None:
    await upgrade_async(postgres_url)
    real = make_url(postgres_url)
    proxy = TcpProxy(real.host or "127.0.0.1", real.port or 5432)
    await proxy.start()
    proxied = real.set(port=proxy.port).render_as_string(hide_password=False)
    services = await services_for(proxied)
    try:
        # before the outage: stored directly
        await ACTION.run(
            CollectingDispatcher(), finished_conversation("before", "a@northwind.io"), {}
        )
        assert await count(postgres_url, Lead, email="a@northwind.io") == 1

        await proxy.cut()  # PostgreSQL is unreachable for the bot from here on

        dispatcher = CollectingDispatcher()
        events = await ACTION.run(dispatcher, finished_conversation("during", "b@northwind.io"), {})
        # the visitor still gets the same kind, truthful reply: the lead is kept
        assert [m["response"] for m in dispatcher.messages] == ["utter_lead_handoff"]
        assert {e["name"]: e["value"] for e in events}["lead_route"] == "handoff"
        assert len(services.spool.pending()) == 1
        assert await count(postgres_url, Lead, email="b@northwind.io") == 0

        await proxy.start()  # the database is back

        # the next conversation is stored directly; the web app's worker (the one
        # drainer: an action never drains) delivers what waited in the spool
        await ACTION.run(
            CollectingDispatcher(), finished_conversation("after", "c@northwind.io"), {}
        )
        assert len(services.spool.pending()) == 1
        assert await drain_spool_once(services) == 1
        assert services.spool.pending() == []
        for email in ("a@northwind.io", "b@northwind.io", "c@northwind.io"):
            assert await count(postgres_url, Lead, email=email, route="handoff") == 1
        assert await count(postgres_url, TranscriptMessage, conversation_id="during") == 2
    finally:
        await proxy.cut()


async def test_leaving_half_way_with_an_email_keeps_a_partial_lead(
    sqlite_url: str, services_for: Any
) -> None:
    await upgrade_async(sqlite_url)
    await services_for(sqlite_url)
    tracker = finished_conversation("partial", "d@northwind.io")
    for slot in ("timeline", "timeline_detail", "company"):
        tracker.slots[slot] = None
    dispatcher = CollectingDispatcher()
    events = await ACTION.run(dispatcher, tracker, {})
    assert dispatcher.messages == []  # the goodbye / human rule speaks, not this action
    assert {e["name"] for e in events} == {"lead_score", "lead_route"}
    assert await count(sqlite_url, Lead, email="d@northwind.io") == 1


async def test_leaving_without_an_email_stores_nothing(sqlite_url: str, services_for: Any) -> None:
    await upgrade_async(sqlite_url)
    await services_for(sqlite_url)
    tracker = finished_conversation("anonymous", "e@northwind.io")
    for slot in ("email", "email_detail", "company"):
        tracker.slots[slot] = None
    events = await ACTION.run(CollectingDispatcher(), tracker, {})
    assert [(e["name"], e["value"]) for e in events] == [("lead_route", None)]  # nothing follows
    assert await count(sqlite_url, Lead) == 0
