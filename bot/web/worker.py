"""The background worker: delivers leads spooled while the database was down.

Runs in the web app (started and stopped by its cleanup context). Every `interval` seconds
it drains the spool; a database that is still down is logged and tried again next time,
and nothing but cancellation stops the loop. It is the only drainer: the action server
only writes to the spool (a visitor's turn never waits on it), and the spool's file lock
keeps a second web app process, or an erasure, from running beside a drain.

After each pass it tells the administrator about leads newly put in the quarantine
(bot.leads.alerts): by email to LEADBOT_ADMIN_EMAIL, or in the log when that is unset.
"""

from __future__ import annotations

import asyncio
import logging

from bot.bootstrap import Services
from bot.leads.alerts import alert_quarantined
from bot.leads.spool import DrainReport

logger = logging.getLogger(__name__)

SPOOL_DRAIN_SECONDS = 10.0


async def drain_spool_once(services: Services, lock: asyncio.Lock | None = None) -> int:
    """One pass; returns the leads delivered (0 when the database is still down, or when
    another process is draining or erasing)."""
    report = await drain_pass(services, lock)
    return report.delivered


async def drain_pass(services: Services, lock: asyncio.Lock | None = None) -> DrainReport:
    if lock is None:
        report = await services.spool.drain_pass(
            services.uow, on_stored=services.lead_stored_hook()
        )
    else:
        async with lock:
            report = await services.spool.drain_pass(
                services.uow, on_stored=services.lead_stored_hook()
            )
    if report.outage is not None:
        logger.warning("lead spool not drained, database unavailable: %s", report.outage)
    if report.delivered:
        logger.info("delivered %d spooled lead(s)", report.delivered)
    await alert_quarantined(services.spool.quarantine, services.mail(), services.settings)
    return report


async def run_spool_worker(services: Services, lock: asyncio.Lock, interval: float) -> None:
    while True:
        try:
            await drain_pass(services, lock)
        except Exception:  # a bug must not end the worker: log it and try again later
            logger.exception("lead spool worker failed; retrying in %s s", interval)
        await asyncio.sleep(interval)
