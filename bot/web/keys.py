"""Typed keys for what the app holds (aiohttp's `web.AppKey`, checked by mypy)."""

from __future__ import annotations

import asyncio

from aiohttp import web

from bot.bootstrap import Services
from bot.web.gateway.server import Gateway
from bot.web.tracker_store import RasaTrackerStore

SERVICES = web.AppKey("services", Services)
TRACKER_STORE = web.AppKey("tracker_store", RasaTrackerStore)
# Held while the spool is drained and while a person is erased, so an erasure can't race
# a drain that is about to bring the person's spooled lead back.
SPOOL_LOCK = web.AppKey("spool_lock", asyncio.Lock)
SPOOL_WORKER = web.AppKey[asyncio.Task[None]]("spool_worker")
SPOOL_INTERVAL = web.AppKey("spool_interval", float)
GATEWAY = web.AppKey("gateway", Gateway)
