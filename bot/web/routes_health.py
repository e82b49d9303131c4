"""GET /healthz and /readyz (no token): is the lead store answering, and how many leads
wait in the quarantine?"""

from __future__ import annotations

import asyncio
import logging

from aiohttp import web
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.leads.quarantine import quarantined_leads
from bot.web.keys import SERVICES

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


# -- /readyz: the quarantine count (issue 15). The socket.io gateway's readiness (issue 14)
# extends this handler; `quarantined_leads` is the one call it needs for the count.


@routes.get("/readyz", name="readyz")
async def readyz(request: web.Request) -> web.Response:
    """Ready to take leads: the database answers. `quarantined_leads` > 0 is not "not
    ready" (those leads wait for a person), but a monitor should alert on it."""
    services = request.app[SERVICES]
    quarantined = await asyncio.to_thread(quarantined_leads, services.settings.spool_dir)
    try:
        await asyncio.wait_for(_select_one(services.engine), DATABASE_CHECK_SECONDS)
    except Exception as error:
        reason = "timeout" if isinstance(error, asyncio.TimeoutError) else type(error).__name__
        return web.json_response(
            {
                "status": "degraded",
                "database": f"unavailable ({reason})",
                "quarantined_leads": quarantined,
            },
            status=503,
        )
    return web.json_response({"status": "ok", "database": "ok", "quarantined_leads": quarantined})
