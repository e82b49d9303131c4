"""The aiohttp app factory.

    app = create_app()             # builds the services from the environment (bootstrap)
    app = create_app(services)     # tests and the run command pass their own

The app owns the services it is given: its cleanup context closes them at shutdown, with
the Rasa tracker store connection and the spool worker it starts. In production it refuses
(SettingsError) to be built without LEADBOT_API_TOKEN.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

from aiohttp import web

from bot.bootstrap import Services, build_services
from bot.web import (
    openapi,
    routes_booking,
    routes_conversations,
    routes_health,
    routes_leads,
    routes_nurture,
    routes_outbox,
    routes_people,
    routes_widget,
)
from bot.web.gateway.factory import build_gateway
from bot.web.keys import (
    GATEWAY,
    SERVICES,
    SPOOL_INTERVAL,
    SPOOL_LOCK,
    SPOOL_WORKER,
    TRACKER_STORE,
)
from bot.web.middlewares import (
    CLIENT_MAX_SIZE,
    auth_middleware,
    error_middleware,
    size_limit_middleware,
)
from bot.web.outbox_runner import outbox_worker_ctx
from bot.web.tracker_store import RasaTrackerStore
from bot.web.worker import SPOOL_DRAIN_SECONDS, run_spool_worker


def create_app(
    services: Services | None = None, *, spool_interval: float = SPOOL_DRAIN_SECONDS
) -> web.Application:
    services = services if services is not None else build_services()
    # Production never serves the API without a token (development answers 503 instead).
    services.settings.require_secrets("LEADBOT_API_TOKEN")
    app = web.Application(
        middlewares=[error_middleware, size_limit_middleware, auth_middleware],
        client_max_size=CLIENT_MAX_SIZE,
    )
    app[SERVICES] = services
    app[SPOOL_INTERVAL] = spool_interval
    app.add_routes(routes_leads.routes)
    app.add_routes(routes_people.routes)
    app.add_routes(routes_health.routes)
    app.add_routes(openapi.routes)
    app.add_routes(routes_widget.routes)
    app.add_routes(routes_conversations.routes)
    app[GATEWAY] = build_gateway(services.settings)
    app[GATEWAY].attach(app)  # the socket.io endpoint at /socket.io/
    app.on_shutdown.append(_close_visitors)
    app.cleanup_ctx.append(_services_ctx)
    app.cleanup_ctx.append(_tracker_store_ctx)
    app.cleanup_ctx.append(_spool_worker_ctx)
    routes_nurture.setup(app)  # unsubscribe pages, webhooks, and the nurture worker
    app.add_routes(routes_outbox.routes)  # handoff (issue 12)
    app.add_routes(routes_booking.routes)  # handoff (issue 12): the visitor's booking page
    app.cleanup_ctx.append(outbox_worker_ctx)  # handoff (issue 12): delivers notifications
    return app


async def _close_visitors(app: web.Application) -> None:
    """Visitors' WebSockets would hold a graceful shutdown for its whole timeout."""
    await app[GATEWAY].sio.shutdown()


async def _services_ctx(app: web.Application) -> AsyncIterator[None]:
    yield
    await app[GATEWAY].rasa.close()
    await app[SERVICES].close()


async def _tracker_store_ctx(app: web.Application) -> AsyncIterator[None]:
    tracker = RasaTrackerStore(app[SERVICES].settings.rasa_tracker_url)
    app[TRACKER_STORE] = tracker
    yield
    await tracker.close()


async def _spool_worker_ctx(app: web.Application) -> AsyncIterator[None]:
    lock = asyncio.Lock()
    app[SPOOL_LOCK] = lock
    worker = asyncio.create_task(
        run_spool_worker(app[SERVICES], lock, app[SPOOL_INTERVAL]), name="lead-spool-worker"
    )
    app[SPOOL_WORKER] = worker
    yield
    worker.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await worker
