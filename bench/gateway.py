"""`make bench` (gateway part): what the socket.io gateway costs and what RASA_URLS buys.

    python -m bench.gateway [--model models/leadbot-....tar.gz] [--quick]

1. Added latency per turn. The web app (`python -m bot.web`, its own process) is put in
   front of a stand-in Rasa that answers at once (bench/rasa_standin.py, its own process),
   so what is measured is the gateway alone: a python-socketio client's turn (user_uttered
   -> every bot_uttered) against a plain HTTP POST of the same message to the same server's
   REST endpoint. The two are interleaved turn by turn; p50/p95 of each and of the paired
   difference. (Against the real Rasa the same difference drowns in Rasa's own variance.)
2. Memory of the web app with 500 idle visitors connected (each one a WebSocket with a
   confirmed session), against the same app with none.
3. Throughput with RASA_URLS listing two real Rasa servers (each with its action server)
   vs one: concurrent visitors playing the Leadbot script through the gateway, the two
   set-ups taking turns round by round. Needs the trained model (--model).

Results: a table on stdout and var/bench/gateway.json.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import aiohttp
import socketio

from bench.memory import tree_rss_mib
from bench.procs import free_port
from bench.scripts import LEADBOT_SCRIPT
from bench.stats import percentile

ROOT = Path(__file__).resolve().parent.parent
SECRET = "bench-secret-key-1f2e3d4c5b6a7988"
API_TOKEN = "bench-api-token-9a8b7c6d5e4f3a2b"


def _wait_http(url: str, proc: subprocess.Popen[bytes], limit: float, log: Path) -> None:
    import urllib.error
    import urllib.request

    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{log.name} exited:\n{log.read_text()[-2000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status < 500:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.5)
    raise RuntimeError(f"not ready after {limit:.0f} s: {url}")


@contextlib.contextmanager
def _process(
    args: Sequence[str], log: Path, env: dict[str, str], ready: str | None, limit: float = 60
) -> Iterator[subprocess.Popen[bytes]]:
    with log.open("wb") as out:
        proc = subprocess.Popen(
            list(args), cwd=ROOT, env={**os.environ, **env}, stdout=out, stderr=subprocess.STDOUT
        )
    try:
        if ready:
            _wait_http(ready, proc, limit, log)
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()


@contextlib.contextmanager
def web_app(workdir: Path, rasa_urls: Sequence[str], token: str) -> Iterator[tuple[str, int]]:
    """The bot web app as `make run` starts it; yields (url, pid)."""
    workdir.mkdir(parents=True, exist_ok=True)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = {
        "LEADBOT_PORT": str(port),
        "LEADBOT_PUBLIC_URL": url,
        "DATABASE_URL": f"sqlite:///{workdir / 'leads.db'}",
        "RASA_TRACKER_URL": f"sqlite:///{workdir / 'tracker.db'}",
        "LEADBOT_SPOOL_DIR": str(workdir / "spool"),
        "RASA_URLS": ",".join(rasa_urls),
        "RASA_TOKEN": token,
        "LEADBOT_API_TOKEN": API_TOKEN,
        "LEADBOT_SECRET_KEY": SECRET,
        "LEADBOT_RATE_PER_IP": "1000000",
        "LEADBOT_RATE_PER_VISITOR": "1000000",
    }
    log = workdir / f"web-{port}.log"
    with _process([sys.executable, "-m", "bot.web"], log, env, f"{url}/healthz") as proc:
        yield url, proc.pid


class Visitor:
    """One socket.io visitor: a turn is user_uttered until `replies` bot messages arrived."""

    def __init__(self) -> None:
        self.sio = socketio.AsyncClient(reconnection=False)
        self.unanswered = 0  # turns Rasa kept but did not answer (an action failed)
        self._inbox: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.sio.on("bot_uttered", self._inbox.put)

    async def open(self, url: str) -> None:
        await self.sio.connect(url, transports=["websocket"])
        await self.sio.call("session_request", {"session_id": None})

    async def turn(self, text: str) -> float:
        started = time.perf_counter()
        answer = await self.sio.call(
            "user_uttered",
            {"message": text, "customData": {"message_id": uuid.uuid4().hex}},
            timeout=120,
        )
        if answer.get("status") != "ok":
            raise RuntimeError(f"turn refused: {answer}")
        for _ in range(int(answer["replies"])):
            await asyncio.wait_for(self._inbox.get(), 30)  # sent before the ack
        if not answer["replies"]:
            self.unanswered += 1
        return time.perf_counter() - started

    async def close(self) -> None:
        await self.sio.disconnect()


# -- 1. added latency ------------------------------------------------------------------


async def added_latency(app_url: str, rasa_url: str, turns: int) -> dict[str, Any]:
    visitor = Visitor()
    await visitor.open(app_url)
    direct: list[float] = []
    via: list[float] = []
    async with aiohttp.ClientSession() as http:

        async def direct_turn(n: int) -> float:
            started = time.perf_counter()
            body = {"sender": f"direct-{n % 50}", "message": "hello", "metadata": {}}
            async with http.post(f"{rasa_url}/webhooks/rest/webhook", json=body) as response:
                await response.json()
            return time.perf_counter() - started

        for n in range(20):  # warm both paths
            await direct_turn(n)
            await visitor.turn("hello")
        for n in range(turns):
            if n % 2:
                direct.append(await direct_turn(n))
                via.append(await visitor.turn("hello"))
            else:
                via.append(await visitor.turn("hello"))
                direct.append(await direct_turn(n))
    await visitor.close()
    diffs = [v - d for v, d in zip(via, direct, strict=True)]
    ms = 1000.0
    return {
        "turns": turns,
        "direct_p50_ms": (percentile(direct, 50) or 0) * ms,
        "direct_p95_ms": (percentile(direct, 95) or 0) * ms,
        "gateway_p50_ms": (percentile(via, 50) or 0) * ms,
        "gateway_p95_ms": (percentile(via, 95) or 0) * ms,
        "added_p50_ms": (percentile(diffs, 50) or 0) * ms,
        "added_p95_ms": (percentile(diffs, 95) or 0) * ms,
    }


# -- 2. memory with idle visitors ------------------------------------------------------


async def idle_memory(app_url: str, pid: int, visitors: int) -> dict[str, Any]:
    await asyncio.sleep(1)
    before = tree_rss_mib(pid) or 0.0
    opened: list[Visitor] = []
    for start in range(0, visitors, 50):
        batch = [Visitor() for _ in range(min(50, visitors - start))]
        await asyncio.gather(*(v.open(app_url) for v in batch))
        opened.extend(batch)
    await asyncio.sleep(2)
    after = tree_rss_mib(pid) or 0.0
    async with aiohttp.ClientSession() as http, http.get(f"{app_url}/healthz") as response:
        healthy = response.status == 200
    await asyncio.gather(*(v.close() for v in opened))
    return {
        "visitors": visitors,
        "rss_idle_app_mib": before,
        "rss_with_visitors_mib": after,
        "per_visitor_kib": (after - before) * 1024 / visitors,
        "healthy_while_connected": healthy,
    }


# -- 3. throughput, two Rasa servers vs one --------------------------------------------


async def play(app_url: str, conversations: int, concurrency: int) -> tuple[int, float, int]:
    """`conversations` visitors play LEADBOT_SCRIPT, `concurrency` at a time:
    (turns, seconds, turns left unanswered)."""
    queue: asyncio.Queue[int] = asyncio.Queue()
    for n in range(conversations):
        queue.put_nowait(n)
    turns = unanswered = 0

    async def worker() -> None:
        nonlocal turns, unanswered
        while not queue.empty():
            n = queue.get_nowait()
            visitor = Visitor()
            await visitor.open(app_url)
            for text in LEADBOT_SCRIPT:
                await visitor.turn(text.replace("{n}", f"{n}{uuid.uuid4().hex[:6]}"))
                turns += 1
            unanswered += visitor.unanswered
            await visitor.close()

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return turns, time.perf_counter() - started, unanswered


@contextlib.contextmanager
def run_stack(model: Path, workdir: Path, start_timeout: float = 900) -> Iterator[str]:
    """An action server and a Rasa server with the model, on free ports; yields Rasa's URL.
    (Rasa takes minutes to start on a loaded 2-core machine.)"""
    from bot.leads.migrate import upgrade

    workdir.mkdir(parents=True, exist_ok=True)
    database_url = f"sqlite:///{workdir / 'leads.db'}"
    upgrade(database_url)
    actions_port, rasa_port = free_port(), free_port()
    endpoints = workdir / "endpoints.yml"
    endpoints.write_text(
        f'action_endpoint:\n  url: "http://127.0.0.1:{actions_port}/webhook"\n'
        "lock_store:\n  type: in_memory\n"
        f'tracker_store:\n  type: SQL\n  dialect: sqlite\n  db: "{workdir / "tracker.db"}"\n'
    )
    env = {"DATABASE_URL": database_url, "SANIC_HOST": "127.0.0.1", "TF_CPP_MIN_LOG_LEVEL": "2"}
    actions = [
        sys.executable,
        "-m",
        "rasa_sdk",
        "--actions",
        "actions",
        "--port",
        str(actions_port),
    ]
    rasa = [
        str(ROOT / ".venv" / "rasa" / "bin" / "python"),
        str(ROOT / "scripts" / "rasa_serve.py"),
        "run",
        "--model",
        str(model),
        "--endpoints",
        str(endpoints),
        "--credentials",
        str(ROOT / "credentials.yml"),
        "--interface",
        "127.0.0.1",
        "--port",
        str(rasa_port),
    ]
    rasa_url = f"http://127.0.0.1:{rasa_port}"
    with (
        _process(
            actions, workdir / "actions.log", env, f"http://127.0.0.1:{actions_port}/health", 300
        ),
        _process(rasa, workdir / "rasa.log", env, f"{rasa_url}/", start_timeout),
    ):
        yield rasa_url


async def throughput(
    one_url: str, two_url: str, rounds: int, conversations: int, concurrency: int
) -> dict[str, Any]:
    results: dict[str, list[float]] = {"one": [], "two": []}
    failed = {"one": 0, "two": 0}
    for r in range(rounds):
        order = [("one", one_url), ("two", two_url)]
        if r % 2:
            order.reverse()
        for name, url in order:
            turns, seconds, unanswered = await play(url, conversations, concurrency)
            results[name].append(turns / seconds)
            failed[name] += unanswered
    one = sum(results["one"]) / len(results["one"])
    two = sum(results["two"]) / len(results["two"])
    return {
        "concurrency": concurrency,
        "rounds": rounds,
        "turns_per_s_one_rasa": one,
        "turns_per_s_two_rasa": two,
        "ratio_two_over_one": two / one,
        "per_round": results,
        # Must be 0 for the figures to mean anything (a failed action answers fast).
        "unanswered_turns": failed,
    }


# -- the run ---------------------------------------------------------------------------


async def _measure_standin(workdir: Path, turns: int, visitors: int) -> dict[str, Any]:
    port = free_port()
    rasa_url = f"http://127.0.0.1:{port}"
    standin = [sys.executable, "-m", "bench.rasa_standin", "--port", str(port)]
    with (
        _process(standin, workdir / "standin.log", {}, f"{rasa_url}/"),
        web_app(workdir, [rasa_url], "bench") as (app_url, pid),
    ):
        idle = tree_rss_mib(pid)
        latency = await added_latency(app_url, rasa_url, turns)
        memory = await idle_memory(app_url, pid, visitors)
        memory["rss_before_any_turn_mib"] = idle
    return {"latency": latency, "memory": memory}


def _measure_scale_out(
    model: Path, workdir: Path, rounds: int, conversations: int, concurrency: int
) -> dict[str, Any]:
    # Started one after the other: two Rasa servers loading at once on 2 cores take longer
    # than twice one. The app's RASA_TOKEN only serves history, which is not measured here.
    with (
        run_stack(model, workdir / "rasa-a") as a,
        run_stack(model, workdir / "rasa-b") as b,
        web_app(workdir / "one", [a], "unused") as (one_url, _),
        web_app(workdir / "two", [a, b], "unused") as (two_url, _),
    ):
        return asyncio.run(throughput(one_url, two_url, rounds, conversations, concurrency))


def _table(results: dict[str, Any]) -> str:
    lines = ["", "gateway (bot web app in front of Rasa's REST channel)"]
    if "latency" not in results:
        return _scale_out_line(results, lines)
    lat = results["latency"]
    lines.append(
        f"  added latency per turn, {lat['turns']} turns vs a direct REST call: "
        f"p50 {lat['added_p50_ms']:.2f} ms, p95 {lat['added_p95_ms']:.2f} ms "
        f"(direct p50/p95 {lat['direct_p50_ms']:.2f}/{lat['direct_p95_ms']:.2f} ms, "
        f"through the gateway {lat['gateway_p50_ms']:.2f}/{lat['gateway_p95_ms']:.2f} ms)"
    )
    mem = results["memory"]
    lines.append(
        f"  memory: {mem['rss_idle_app_mib']:.0f} MiB idle, "
        f"{mem['rss_with_visitors_mib']:.0f} MiB with {mem['visitors']} visitors connected "
        f"({mem['per_visitor_kib']:.0f} KiB each)"
    )
    return _scale_out_line(results, lines)


def _scale_out_line(results: dict[str, Any], lines: list[str]) -> str:
    if "scale_out" in results:
        so = results["scale_out"]
        lines.append(
            f"  throughput at {so['concurrency']} concurrent visitors: one Rasa "
            f"{so['turns_per_s_one_rasa']:.1f} turns/s, two Rasa "
            f"{so['turns_per_s_two_rasa']:.1f} turns/s (x{so['ratio_two_over_one']:.2f}, "
            f"{os.cpu_count()} cores; unanswered turns: {so['unanswered_turns']})"
        )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.gateway", description=__doc__)
    parser.add_argument("--model", type=Path, help="the trained Leadbot model (throughput)")
    parser.add_argument("--quick", action="store_true", help="fewer turns and rounds")
    parser.add_argument(
        "--scale-out-only", action="store_true", help="only the two-Rasa throughput (needs --model)"
    )
    parser.add_argument("--out", type=Path, default=ROOT / "var" / "bench" / "gateway.json")
    args = parser.parse_args(argv)
    turns, rounds, conversations = (200, 1, 4) if args.quick else (1000, 3, 8)
    with tempfile.TemporaryDirectory(prefix="leadbot-bench-gw-") as tmp:
        workdir = Path(os.environ.get("LEADBOT_BENCH_WORKDIR") or tmp)  # keep logs: set it
        results: dict[str, Any] = {}
        if not args.scale_out_only:
            results.update(asyncio.run(_measure_standin(workdir, turns, 500)))
        if args.model is not None:
            results["scale_out"] = _measure_scale_out(
                args.model, workdir, rounds, conversations, concurrency=8
            )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2))
    print(_table(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
