"""/healthz, and the error middleware: JSON for every error, 503 for a database outage,
500 with a request id (and no personal data) for a bug."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from aiohttp import web

from bot.bootstrap import build_services
from bot.web.app import create_app

from .conftest import AUTH, UNREACHABLE_DATABASE, AiohttpClient, StartApp


async def test_healthz_ok(start_app: StartApp, database_url: str) -> None:
    client = await start_app(database_url)
    response = await client.get("/healthz")
    assert response.status == 200
    assert await response.json() == {"status": "ok", "database": "ok"}


async def test_healthz_degraded_when_the_database_is_unreachable(start_app: StartApp) -> None:
    client = await start_app(UNREACHABLE_DATABASE, migrate=False)
    response = await client.get("/healthz")
    assert response.status == 503
    body = await response.json()
    assert body["status"] == "degraded"
    assert body["database"].startswith("unavailable")
    assert "127.0.0.1" not in body["database"]  # no connection details


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/api/leads"),
        ("GET", "/api/leads.csv"),
        ("GET", "/api/leads/some-id"),
        ("GET", "/api/people/jane@acme.io/export"),
        ("DELETE", "/api/people/jane@acme.io"),
    ],
)
async def test_a_database_outage_is_503_json(start_app: StartApp, method: str, path: str) -> None:
    client = await start_app(UNREACHABLE_DATABASE, migrate=False)
    response = await client.request(method, path, headers=AUTH)
    assert response.status == 503
    body = await response.json()
    assert body["error"] == "database unavailable"
    assert response.headers["X-Request-ID"] == body["request_id"]


async def test_a_bug_is_500_json_with_a_request_id_and_no_personal_data(
    aiohttp_client: AiohttpClient,
    make_settings: Any,
    caplog: pytest.LogCaptureFixture,
) -> None:
    app = create_app(build_services(make_settings()))

    async def broken(request: web.Request) -> web.Response:
        raise RuntimeError("cannot score jane@acme.io")

    app.router.add_get("/api/people/{email}/broken", broken)
    client = await aiohttp_client(app)
    with caplog.at_level(logging.ERROR, logger="bot.web.middlewares"):
        response = await client.get("/api/people/jane@acme.io/broken", headers=AUTH)
    assert response.status == 500
    body = await response.json()
    assert body == {"error": "internal error", "request_id": response.headers["X-Request-ID"]}
    assert "jane" not in await response.text()
    # The log has the details and the request id, and the route rather than the path.
    (record,) = [r for r in caplog.records if r.name == "bot.web.middlewares"]
    assert body["request_id"] in record.getMessage()
    assert "/api/people/{email}/broken" in record.getMessage()
    assert "jane@acme.io" not in record.getMessage()
    assert record.exc_info is not None


async def test_unknown_routes_and_methods_are_json(start_app: StartApp) -> None:
    client = await start_app()
    missing = await client.get("/api/nothing-here", headers=AUTH)
    assert missing.status == 404
    assert await missing.json() == {"error": "not found"}
    outside = await client.get("/nothing-here")
    assert outside.status == 404
    assert (await outside.json())["error"] == "not found"
    wrong_method = await client.post("/api/leads", headers=AUTH)
    assert wrong_method.status == 405
    assert wrong_method.headers["Allow"] == "GET,HEAD"
    assert await wrong_method.json() == {"error": "method not allowed"}


async def test_a_large_request_body_is_refused(start_app: StartApp) -> None:
    client = await start_app()
    response = await client.delete(
        "/api/people/jane@acme.io", headers=AUTH, data=b"x" * (65 * 1024)
    )
    assert response.status == 413
    assert await response.json() == {"error": "request entity too large"}
