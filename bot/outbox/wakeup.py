"""Waking the outbox worker when a row is committed, without burning an idle core.

PostgreSQL: LISTEN on the channel `enqueue` NOTIFYs in the writer's transaction; the
notification arrives when (and only if) that transaction commits, from any process.

SQLite: the writer is often another process (the action server), so an in-process event
is not enough. Every commit in WAL mode changes the `-wal` file (or, after a checkpoint,
the database file): the worker looks at their size and modification time every 50 ms
(two stat() calls, no query, no thread), which costs well under 1 % of a core.

Both also wake at once on `poke()` (an API retry in this process).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from pathlib import Path
from typing import Protocol

import asyncpg
from sqlalchemy.engine import make_url

from bot.outbox.enqueue import NOTIFY_CHANNEL

logger = logging.getLogger(__name__)

SQLITE_WATCH_INTERVAL = 0.05


class Waker(Protocol):
    async def wait(self, timeout: float) -> bool:
        """Until something may be due, or `timeout` seconds; True if woken by a change."""
        ...

    def poke(self) -> None: ...

    async def close(self) -> None: ...


class TimerWaker:
    """Only the timeout and pokes (an in-memory SQLite database, tests)."""

    def __init__(self) -> None:
        self._poked = asyncio.Event()

    def poke(self) -> None:
        self._poked.set()

    async def wait(self, timeout: float) -> bool:
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(self._poked.wait(), timeout)
        woken = self._poked.is_set()
        self._poked.clear()
        return woken

    async def close(self) -> None:
        return None


class SqliteFileWaker:
    def __init__(self, database: Path, interval: float = SQLITE_WATCH_INTERVAL) -> None:
        self._paths = (database, database.with_name(database.name + "-wal"))
        self._interval = interval
        self._poked = asyncio.Event()
        self._seen = self._signature()

    def _signature(self) -> tuple[tuple[int, int], ...]:
        out = []
        for path in self._paths:
            try:
                stat = os.stat(path)
            except OSError:
                out.append((0, 0))
            else:
                out.append((stat.st_size, stat.st_mtime_ns))
        return tuple(out)

    def poke(self) -> None:
        self._poked.set()

    async def wait(self, timeout: float) -> bool:
        # A plain sleep per look (no wait_for: a task and a timer per look cost more CPU
        # than the look itself); a poke is seen at the next look.
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            if self._poked.is_set():
                self._poked.clear()
                return True
            signature = self._signature()
            if signature != self._seen:
                self._seen = signature
                return True
            remaining = deadline - loop.time()
            if remaining <= 0:
                return False
            await asyncio.sleep(min(self._interval, remaining))

    async def close(self) -> None:
        return None


class PostgresWaker:
    def __init__(self, connection: asyncpg.Connection) -> None:
        self._connection = connection
        self._woken = asyncio.Event()

    @classmethod
    async def connect(cls, database_url: str) -> PostgresWaker:
        url = make_url(database_url).set(drivername="postgresql")
        dsn = url.render_as_string(hide_password=False)
        connection = await asyncpg.connect(dsn, timeout=5)
        waker = cls(connection)
        await connection.add_listener(NOTIFY_CHANNEL, waker._on_notify)
        return waker

    def _on_notify(self, *_: object) -> None:
        self._woken.set()

    def poke(self) -> None:
        self._woken.set()

    async def wait(self, timeout: float) -> bool:
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(self._woken.wait(), timeout)
        woken = self._woken.is_set()
        self._woken.clear()
        return woken

    async def close(self) -> None:
        with contextlib.suppress(Exception):
            await self._connection.close(timeout=2)


async def waker_for(database_url: str) -> Waker:
    """The right waker for the database; a LISTEN that fails falls back to the timer."""
    url = make_url(database_url)
    if url.get_backend_name() == "postgresql":
        try:
            return await PostgresWaker.connect(database_url)
        except (OSError, asyncpg.PostgresError, asyncio.TimeoutError) as error:
            logger.warning("outbox LISTEN unavailable (%s); polling instead", error)
            return TimerWaker()
    database = url.database or ""
    if database in ("", ":memory:") or database.startswith("file:"):
        return TimerWaker()
    return SqliteFileWaker(Path(database).expanduser())  # noqa: ASYNC240 (no I/O)
