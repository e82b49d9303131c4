"""GET /healthz (no token): is the lead store answering?"""

from __future__ import annotations

import asyncio
import logging

from aiohttp import web
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

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
