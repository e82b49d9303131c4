"""The OpenAPI document describes the API that runs: schemathesis checks every operation.

The app runs on a real loopback port in a thread of its own (schemathesis speaks HTTP
through `requests`), over a migrated and seeded SQLite lead store and a Rasa tracker store.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import schemathesis
from aiohttp import web
from hypothesis import HealthCheck, settings
from jsonschema import Draft202012Validator

from bot.bootstrap import build_services
from bot.leads.migrate import upgrade_async
from bot.settings import Settings
from bot.web.app import create_app
from bot.web.openapi import NOT_API_ROUTES, openapi_document

from .conftest import AUTH, TOKEN, StartApp, services_of
from .seed import seed


async def test_the_document_is_served_without_a_token(start_app: StartApp) -> None:
    client = await start_app()
    response = await client.get("/api/openapi.json")
    assert response.status == 200
    document = await response.json()
    assert document == openapi_document()
    assert document["openapi"].startswith("3.1")
    assert set(document["paths"]) == {
        "/api/leads",
        "/api/leads.csv",
        "/api/leads/{id}",
        "/api/quarantine",
        "/api/people/{email}/export",
        "/api/people/{email}",
        "/api/outbox",
        "/api/outbox/{id}/retry",
        "/booking/{token}",
        "/booking/{token}/cancel",
        "/booking/{token}/reschedule",
        "/api/openapi.json",
        "/healthz",
        "/readyz",
        "/api/conversations/{conversation_id}/claim",
        "/api/conversations/{conversation_id}/release",
        "/api/conversations/{conversation_id}/messages",
        # nurture (bot/web/routes_nurture.py)
        "/api/leads/{id}/nurture/stop",
        "/api/nurture/bounces",
        "/api/nurture/inbound",
        "/nurture/unsubscribe/{token}",
    }
    assert document["components"]["securitySchemes"] == {
        "bearerAuth": {"type": "http", "scheme": "bearer"}
    }
    lead = document["components"]["schemas"]["Lead"]["properties"]
    for name in ("budget", "authority", "need", "timeline", "source", "breakdown", "meeting"):
        assert name in lead


def _validate(instance: Any, component: str) -> None:
    document = openapi_document()
    schema = {"$ref": f"#/components/schemas/{component}", "components": document["components"]}
    Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER).validate(
        instance
    )


async def test_the_answers_schemathesis_cannot_reach_match_the_document(
    start_app: StartApp,
) -> None:
    """Random ids and addresses find nobody: check the seeded answers here."""
    client = await start_app()
    ids = await seed(services_of(client))
    for lead_id in ids.values():
        _validate(
            await (await client.get(f"/api/leads/{lead_id}", headers=AUTH)).json(), "LeadDetail"
        )
    _validate(await (await client.get("/api/leads", headers=AUTH)).json(), "LeadPage")
    export = await client.get("/api/people/dave@delta.io/export", headers=AUTH)
    _validate(await export.json(), "PersonExport")
    erased = await client.delete("/api/people/dave@delta.io", headers=AUTH)
    _validate(await erased.json(), "ErasureReport")
    for response in (
        await client.get("/api/leads?limit=0", headers=AUTH),
        await client.get("/api/leads"),
        await client.get(f"/api/leads/{ids['dave']}", headers=AUTH),
    ):
        assert response.status in (400, 401, 404)
        _validate(await response.json(), "Error")


def test_every_app_route_is_documented(make_settings: Callable[..., Settings]) -> None:
    app = create_app(build_services(make_settings()))
    documented = {
        (method.upper(), path)
        for path, operations in openapi_document()["paths"].items()
        for method in operations
    }
    served = {
        (route.method, route.resource.canonical)
        for route in app.router.routes()
        if route.method != "HEAD"
        and route.resource is not None
        and route.resource.canonical not in NOT_API_ROUTES
    }
    assert served == documented


class LiveServer:
    """The app on 127.0.0.1 (a free port) in a thread with its own event loop."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._runner: web.AppRunner | None = None
        self.url = ""

    def _run(self, coroutine: Any) -> Any:
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(timeout=60)

    async def _start(self) -> str:
        await upgrade_async(self._settings.database_url)
        services = build_services(self._settings)
        await seed(services)
        self._runner = web.AppRunner(create_app(services), access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        host, port = self._runner.addresses[0][:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> LiveServer:
        self._thread.start()
        self.url = self._run(self._start())
        return self

    def __exit__(self, *exc: object) -> None:
        if self._runner is not None:
            self._run(self._runner.cleanup())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)
        self._loop.close()


@pytest.fixture(scope="module")
def live_api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Started once for all operations: a migrated, seeded lead store behind it."""
    folder = tmp_path_factory.mktemp("live_api")
    settings = Settings(
        database_url=f"sqlite:///{folder}/leadbot.db",
        rasa_tracker_url=f"sqlite:///{folder}/rasa_tracker.db",
        api_token=TOKEN,
        spool_dir=folder / "spool",
        mail_dir=folder / "mail",
    )
    with LiveServer(settings) as server:
        yield server.url


# The document the app serves (test_the_document_is_served_without_a_token checks it is
# this one). Loaded at collection so that every operation is a test of its own; schemathesis'
# lazy `from_fixture` loader does not run on pytest 9 (it sets `Node._nodeid`).
# /readyz answers 503 here by design (no Rasa or action server runs in this test);
# its answers are checked in tests/web/test_gateway.py and tests/faults/test_breaks.py.
schema = schemathesis.openapi.from_dict(openapi_document()).exclude(path="/readyz")


@schema.parametrize()  # type: ignore[untyped-decorator]  # schemathesis ships no types
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_the_api_matches_its_document(case: Any, live_api: str) -> None:
    """No 5xx, every response as documented (status, content type, schema, auth), valid
    input accepted and invalid input refused."""
    case.call_and_validate(base_url=live_api, headers=AUTH)


class LeadsWorkflow(schema.as_state_machine()):  # type: ignore[misc]
    """Sequences of calls that follow the document's links: list -> one lead -> the
    person's export, the lead's conversation -> the list filtered by it."""

    base_url = ""

    def get_call_kwargs(self, case: Any) -> dict[str, Any]:
        return {"base_url": self.base_url, "headers": AUTH}


def test_linked_calls_hold_together(live_api: str) -> None:
    LeadsWorkflow.base_url = live_api
    LeadsWorkflow.run(
        settings=settings(
            max_examples=40,
            stateful_step_count=5,
            deadline=None,
            suppress_health_check=list(HealthCheck),
        )
    )
