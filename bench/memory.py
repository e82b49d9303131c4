"""Resident memory of a process tree, read from /proc (psutil is not in the app env)."""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass, field
from pathlib import Path

PROC = Path("/proc")


def _status_kib(pid: int, key: str) -> int | None:
    """A `kB` field of /proc/<pid>/status (VmRSS, VmHWM), or None if the process is gone."""
    try:
        text = (PROC / str(pid) / "status").read_text()
    except OSError:
        return None
    for line in text.splitlines():
        if line.startswith(f"{key}:"):
            parts = line.split()
            return int(parts[1]) if len(parts) >= 2 and parts[1].isdigit() else None
    return None


def descendants(pid: int) -> list[int]:
    """Every process below pid (children of all its threads, recursively)."""
    found: list[int] = []
    stack = [pid]
    while stack:
        current = stack.pop()
        with contextlib.suppress(OSError):
            for task in (PROC / str(current) / "task").iterdir():
                with contextlib.suppress(OSError):
                    for child in (task / "children").read_text().split():
                        found.append(int(child))
                        stack.append(int(child))
    return found


def tree_rss_mib(pid: int) -> float | None:
    """Current resident set of pid and its descendants in MiB; None if pid is gone."""
    own = _status_kib(pid, "VmRSS")
    if own is None:
        return None
    total = own + sum(_status_kib(child, "VmRSS") or 0 for child in descendants(pid))
    return total / 1024.0


def hwm_mib(pid: int) -> float | None:
    """The kernel's peak resident set (VmHWM) of pid since it started, in MiB."""
    kib = _status_kib(pid, "VmHWM")
    return None if kib is None else kib / 1024.0


@dataclass
class MemoryWatch:
    """Samples a process tree's RSS in the background and keeps the peak."""

    pid: int
    interval: float = 0.25
    peak_mib: float = 0.0
    samples: int = 0
    _task: asyncio.Task[None] | None = field(default=None, repr=False)

    def sample(self) -> float | None:
        rss = tree_rss_mib(self.pid)
        if rss is not None:
            self.peak_mib = max(self.peak_mib, rss)
            self.samples += 1
        return rss

    async def _run(self) -> None:
        while True:
            self.sample()
            await asyncio.sleep(self.interval)

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._run())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        self.sample()
