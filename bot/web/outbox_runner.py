"""The outbox worker inside the web app: started and stopped by the app's cleanup context.

It owns one aiohttp client session (Slack, webhooks) and the mail transport, and wakes on
commit (LISTEN/NOTIFY on PostgreSQL, the database file on SQLite) instead of polling.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

import aiohttp
from aiohttp import web

from bot.mail.transport import transport_from_settings
from bot.notify.deliver import Notifier
from bot.outbox.wakeup import Waker, waker_for
from bot.outbox.worker import OutboxWorker
from bot.settings import env_secret
from bot.web.keys import SERVICES

OUTBOX_WAKER = web.AppKey("outbox_waker", Waker)
OUTBOX_WORKER = web.AppKey[asyncio.Task[None]]("outbox_worker")
STOP_TIMEOUT_SECONDS = 15.0


async def outbox_worker_ctx(app: web.Application) -> AsyncIterator[None]:
    services = app[SERVICES]
    settings = services.settings
    session = aiohttp.ClientSession()
    notifier = Notifier(
        session,
        transport_from_settings(settings),
        env_secret,
        services.clock,
        mail_from=settings.mail_from,
    )
    worker = OutboxWorker(
        services.uow, notifier.deliver, services.clock, admin_email=settings.admin_email
    )
    waker = await waker_for(settings.database_url)
    app[OUTBOX_WAKER] = waker
    stop = asyncio.Event()
    task = asyncio.create_task(worker.run_forever(waker, stop), name="outbox-worker")
    app[OUTBOX_WORKER] = task
    yield
    # Let the batch in hand finish (a cancelled database call would leave the driver's
    # thread answering a closed event loop); cancel only if it hangs.
    stop.set()
    waker.poke()
    try:
        await asyncio.wait_for(asyncio.shield(task), STOP_TIMEOUT_SECONDS)
    except asyncio.TimeoutError:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
    await waker.close()
    await session.close()
