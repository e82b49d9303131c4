"""Health (no token). GET /healthz: alive, and is the lead store answering?
GET /readyz: ready for visitors: every Rasa server, the action server and the database,
and how many leads wait in the quarantine."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable

import aiohttp
from aiohttp import web
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.leads.quarantine import quarantined_leads
from bot.web.gateway.rasa_client import RasaUnavailable
from bot.web.keys import GATEWAY, SERVICES

logger = logging.getLogger(__name__)
routes = web.RouteTableDef()

DATABASE_CHECK_SECONDS = 5.0


async def _select_one(engine: AsyncEngine) -> None:
    async with engine.connect() as connection:
        await connection.execute(text("SELECT 1"))


@routes.get("/healthz", name="healthz")
async def healthz(request: web.Request) -> web.Response:
    try:
        await asyncio.wait_for(_select_one(request.app[SERVICES].engine), DATABASE_CHECK_SECONDS)
    except Exception as error:  # whatever the reason, the answer is "degraded"
        reason = "timeout" if isinstance(error, asyncio.TimeoutError) else type(error).__name__
        logger.warning("health check: database unavailable: %s", reason)
        return web.json_response(
            {"status": "degraded", "database": f"unavailable ({reason})"}, status=503
        )
    return web.json_response({"status": "ok", "database": "ok"})


async def _action_server(url: str) -> None:
    timeout = aiohttp.ClientTimeout(total=DATABASE_CHECK_SECONDS)
    async with (
        aiohttp.ClientSession(timeout=timeout) as session,
        session.get(f"{url}/health") as response,
    ):
        if response.status != 200:
            raise RasaUnavailable(f"status {response.status}")


async def _check(name: str, check: Awaitable[object]) -> tuple[str, str]:
    try:
        await asyncio.wait_for(check, DATABASE_CHECK_SECONDS)
    except Exception as error:  # whatever the reason, this part is not ready
        reason = "timeout" if isinstance(error, asyncio.TimeoutError) else type(error).__name__
        logger.warning("readiness: %s unavailable: %s", name, reason)
        return name, f"unavailable ({reason})"
    return name, "ok"


@routes.get("/readyz", name="readyz")
async def readyz(request: web.Request) -> web.Response:
    """Ready for visitors: every Rasa server, the action server and the database answer.

    `quarantined_leads` > 0 does not make it "not ready" (those leads wait for a person),
    but a monitor should alert on it.
    """
    services = request.app[SERVICES]
    settings = services.settings
    rasa = request.app[GATEWAY].rasa
    checks = [
        _check("database", _select_one(services.engine)),
        _check("action_server", _action_server(settings.actions_url)),
        *(_check(f"rasa {url}", rasa.alive(url)) for url in rasa.urls),
    ]
    results = dict(await asyncio.gather(*checks))
    quarantined = await asyncio.to_thread(quarantined_leads, settings.spool_dir)
    ready = all(value == "ok" for value in results.values())
    return web.json_response(
        {"status": "ok" if ready else "degraded", **results, "quarantined_leads": quarantined},
        status=200 if ready else 503,
    )
