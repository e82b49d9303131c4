"""The bearer token guards every /api route but the OpenAPI document."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from bot.bootstrap import build_services
from bot.settings import Settings, SettingsError
from bot.web.app import create_app

from .conftest import AUTH, TOKEN, StartApp

API_ROUTES = [
    ("GET", "/api/leads"),
    ("GET", "/api/leads.csv"),
    ("GET", "/api/leads/some-id"),
    ("GET", "/api/people/jane@acme.io/export"),
    ("DELETE", "/api/people/jane@acme.io"),
    ("GET", "/api/no-such-route"),  # unknown routes don't tell strangers they don't exist
]


@pytest.mark.parametrize(("method", "path"), API_ROUTES)
async def test_no_token_is_401(start_app: StartApp, method: str, path: str) -> None:
    client = await start_app()
    response = await client.request(method, path)
    assert response.status == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert await response.json() == {"error": "missing bearer token"}


@pytest.mark.parametrize(
    "authorization",
    [
        "Bearer wrong-token",
        f"Bearer {TOKEN}x",
        f"Bearer {TOKEN[:-1]}",
        f"Basic {TOKEN}",
        TOKEN,
        "Bearer ",
        "Bearer tökén",
    ],
)
async def test_wrong_token_is_401(start_app: StartApp, authorization: str) -> None:
    client = await start_app()
    response = await client.get("/api/leads", headers={"Authorization": authorization})
    assert response.status == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    body = await response.json()
    assert body["error"] in ("missing bearer token", "invalid bearer token")
    assert TOKEN not in await response.text()


@pytest.mark.parametrize("scheme", ["Bearer", "bearer", "BEARER"])
async def test_right_token_is_200(start_app: StartApp, scheme: str) -> None:
    client = await start_app()
    response = await client.get("/api/leads", headers={"Authorization": f"{scheme} {TOKEN}"})
    assert response.status == 200
    assert await response.json() == {"items": [], "total": 0, "limit": 50, "offset": 0}


async def test_openapi_and_healthz_need_no_token(start_app: StartApp) -> None:
    client = await start_app()
    assert (await client.get("/api/openapi.json")).status == 200
    assert (await client.get("/healthz")).status == 200


async def test_development_without_a_token_keeps_the_api_shut(start_app: StartApp) -> None:
    client = await start_app(api_token=None)
    for headers in ({}, AUTH, {"Authorization": "Bearer "}):
        response = await client.get("/api/leads", headers=headers)
        assert response.status == 503
        assert "LEADBOT_API_TOKEN" in (await response.json())["error"]
    # The rest still works: the document, and the health check.
    assert (await client.get("/api/openapi.json")).status == 200
    assert (await client.get("/healthz")).status == 200


def test_production_refuses_to_build_the_app_without_a_token(
    make_settings: Callable[..., Settings],
) -> None:
    services = build_services(make_settings(env="production", api_token=None))
    with pytest.raises(SettingsError, match="LEADBOT_API_TOKEN"):
        create_app(services)
