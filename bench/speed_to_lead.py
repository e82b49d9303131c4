"""Speed to lead: from the bot's reply to a hot lead's last answer until the rep's webhook
has the `lead.qualified` event; and what the outbox worker costs when there is nothing to do.

    python -m bench.speed_to_lead [--leads 100] [--backends sqlite,postgresql]

For each backend the bot web app runs as its own process (its outbox worker woken by
LISTEN/NOTIFY on PostgreSQL, by the database file on SQLite), as in production. This process
plays the action server: it stores each lead with the same use case the action calls
(capture_lead with the handoff hook) and starts the clock when that returns, which is when
the visitor gets the reply. A local aiohttp receiver stops the clock. Targets: p95 under
300 ms on both backends; the idle worker under 1 % of a core.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import sys
import tempfile
import time
import uuid
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any

import psycopg
from aiohttp import web

from bench.cpu import CLK_TCK, tree_ticks
from bench.procs import Registry, free_port, wait_ready
from bench.stats import percentile
from bot.bootstrap import build_services
from bot.capture import capture_lead
from bot.facts import Authority, Budget, EmailCheck, Need, Timeline
from bot.handoff.service import on_lead_stored
from bot.leads.migrate import upgrade_async
from bot.leads.models import Lead
from bot.leads.service import LeadInput
from bot.leads.unit_of_work import SqlAlchemyUnitOfWork
from bot.settings import ROOT, load_settings

P95_TARGET_MS = 300.0
IDLE_CPU_TARGET_PERCENT = 1.0
IDLE_SECONDS = 10.0
SECRET = "bench-webhook-secret-0123456789"
TOKEN = "bench-api-token-0123456789"
POSTGRES_SERVER = os.environ.get(
    "LEADBOT_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
)
EVERY_DAY = ", ".join(
    f'{d}: ["00:00-24:00"]' for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
)


@dataclass(frozen=True)
class Result:
    backend: str
    leads: int
    delivered: int
    p50_ms: float | None
    p95_ms: float | None
    max_ms: float | None
    idle_cpu_percent: float

    @property
    def ok(self) -> bool:
        return (
            self.delivered == self.leads
            and self.p95_ms is not None
            and self.p95_ms < P95_TARGET_MS
            and self.idle_cpu_percent < IDLE_CPU_TARGET_PERCENT
        )


class Receiver:
    """The rep's CRM: notes when each lead's lead.qualified arrives."""

    def __init__(self) -> None:
        self.port = free_port()
        self.arrived: dict[str, float] = {}
        self.changed = asyncio.Event()
        self._runner: web.AppRunner | None = None

    async def _handle(self, request: web.Request) -> web.Response:
        at = time.perf_counter()
        body = json.loads(await request.read())
        if body.get("type") == "lead.qualified":
            self.arrived.setdefault(str(body["lead"]["id"]), at)
            self.changed.set()
        return web.Response(text="ok")

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/crm", self._handle)
        self._runner = web.AppRunner(app, handle_signals=False, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", self.port).start()

    async def wait_for(self, lead_id: str, timeout: float) -> float | None:
        deadline = time.perf_counter() + timeout
        while lead_id not in self.arrived:
            remaining = deadline - time.perf_counter()
            if remaining <= 0:
                return None
            self.changed.clear()
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self.changed.wait(), remaining)
        return self.arrived[lead_id]

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()


def _reps_file(directory: Path, receiver: Receiver) -> Path:
    path = directory / "reps.yml"
    path.write_text(
        f"""version: 1
defaults: {{min_notice_minutes: 60}}
reps:
  - id: ana
    name: Ana Souza
    email: ana@example.com
    time_zone: Europe/Paris
    working_hours: {{{EVERY_DAY}}}
    channels:
      - type: webhook
        url: http://127.0.0.1:{receiver.port}/crm
        secret_env: LEADBOT_BENCH_WEBHOOK_SECRET
routing:
  fallback_rep: ana
"""
    )
    return path


def _hot_lead(i: int) -> LeadInput:
    return LeadInput(
        conversation_id=f"bench-{uuid.uuid4().hex}",
        budget=Budget(raw="about 60k a year", status="amount", amount=Decimal(60000),
                      currency="USD", period="year"),
        authority=Authority(raw="I'm the head of sales", level="decision_maker",
                            decision_maker=True, role="head of sales"),
        need=Need(raw="we lose inbound leads at night", level="concrete",
                  summary="after-hours lead capture"),
        timeline=Timeline(raw="in 3 months", status="date", months=3.0),
        name=f"Bench Visitor {i}",
        company="Northwind",
        email=EmailCheck(raw=f"visitor{i}.{uuid.uuid4().hex[:6]}@northwind.io", status="ok",
                         normalized=f"visitor{i}.{uuid.uuid4().hex[:6]}@northwind.io"),
        source={"page_url": "https://example.com/pricing", "time_zone": "America/New_York"},
    )  # fmt: skip


@contextlib.contextmanager
def _postgres_database() -> Any:
    server = POSTGRES_SERVER
    admin = psycopg.connect(server, autocommit=True, connect_timeout=3)
    name = f"leadbot_bench_{os.getpid()}"
    admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield server.rsplit("/", 1)[0] + f"/{name}"
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


async def run_backend(backend: str, database_url: str, leads: int, workdir: Path) -> Result:
    await upgrade_async(database_url)
    receiver = Receiver()
    await receiver.start()
    registry = Registry()
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "LEADBOT_REPS_FILE": str(_reps_file(workdir, receiver)),
        "LEADBOT_BENCH_WEBHOOK_SECRET": SECRET,
        "LEADBOT_API_TOKEN": TOKEN,
        "LEADBOT_HOST": "127.0.0.1",
        "LEADBOT_PORT": str(port),
        "LEADBOT_SPOOL_DIR": str(workdir / "spool"),
        "LEADBOT_MAIL_DIR": str(workdir / "mail"),
        "RASA_TRACKER_URL": f"sqlite:///{workdir / 'tracker.db'}",
    }
    os.environ.update({k: env[k] for k in ("LEADBOT_REPS_FILE", "LEADBOT_BENCH_WEBHOOK_SECRET")})
    app = registry.start(
        "bot-web", [sys.executable, "-m", "bot.web"], cwd=ROOT, env=env,
        log_path=workdir / f"web-{backend}.log",
    )  # fmt: skip
    try:
        await wait_ready(app, f"http://127.0.0.1:{port}/healthz", timeout=60)
        services = build_services(load_settings({**env}))

        async def hook(
            uow: SqlAlchemyUnitOfWork, lead: Lead, conversation: str, now: datetime
        ) -> None:
            await on_lead_stored(uow, services.handoff, lead, conversation, now)

        latencies: list[float] = []
        for i in range(leads):
            capture = await capture_lead(
                _hot_lead(i), rubric=services.rubric, uow_factory=services.uow,
                spool=services.spool, on_stored=hook,
            )  # fmt: skip
            replied = time.perf_counter()  # the action returns: the visitor gets the reply
            if capture.lead_id is None or capture.score.route != "handoff":
                raise RuntimeError(f"the bench lead was not stored as a hot lead: {capture}")
            arrived = await receiver.wait_for(capture.lead_id, timeout=10)
            if arrived is not None:
                latencies.append((arrived - replied) * 1000)
        await services.close()
        await asyncio.sleep(2)  # let the last batch settle before measuring idle
        before, start = tree_ticks(app.pid), time.perf_counter()
        await asyncio.sleep(IDLE_SECONDS)
        spent = (tree_ticks(app.pid) - before) / CLK_TCK
        idle = spent / (time.perf_counter() - start) * 100
    finally:
        registry.stop_all()
        await receiver.stop()
    return Result(
        backend=backend,
        leads=leads,
        delivered=len(latencies),
        p50_ms=percentile(latencies, 50),
        p95_ms=percentile(latencies, 95),
        max_ms=max(latencies) if latencies else None,
        idle_cpu_percent=idle,
    )


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{value:.0f} ms"


async def main_async(leads: int, backends: list[str]) -> int:
    results: list[Result] = []
    for backend in backends:
        with tempfile.TemporaryDirectory(prefix=f"leadbot-stl-{backend}-") as tmp:
            workdir = Path(tmp)
            if backend == "sqlite":
                results.append(
                    await run_backend(backend, f"sqlite:///{workdir / 'leads.db'}", leads, workdir)
                )
                continue
            try:
                database = _postgres_database()
                url = database.__enter__()
            except psycopg.OperationalError as error:
                print(f"speed to lead on PostgreSQL skipped: {error}".splitlines()[0])
                continue
            try:
                results.append(await run_backend(backend, url, leads, workdir))
            finally:
                database.__exit__(None, None, None)
    print(f"\nSpeed to lead ({leads} hot leads each; targets: p95 < {P95_TARGET_MS:.0f} ms, "
          f"idle worker < {IDLE_CPU_TARGET_PERCENT:.0f} % CPU)")  # fmt: skip
    print(f"{'backend':<12}{'delivered':>10}{'p50':>10}{'p95':>10}{'max':>10}{'idle CPU':>10}  ok")
    for r in results:
        times = f"{_ms(r.p50_ms):>10}{_ms(r.p95_ms):>10}{_ms(r.max_ms):>10}"
        verdict = "yes" if r.ok else "NO"
        print(f"{r.backend:<12}{r.delivered:>10}{times}{r.idle_cpu_percent:>9.2f}%  {verdict}")
    out = ROOT / "var" / "bench" / "speed_to_lead.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(
        {"at": datetime.now(timezone.utc).isoformat(), "results": [asdict(r) for r in results]},
        indent=2,
    ))  # fmt: skip
    print(f"results: {out}")
    return 0 if results and all(r.ok for r in results) else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.speed_to_lead", description=__doc__)
    parser.add_argument("--leads", type=int, default=100)
    parser.add_argument("--backends", default="sqlite,postgresql")
    args = parser.parse_args(argv)
    return asyncio.run(main_async(args.leads, [b for b in args.backends.split(",") if b]))


if __name__ == "__main__":
    sys.exit(main())
