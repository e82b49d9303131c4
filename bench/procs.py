"""Starting and stopping the servers under test: bounded, and never leaving one behind.

Each server runs in its own session (process group), so Ctrl-C in the terminal reaches only
the benchmark, which then stops the groups it started (SIGTERM, then SIGKILL after a bounded
wait). On Linux the children also get SIGTERM if the benchmark itself dies (PR_SET_PDEATHSIG).
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import aiohttp

# Ports a developer's `make run` may hold: never take them.
RESERVED_PORTS = frozenset({5005, 5055, 8080})
PR_SET_PDEATHSIG = 1


class StartError(RuntimeError):
    """A server stopped or did not become ready in time; the message says where to look."""


def free_port(host: str = "127.0.0.1") -> int:
    """A free TCP port on host, chosen by the kernel, never one of RESERVED_PORTS."""
    for _ in range(20):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            sock.bind((host, 0))
            port = int(sock.getsockname()[1])
        if port not in RESERVED_PORTS:
            return port
    raise OSError("no free loopback port found")


def _load_libc() -> ctypes.CDLL | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        return ctypes.CDLL("libc.so.6", use_errno=True)
    except OSError:
        return None


# Loaded once here: the child must do as little as possible between fork and exec.
_LIBC = _load_libc()


def _die_with_parent() -> None:  # pragma: no cover - runs in the child between fork and exec
    if _LIBC is not None:
        _LIBC.prctl(PR_SET_PDEATHSIG, int(signal.SIGTERM))


@dataclass
class Server:
    """One started process (Rasa or the action server) and where its output goes."""

    name: str
    popen: subprocess.Popen[bytes]
    log_path: Path
    started_at: float

    @property
    def pid(self) -> int:
        return self.popen.pid

    def alive(self) -> bool:
        return self.popen.poll() is None

    def log_tail(self, lines: int = 25) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return "(no log)"
        return "\n".join(text.splitlines()[-lines:])


class Registry:
    """Every server started in this run, so a last-resort cleanup can stop them all."""

    def __init__(self) -> None:
        self._servers: list[Server] = []

    def start(
        self,
        name: str,
        argv: Sequence[str],
        *,
        cwd: Path,
        env: Mapping[str, str],
        log_path: Path,
    ) -> Server:
        log_path.parent.mkdir(parents=True, exist_ok=True)
        with log_path.open("wb") as log:
            popen = subprocess.Popen(
                list(argv),
                cwd=cwd,
                env=dict(env),
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                preexec_fn=_die_with_parent,
            )
        server = Server(name=name, popen=popen, log_path=log_path, started_at=time.monotonic())
        self._servers.append(server)
        return server

    def stop(self, server: Server, timeout: float = 15.0) -> None:
        """SIGTERM to the server's process group, SIGKILL after timeout; waits for the exit."""
        stop_group(server.popen, timeout)
        if server in self._servers:
            self._servers.remove(server)

    def stop_all(self, timeout: float = 15.0) -> None:
        for server in reversed(list(self._servers)):
            self.stop(server, timeout)


def stop_group(popen: subprocess.Popen[bytes], timeout: float) -> None:
    """Stops the process group led by popen (started with start_new_session)."""
    pgid = popen.pid  # the leader of its own session: the group id is its pid
    for sig, wait in ((signal.SIGTERM, timeout), (signal.SIGKILL, 5.0)):
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(pgid, sig)
        try:
            popen.wait(timeout=wait)
        except subprocess.TimeoutExpired:
            continue
        # The leader is gone; make sure nothing it started lingers in the group.
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(pgid, signal.SIGKILL)
        return


async def wait_ready(
    server: Server,
    url: str,
    *,
    timeout: float,
    expect_json_key: str | None = None,
) -> float:
    """Polls url until it answers 200 (with expect_json_key in its JSON body if given).

    Returns the seconds from the server's start to readiness. Raises StartError if the
    process exits first or the timeout passes.
    """
    deadline = time.monotonic() + timeout
    probe_timeout = aiohttp.ClientTimeout(total=5)
    async with aiohttp.ClientSession(timeout=probe_timeout) as session:
        while time.monotonic() < deadline:
            if not server.alive():
                raise StartError(
                    f"{server.name} exited with code {server.popen.returncode} during start-up "
                    f"(log: {server.log_path}):\n{server.log_tail()}"
                )
            with contextlib.suppress(aiohttp.ClientError, asyncio.TimeoutError, ValueError):
                async with session.get(url) as response:
                    if response.status == 200:
                        if expect_json_key is None:
                            return time.monotonic() - server.started_at
                        body = await response.json(content_type=None)
                        if isinstance(body, dict) and body.get(expect_json_key):
                            return time.monotonic() - server.started_at
            await asyncio.sleep(0.5)
    raise StartError(
        f"{server.name} was not ready after {timeout:.0f} s (log: {server.log_path}):\n"
        f"{server.log_tail()}"
    )
