"""`make run`'s supervisor: starts Leadbot's processes and keeps them running.

Each process (the action server, Rasa, the bot web app) runs in its own process group with
its log appended to var/log/<name>.log. When one exits, the supervisor logs which one and
why (exit status or signal), waits a backoff (1 s, doubling up to 30 s; back to 1 s once a
process has stayed up a minute) and starts it again; once it answers its health URL the
supervisor logs how long it was away. Only a crash loop (5 exits of one process within
60 s) makes it give up: it says so in one line naming the process and its log, stops the
others and exits 1. Ctrl-C or SIGTERM stops every process group (SIGTERM, then SIGKILL after
15 s) and exits 0: nothing is left behind. If the supervisor itself is killed, the kernel
sends each child SIGTERM (PR_SET_PDEATHSIG).

Python (the app environment's, standard library only) rather than bash: knowing which child
exited and why, per-process backoff and crash-loop windows, process groups and a clean stop
on signals are a few lines each here, and the whole of it is testable with pytest
(tests/reliability/test_supervise.py); bash's `wait -n` cannot even say which child ended.

    python scripts/supervise.py --model models/leadbot-....tar.gz [--log-dir var/log]

Ports and tokens come from the environment as in scripts/run.sh (ACTIONS_PORT, RASA_PORT,
RASA_TOKEN, LEADBOT_PORT ...). `--pid-dir` writes <name>.pid for each running process.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import ctypes
import os
import signal
import sys
import time
import urllib.error
import urllib.request
from collections import deque
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

BACKOFF_FIRST_S = 1.0
BACKOFF_MAX_S = 30.0
STABLE_AFTER_S = 60.0  # up this long: the next exit starts the backoff from the beginning
CRASH_LOOP_EXITS = 5  # this many exits of one process ...
CRASH_LOOP_WINDOW_S = 60.0  # ... within this window: give up
STOP_GRACE_S = 15.0
HEALTH_POLL_S = 0.5


@dataclass(frozen=True)
class Service:
    """One supervised process: how to start it and how to tell it is ready."""

    name: str
    argv: tuple[str, ...]
    health_url: str | None = None
    env: Mapping[str, str] = field(default_factory=dict)


def say(message: str) -> None:
    stamp = datetime.now().strftime("%H:%M:%S")
    print(f"{stamp} supervise: {message}", file=sys.stderr, flush=True)


def describe_exit(returncode: int) -> str:
    """'exit status 1' or 'killed by SIGKILL' (asyncio reports a signal as -N)."""
    if returncode < 0:
        try:
            return f"killed by {signal.Signals(-returncode).name}"
        except ValueError:
            return f"killed by signal {-returncode}"
    return f"exit status {returncode}"


class CrashLoop:
    """Exit times of one process: is it exiting too often to go on?"""

    def __init__(self, limit: int = CRASH_LOOP_EXITS, window_s: float = CRASH_LOOP_WINDOW_S):
        self.limit = limit
        self.window_s = window_s
        self._exits: deque[float] = deque()

    def record(self, at: float) -> bool:
        """Records an exit at monotonic time `at`; True if that makes a crash loop."""
        self._exits.append(at)
        while self._exits and at - self._exits[0] > self.window_s:
            self._exits.popleft()
        return len(self._exits) >= self.limit


def next_backoff(
    previous: float, uptime_s: float, first: float = BACKOFF_FIRST_S, most: float = BACKOFF_MAX_S
) -> float:
    """1 s, 2 s, 4 s ... up to 30 s; 1 s again after a process stayed up a minute."""
    if previous <= 0 or uptime_s >= STABLE_AFTER_S:
        return first
    return min(previous * 2, most)


def _die_with_parent() -> None:
    """In the child, before exec: SIGTERM when the supervisor dies (Linux only)."""
    with contextlib.suppress(Exception):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return bool(200 <= response.status < 300)
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
        return False


class Supervisor:
    def __init__(
        self,
        services: Sequence[Service],
        log_dir: Path,
        pid_dir: Path | None = None,
        *,
        crash_loop_exits: int = CRASH_LOOP_EXITS,
        crash_loop_window_s: float = CRASH_LOOP_WINDOW_S,
        backoff_first_s: float = BACKOFF_FIRST_S,
        backoff_max_s: float = BACKOFF_MAX_S,
    ) -> None:
        self.services = list(services)
        self.log_dir = log_dir
        self.pid_dir = pid_dir
        self.crash_loop_exits = crash_loop_exits
        self.crash_loop_window_s = crash_loop_window_s
        self.backoff = (backoff_first_s, backoff_max_s)
        self.procs: dict[str, asyncio.subprocess.Process] = {}
        self.stopping = asyncio.Event()
        self.gave_up: str | None = None

    async def run(self) -> int:
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, self._on_signal, sig)
        self.log_dir.mkdir(parents=True, exist_ok=True)
        if self.pid_dir is not None:
            self.pid_dir.mkdir(parents=True, exist_ok=True)
        keepers = [asyncio.create_task(self._keep(service)) for service in self.services]
        await self.stopping.wait()
        await self._stop_all()
        for task in keepers:
            task.cancel()
        await asyncio.gather(*keepers, return_exceptions=True)
        if self.gave_up is not None:
            say(self.gave_up)
            return 1
        say("stopped")
        return 0

    def _on_signal(self, sig: signal.Signals) -> None:
        if not self.stopping.is_set():
            say(f"{sig.name}: stopping every process")
            self.stopping.set()

    async def _start(self, service: Service) -> asyncio.subprocess.Process:
        log_path = self.log_dir / f"{service.name}.log"
        with log_path.open("ab") as log:
            proc = await asyncio.create_subprocess_exec(
                *service.argv,
                cwd=ROOT,
                env={**os.environ, **service.env},
                stdin=asyncio.subprocess.DEVNULL,
                stdout=log,
                stderr=asyncio.subprocess.STDOUT,
                start_new_session=True,  # its own process group: stopped as a whole
                preexec_fn=_die_with_parent,
            )
        self.procs[service.name] = proc
        if self.pid_dir is not None:
            (self.pid_dir / f"{service.name}.pid").write_text(f"{proc.pid}\n")
        return proc

    async def _keep(self, service: Service) -> None:
        crash_loop = CrashLoop(self.crash_loop_exits, self.crash_loop_window_s)
        backoff = 0.0
        down_since: float | None = None
        while not self.stopping.is_set():
            proc = await self._start(service)
            started = time.monotonic()
            say(f"{service.name} started (pid {proc.pid}, log {self._log_name(service)})")
            ready = asyncio.create_task(self._announce_ready(service, proc, down_since))
            returncode = await proc.wait()
            ready.cancel()
            if self.stopping.is_set():
                return
            now = time.monotonic()
            down_since = now
            uptime = now - started
            say(f"{service.name} stopped: {describe_exit(returncode)} after {uptime:.1f} s")
            if crash_loop.record(now):
                self.gave_up = (
                    f"giving up: {service.name} exited {self.crash_loop_exits} times within "
                    f"{self.crash_loop_window_s:.0f} s (a crash loop); see "
                    f"{self._log_name(service)}"
                )
                self.stopping.set()
                return
            backoff = next_backoff(backoff, uptime, *self.backoff)
            say(f"{service.name}: restarting in {backoff:g} s")
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self.stopping.wait(), timeout=backoff)

    async def _announce_ready(
        self, service: Service, proc: asyncio.subprocess.Process, down_since: float | None
    ) -> None:
        if service.health_url is None:
            return
        while proc.returncode is None:
            if await asyncio.to_thread(_healthy, service.health_url):
                if down_since is None:
                    say(f"{service.name} ready")
                else:
                    away = time.monotonic() - down_since
                    say(f"{service.name} ready again, {away:.1f} s after it stopped")
                return
            await asyncio.sleep(HEALTH_POLL_S)

    def _log_name(self, service: Service) -> str:
        path = self.log_dir / f"{service.name}.log"
        with contextlib.suppress(ValueError):
            return str(path.relative_to(ROOT))
        return str(path)

    async def _stop_all(self) -> None:
        running = {name: p for name, p in self.procs.items() if p.returncode is None}
        for proc in running.values():
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGTERM)
        waits = [asyncio.create_task(proc.wait()) for proc in running.values()]
        if waits:
            _, pending = await asyncio.wait(waits, timeout=STOP_GRACE_S)
            for name, proc in running.items():
                if proc.returncode is None:
                    say(f"{name} did not stop within {STOP_GRACE_S:.0f} s: SIGKILL")
            for proc in running.values():
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)  # the group: no orphan left
            if pending:
                await asyncio.wait(pending, timeout=5)
        if self.pid_dir is not None:
            for name in self.procs:
                with contextlib.suppress(FileNotFoundError):
                    (self.pid_dir / f"{name}.pid").unlink()


def leadbot_services(model: Path, env: Mapping[str, str]) -> list[Service]:
    """The three processes of `make run`, configured from the environment as run.sh sets it:
    the action server and Rasa on localhost, the bot web app on LEADBOT_HOST:LEADBOT_PORT."""
    venv = ROOT / ".venv"
    rasa_py = env.get("LEADBOT_RASA_PYTHON") or str(venv / "rasa" / "bin" / "python")
    app_py = env.get("LEADBOT_APP_PYTHON") or sys.executable
    actions_port = env.get("ACTIONS_PORT", "5055")
    rasa_port = env.get("RASA_PORT", "5005")
    token = env.get("RASA_TOKEN", "")
    endpoints = env.get("LEADBOT_ENDPOINTS", "endpoints.yml")
    web_host = env.get("LEADBOT_HOST", "127.0.0.1")
    web_port = env.get("LEADBOT_PORT", "8080")
    probe_host = "127.0.0.1" if web_host in ("0.0.0.0", "::", "") else web_host
    rasa_argv = (
        rasa_py, "scripts/rasa_serve.py", "run",
        "--model", str(model),
        "--endpoints", endpoints,
        "--credentials", "credentials.yml",
        "--interface", "127.0.0.1",
        "--port", rasa_port,
        "--enable-api",
        "--auth-token", token,
    )  # fmt: skip
    return [
        Service(
            "actions",
            (app_py, "-m", "rasa_sdk", "--actions", "actions", "--port", actions_port),
            health_url=f"http://127.0.0.1:{actions_port}/health",
            # rasa_sdk binds 0.0.0.0 unless SANIC_HOST says otherwise: keep it internal.
            env={"SANIC_HOST": env.get("SANIC_HOST", "127.0.0.1")},
        ),
        Service(
            "rasa",
            rasa_argv,
            health_url=f"http://127.0.0.1:{rasa_port}/status?token={token}",
        ),
        Service(
            "bot",
            (app_py, "-m", "bot.web"),
            health_url=f"http://{probe_host}:{web_port}/healthz",
        ),
    ]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="scripts/supervise.py", description="Starts Leadbot's processes, keeps them running."
    )
    parser.add_argument("--model", type=Path, required=True, help="trained Rasa model")
    parser.add_argument("--log-dir", type=Path, default=ROOT / "var" / "log")
    parser.add_argument("--pid-dir", type=Path, default=ROOT / "var" / "run")
    args = parser.parse_args(argv)
    if not os.environ.get("RASA_TOKEN"):
        print("error: RASA_TOKEN is not set (scripts/run.sh sets it)", file=sys.stderr)
        return 2
    supervisor = Supervisor(leadbot_services(args.model, os.environ), args.log_dir, args.pid_dir)
    return asyncio.run(supervisor.run())


if __name__ == "__main__":
    sys.exit(main())
