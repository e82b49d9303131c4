"""Engine and session factory for the lead store: SQLite by default, PostgreSQL in production.

The URL is passed in (settings read it at the entrypoint). Plain forms are accepted and
given their async driver: `sqlite:///var/leadbot.db` -> `sqlite+aiosqlite:///...`,
`postgresql://...` (or `postgres://...`) -> `postgresql+asyncpg://...`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

DEFAULT_URL = "sqlite:///var/leadbot.db"
SQLITE_BUSY_TIMEOUT_MS = 15_000

_ASYNC_DRIVERS = {
    "sqlite": "sqlite+aiosqlite",
    "sqlite+aiosqlite": "sqlite+aiosqlite",
    "postgres": "postgresql+asyncpg",
    "postgresql": "postgresql+asyncpg",
    "postgresql+asyncpg": "postgresql+asyncpg",
    "postgresql+psycopg": "postgresql+psycopg",
}


def async_url(url: str | URL) -> URL:
    """The URL with an async driver; ValueError for a backend or sync driver we don't run."""
    parsed = make_url(url)
    driver = _ASYNC_DRIVERS.get(parsed.drivername)
    if driver is None:
        raise ValueError(
            f"unsupported database URL scheme {parsed.drivername!r}: "
            "use sqlite:///path/to/file.db or postgresql://user@host/db"
        )
    parsed = parsed.set(drivername=driver)
    if driver == "postgresql+asyncpg" and "sslmode" in parsed.query:
        # libpq spelling -> asyncpg's `ssl` argument (same values: disable, require, ...).
        query = dict(parsed.query)
        query["ssl"] = query.pop("sslmode")
        parsed = parsed.set(query=query)
    return parsed


# Seconds asyncpg waits to connect and for one statement before giving up.
POSTGRES_FAIL_FAST: dict[str, float] = {"timeout": 5, "command_timeout": 15}


def make_engine(url: str | URL, **engine_options: Any) -> AsyncEngine:
    """An AsyncEngine for `url`; extra keyword arguments go to `create_async_engine`.

    SQLite gets WAL, enforced foreign keys, a busy timeout, and `BEGIN IMMEDIATE`
    transactions: every unit of work takes the write lock up front, so concurrent writers
    queue on the busy timeout instead of failing with "database is locked" when a read
    transaction tries to upgrade. SAVEPOINTs work (pysqlite's own transaction handling is
    switched off). A file database's folder is created if missing.
    """
    parsed = async_url(url)
    if parsed.get_backend_name() != "sqlite":
        engine_options.setdefault("pool_pre_ping", True)
        engine_options.setdefault("pool_timeout", 5)
        # A database that does not answer must not keep a visitor waiting: fail fast, the
        # caller spools the lead and it lands later.
        engine_options.setdefault("connect_args", dict(POSTGRES_FAIL_FAST))
        return create_async_engine(parsed, **engine_options)

    database = parsed.database or ""
    in_memory = database in ("", ":memory:") or database.startswith("file::memory:")
    if not in_memory:
        Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    engine = create_async_engine(parsed, **engine_options)

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take transaction control from the driver; SQLAlchemy's "begin" event emits BEGIN.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
            cursor.execute("PRAGMA foreign_keys = ON")
            if not in_memory:
                cursor.execute("PRAGMA journal_mode = WAL")
                cursor.execute("PRAGMA synchronous = NORMAL")
        finally:
            cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def make_session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions that keep loaded objects usable after commit (no lazy reloads in async)."""
    return async_sessionmaker(engine, expire_on_commit=False)
