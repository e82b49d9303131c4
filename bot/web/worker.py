"""The background worker: delivers leads spooled while the database was down.

Runs in the web app (started and stopped by its cleanup context). Every `interval` seconds
it drains the spool; a database that is still down is logged and tried again next time,
and nothing but cancellation stops the loop.
"""

from __future__ import annotations

import asyncio
import logging

from bot.bootstrap import Services
from bot.capture import DATABASE_DOWN

logger = logging.getLogger(__name__)

SPOOL_DRAIN_SECONDS = 10.0


async def drain_spool_once(services: Services, lock: asyncio.Lock) -> int:
    """One pass; returns the leads delivered (0 when the database is still down)."""
    async with lock:
        try:
            delivered = await services.spool.drain(services.uow)
        except DATABASE_DOWN as error:
            logger.warning("lead spool not drained, database unavailable: %s", type(error).__name__)
            return 0
    if delivered:
        logger.info("delivered %d spooled lead(s)", delivered)
    return delivered


async def run_spool_worker(services: Services, lock: asyncio.Lock, interval: float) -> None:
    while True:
        try:
            await drain_spool_once(services, lock)
        except Exception:  # a bug must not end the worker: log it and try again later
            logger.exception("lead spool worker failed; retrying in %s s", interval)
        await asyncio.sleep(interval)
