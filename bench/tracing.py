"""`--trace-actions`: a timing proxy between Rasa and the action server.

Rasa's action endpoint points at this proxy, which forwards each call unchanged and records
how long the action server took per action name. It adds one local hop per action call, so
a traced run's turn latencies are slightly pessimistic; it is off by default.
"""

from __future__ import annotations

import json
import time
from collections import defaultdict
from typing import Any

import aiohttp
from aiohttp import web

from bench.stats import percentile


class ActionTracer:
    def __init__(self, target_url: str) -> None:
        self._target = target_url
        self.durations: dict[str, list[float]] = defaultdict(list)
        self.failures: dict[str, int] = defaultdict(int)
        self._session: aiohttp.ClientSession | None = None
        self._runner: web.AppRunner | None = None

    async def start(self, port: int) -> str:
        self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=60))
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_post("/webhook", self._forward)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", port).start()
        return f"http://127.0.0.1:{port}/webhook"

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def _forward(self, request: web.Request) -> web.Response:
        assert self._session is not None
        body = await request.read()
        try:
            name = str(json.loads(body).get("next_action", "?"))
        except (ValueError, AttributeError):
            name = "?"
        started = time.perf_counter()
        async with self._session.post(
            self._target, data=body, headers={"Content-Type": "application/json"}
        ) as upstream:
            payload = await upstream.read()
            status = upstream.status
        self.durations[name].append((time.perf_counter() - started) * 1000.0)
        if status >= 400:
            self.failures[name] += 1
        return web.Response(body=payload, status=status, content_type="application/json")

    def summary(self) -> dict[str, dict[str, Any]]:
        out: dict[str, dict[str, Any]] = {}
        for name, values in sorted(self.durations.items()):
            out[name] = {
                "calls": len(values),
                "failures": self.failures.get(name, 0),
                "p50_ms": _round(percentile(values, 50)),
                "p95_ms": _round(percentile(values, 95)),
                "max_ms": _round(max(values)),
            }
        return out


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)
