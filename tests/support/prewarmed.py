"""Start a real server many times in a row, cheaply: `python -m MODULE ARGS` forked from a
process that imported the server's modules once.

A cold start of the action server or the web app is seconds of imports on these CPUs; a
test that kills one fifty times would spend minutes importing. The prewarmed process
(`python -m tests.support.prewarmed PRELOAD...`) imports the modules named, then on request
forks a child that sets its own environment, working folder, argv and log file and runs
the module with `runpy` exactly as `python -m` does: the same `__main__`, the same server.
Only the interpreter's start and the imports are shared. The test signals the child by its
pid and asks the prewarmed process, its parent, for the exit status.

Not multiprocessing's forkserver: that pickles a target, re-imports the caller's main
module in every child and keeps one preload list per process. `ColdStarts` starts the same
servers with a fresh interpreter each time (LEADBOT_FAULT_COLD=1 in the kill loop), to
compare.

Protocol (JSON lines): `{"op": "spawn", "module", "args", "env", "cwd", "log"}` answers
`{"pid"}`; `{"op": "wait", "pid"}` waits for that child and answers `{"returncode"}` (-9
for SIGKILL); `{"op": "poll", "pid"}` answers at once (`null` while it runs). At the end
of the input the children left are killed and reaped.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import importlib
import json
import os
import pkgutil
import runpy
import signal
import sys
import traceback
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Protocol

ROOT = Path(__file__).resolve().parents[2]


class Launcher(Protocol):
    async def start(
        self, module: str, args: Sequence[str], env: Mapping[str, str], log: Path
    ) -> int: ...

    async def kill(self, pid: int) -> int:
        """SIGKILL the process and reap it; its return code (-9: the kill landed)."""
        ...

    async def poll(self, pid: int) -> int | None:
        """The return code if the process has exited (it is then reaped), else None."""
        ...

    async def close(self) -> None: ...


class Prewarmed:
    """The client side: one prewarmed process per kind of server."""

    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self._process = process
        self._lock = asyncio.Lock()

    @classmethod
    async def open(cls, preload: Sequence[str], *, env: Mapping[str, str]) -> Prewarmed:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "tests.support.prewarmed",
            *preload,
            cwd=ROOT,
            env=dict(env),
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
        )
        prewarmed = cls(process)
        assert await prewarmed._read() == {"ready": True}
        return prewarmed

    async def start(
        self, module: str, args: Sequence[str], env: Mapping[str, str], log: Path
    ) -> int:
        request = {
            "op": "spawn",
            "module": module,
            "args": list(args),
            "env": dict(env),
            "cwd": str(ROOT),
            "log": str(log),
        }
        return int((await self._ask(request))["pid"])

    async def kill(self, pid: int) -> int:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
        return int((await self._ask({"op": "wait", "pid": pid}))["returncode"])

    async def poll(self, pid: int) -> int | None:
        code = (await self._ask({"op": "poll", "pid": pid}))["returncode"]
        return None if code is None else int(code)

    async def close(self) -> None:
        assert self._process.stdin is not None
        self._process.stdin.close()
        try:
            await asyncio.wait_for(self._process.wait(), 30)
        except asyncio.TimeoutError:
            self._process.kill()
            await self._process.wait()

    async def _ask(self, request: dict[str, Any]) -> dict[str, Any]:
        assert self._process.stdin is not None
        async with self._lock:
            self._process.stdin.write(json.dumps(request).encode() + b"\n")
            await self._process.stdin.drain()
            return await self._read()

    async def _read(self) -> dict[str, Any]:
        assert self._process.stdout is not None
        line = await asyncio.wait_for(self._process.stdout.readline(), 120)
        if not line:
            raise RuntimeError("the prewarmed process exited")
        reply: dict[str, Any] = json.loads(line)
        return reply


class ColdStarts:
    """The same servers, each started by a fresh `python -m` (slow; for comparison)."""

    def __init__(self) -> None:
        self._processes: dict[int, asyncio.subprocess.Process] = {}

    async def start(
        self, module: str, args: Sequence[str], env: Mapping[str, str], log: Path
    ) -> int:
        with log.open("ab") as out:
            process = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                module,
                *args,
                cwd=ROOT,
                env=dict(env),
                stdin=asyncio.subprocess.DEVNULL,
                stdout=out,
                stderr=asyncio.subprocess.STDOUT,
            )
        self._processes[process.pid] = process
        return process.pid

    async def kill(self, pid: int) -> int:
        process = self._processes.pop(pid)
        with contextlib.suppress(ProcessLookupError):
            process.send_signal(signal.SIGKILL)
        return await process.wait()

    async def poll(self, pid: int) -> int | None:
        return self._processes[pid].returncode

    async def close(self) -> None:
        for pid in list(self._processes):
            await self.kill(pid)


# --- the prewarmed process itself -------------------------------------------------------


def _child(request: dict[str, Any]) -> None:
    """In the forked child: become `python -m MODULE ARGS`; never returns."""
    code = 1
    try:
        with contextlib.suppress(Exception):  # die with the prewarmed process (Linux)
            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
        log = os.open(request["log"], os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        os.dup2(log, 1)
        os.dup2(log, 2)
        os.dup2(os.open(os.devnull, os.O_RDONLY), 0)
        os.environ.clear()
        os.environ.update(request["env"])
        os.chdir(request["cwd"])
        sys.argv = [request["module"], *request["args"]]
        runpy.run_module(request["module"], run_name="__main__", alter_sys=True)
        code = 0
    except SystemExit as stop:
        code = stop.code if isinstance(stop.code, int) else (0 if stop.code is None else 1)
    except BaseException:
        traceback.print_exc()
    finally:
        with contextlib.suppress(Exception):
            sys.stdout.flush()
            sys.stderr.flush()
        os._exit(code)


def serve(preload: Sequence[str]) -> None:
    """Import the modules and every submodule of the packages among them (as rasa_sdk's
    `register_package` does at start), but no `__main__` (runpy runs that afresh), then
    answer requests until the input ends."""
    for name in preload:
        module = importlib.import_module(name)
        for found in pkgutil.walk_packages(getattr(module, "__path__", ()), f"{name}."):
            if not found.name.endswith(".__main__"):
                importlib.import_module(found.name)
    running: set[int] = set()
    exited: dict[int, int] = {}  # reaped by a poll, not yet asked for

    def reply(message: dict[str, Any]) -> None:
        sys.stdout.write(json.dumps(message) + "\n")
        sys.stdout.flush()

    def reap(pid: int, options: int) -> int | None:
        if pid in exited:
            return exited.pop(pid)
        done, status = os.waitpid(pid, options)
        if not done:
            return None
        running.discard(pid)
        return os.waitstatus_to_exitcode(status)

    reply({"ready": True})
    while line := sys.stdin.readline():
        request = json.loads(line)
        if request["op"] == "spawn":
            pid = os.fork()
            if pid == 0:
                _child(request)
            running.add(pid)
            reply({"pid": pid})
        elif request["op"] == "wait":
            reply({"pid": request["pid"], "returncode": reap(int(request["pid"]), 0)})
        elif request["op"] == "poll":
            pid = int(request["pid"])
            code = reap(pid, os.WNOHANG)
            if code is not None:
                exited[pid] = code  # a later "wait" still gets it
            reply({"pid": pid, "returncode": code})
    for pid in running:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)


if __name__ == "__main__":
    serve(sys.argv[1:])
