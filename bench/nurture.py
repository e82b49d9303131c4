"""`python -m bench.nurture`: nurture emails sent per second with one and with two workers.

PostgreSQL (a database of its own, created and dropped; LEADBOT_BENCH_POSTGRES_URL or the
test server on 127.0.0.1:5432) holds N due steps; a local SMTP server (aiosmtpd's sink, its
own process) accepts them; `python -m bot.nurture.worker` processes send them. The rate is
N over the time between the first and the last `sent_at`, so process start-up is not
counted. Rounds alternate one and two workers (the machine's speed drifts; see bench.cli).
Targets: at least 200 emails/s with two workers, and two >= 1.6x one.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import subprocess
import sys
import time
import uuid
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from bench.procs import free_port
from bot.leads.db import make_engine
from bot.leads.migrate import upgrade_async
from bot.nurture.models import NurtureStep

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/test"
MAIL_FROM = "Bench <bench@leadbot.example>"


async def _seed(url: str, count: int) -> None:
    # The seeding helper is shared with the exactly-once test.
    from tests.integration.nurture.seed import seed_due_steps

    engine = make_engine(url)
    try:
        await seed_due_steps(engine, count, datetime.now(timezone.utc), MAIL_FROM)
    finally:
        await engine.dispose()


async def _progress(url: str) -> tuple[int, float]:
    """(steps not sent yet, seconds between the first and last send)."""
    engine = make_engine(url)
    try:
        async with engine.connect() as connection:
            left = (
                await connection.execute(
                    select(func.count()).where(NurtureStep.status.in_(("pending", "sending")))
                )
            ).scalar_one()
            first, last = (
                await connection.execute(
                    select(func.min(NurtureStep.sent_at), func.max(NurtureStep.sent_at))
                )
            ).one()
            span = (last - first).total_seconds() if first and last else 0.0
            return int(left), span
    finally:
        await engine.dispose()


def _libpq(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def run_round(
    server: str, smtp_port: int, workers: int, count: int, concurrency: int
) -> tuple[float, float]:
    """Emails per second for `count` due steps and `workers` worker processes, and the
    workers' CPU seconds per email: the rate depends on what else the machine runs, the
    CPU cost much less. The workers are started (and idle) before the steps are written,
    so their start-up counts in neither."""
    name = f"leadbot_bench_nurture_{uuid.uuid4().hex[:8]}"
    admin = psycopg.connect(_libpq(server), autocommit=True)
    admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    url = make_url(server).set(database=name).render_as_string(hide_password=False)
    processes: list[subprocess.Popen[bytes]] = []
    try:
        asyncio.run(upgrade_async(url))
        env = {
            **os.environ,
            "DATABASE_URL": url,
            "SMTP_URL": f"smtp://127.0.0.1:{smtp_port}",
            "LEADBOT_SECRET_KEY": "bench-secret-key-0123456789abcdef",
            "LEADBOT_MAIL_FROM": MAIL_FROM,
        }
        command = [
            sys.executable, "-m", "bot.nurture.worker", "--idle", "0.2",
            "--concurrency", str(concurrency),
        ]  # fmt: skip
        for _ in range(workers):
            processes.append(
                subprocess.Popen(command, cwd=ROOT, env=env, stderr=subprocess.DEVNULL)
            )
        _until_listening(admin, name, processes)
        cpu_before = _cpu_seconds(processes)
        asyncio.run(_seed(url, count))
        while True:
            left, span = asyncio.run(_progress(url))
            if not left:
                break
            if any(p.poll() is not None for p in processes):
                raise RuntimeError("a worker stopped")
            time.sleep(0.5)
        cpu = (_cpu_seconds(processes) - cpu_before) / count
        return (count / span if span else float("inf")), cpu
    finally:
        for process in processes:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=30)
        admin.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        admin.close()


def _until_listening(
    admin: psycopg.Connection[Any], database: str, processes: list[subprocess.Popen[bytes]]
) -> None:
    """Until every worker is up: its LISTEN for new work is in place."""
    statement = "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND query LIKE 'LISTEN%%'"
    deadline = time.monotonic() + 120
    while True:
        row = admin.execute(statement, (database,)).fetchone()
        if row is not None and row[0] >= len(processes):
            return
        if any(p.poll() is not None for p in processes) or time.monotonic() > deadline:
            raise RuntimeError("a worker did not start")
        time.sleep(0.1)


def _cpu_seconds(processes: list[subprocess.Popen[bytes]]) -> float:
    """User + system CPU of the processes so far (Linux /proc)."""
    ticks = 0
    for process in processes:
        fields = Path(f"/proc/{process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        ticks += int(fields[11]) + int(fields[12])  # utime, stime
    return ticks / os.sysconf("SC_CLK_TCK")


def _postgres_cpu_seconds() -> float:
    """User + system CPU of every PostgreSQL process on this machine (its backends do the
    claiming and the commits, on the same cores as the workers)."""
    ticks = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            raw = (entry / "stat").read_text()
        except OSError:
            continue  # ended while we looked
        name, rest = raw.split("(", 1)[1].rsplit(")", 1)
        if name.startswith("postgres"):
            fields = rest.split()
            ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.nurture", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--emails", type=int, default=2000, help="due steps per round")
    parser.add_argument("--rounds", type=int, default=2, help="rounds of (one, two) workers")
    parser.add_argument("--concurrency", type=int, default=16, help="emails in flight per worker")
    args = parser.parse_args(argv)
    server = os.environ.get("LEADBOT_BENCH_POSTGRES_URL", DEFAULT_URL)
    port = free_port()
    smtp = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "aiosmtpd",
            "-n",
            "-c",
            "aiosmtpd.handlers.Sink",
            "-l",
            f"127.0.0.1:{port}",
        ],
        stderr=subprocess.DEVNULL,
    )
    rates: dict[int, list[float]] = {1: [], 2: []}
    costs: dict[int, list[float]] = {1: [], 2: []}
    load = os.getloadavg()[0]
    print(f"load average before: {load:.2f} on {os.cpu_count()} CPUs (other work slows this)")
    try:
        time.sleep(1.0)
        for number in range(args.rounds):
            order = (1, 2) if number % 2 == 0 else (2, 1)
            for workers in order:
                sink_before, pg_before = _cpu_seconds([smtp]), _postgres_cpu_seconds()
                rate, cpu = run_round(server, port, workers, args.emails, args.concurrency)
                sink = (_cpu_seconds([smtp]) - sink_before) / args.emails
                # PostgreSQL's share includes creating and dropping the round's database.
                pg = (_postgres_cpu_seconds() - pg_before) / args.emails
                rates[workers].append(rate)
                costs[workers].append(cpu + sink + pg)
                print(
                    f"round {number + 1}: {workers} worker(s): {rate:.0f} emails/s, "
                    f"CPU per email: workers {cpu * 1000:.2f} ms, SMTP sink {sink * 1000:.2f} ms, "
                    f"PostgreSQL {pg * 1000:.2f} ms, all {(cpu + sink + pg) * 1000:.2f} ms",
                    flush=True,
                )
    finally:
        smtp.send_signal(signal.SIGTERM)
        smtp.wait(timeout=10)
    one, two = (max(rates[1]), max(rates[2]))
    print(
        f"nurture: best of {args.rounds}: 1 worker {one:.0f} emails/s, "
        f"2 workers {two:.0f} emails/s, ratio {two / one:.2f}"
    )
    # Whatever the code does, the machine's cores cap the rate at cores / CPU per email.
    cores = os.cpu_count() or 1
    ceiling = cores / min(costs[2])
    print(
        f"ceiling on {cores} CPUs at the two-worker CPU per email ({min(costs[2]) * 1000:.2f} ms):"
        f" {ceiling:.0f} emails/s = {ceiling / one:.2f}x the one-worker rate"
    )
    met_rate = "met" if two >= 200 else "NOT met"
    met_ratio = "met" if two >= 1.6 * one else "NOT met"
    print(f"targets: 2 workers >= 200/s: {met_rate}; ratio >= 1.6: {met_ratio}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
