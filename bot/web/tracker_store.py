"""Rasa's SQL tracker store, seen from outside: erase a person's conversations.

Rasa 3.6's `SQLTrackerStore` keeps every event of every conversation in one table,
`events`, keyed by `sender_id` (the conversation id). Rasa is not imported here: this
module speaks to the same database with SQLAlchemy core, on its own async engine. A tracker
store that was never created (no file, no table) holds nothing to erase.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from sqlalchemy import Column, Integer, MetaData, String, Table, delete, inspect
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from bot.leads.db import POSTGRES_FAIL_FAST, async_url

EVENTS_TABLE = "events"
SQLITE_TIMEOUT_SECONDS = 15
_CHUNK = 500

# Only the columns this module touches; Rasa creates the table (see tests/web for its shape).
_events = Table(
    EVENTS_TABLE,
    MetaData(),
    Column("id", Integer, primary_key=True),
    Column("sender_id", String(255), nullable=False),
)


class RasaTrackerStore:
    """The tracker store at `url` (the same URL Rasa's endpoints.yml uses, any driver
    spelling bot.leads.db accepts). The engine connects on first use only."""

    def __init__(self, url: str) -> None:
        parsed = async_url(url)
        self._sqlite_file: Path | None = None
        options: dict[str, object] = {}
        if parsed.get_backend_name() == "sqlite":
            database = parsed.database or ""
            if database and database != ":memory:" and not database.startswith("file:"):
                self._sqlite_file = Path(database).expanduser()
            options["connect_args"] = {"timeout": SQLITE_TIMEOUT_SECONDS}
        else:
            options["pool_pre_ping"] = True
            if parsed.drivername == "postgresql+asyncpg":  # fail fast, as the lead store does
                options["connect_args"] = dict(POSTGRES_FAIL_FAST)
        self._in_memory = parsed.get_backend_name() == "sqlite" and self._sqlite_file is None
        self._engine: AsyncEngine = create_async_engine(parsed, **options)

    async def erase(self, conversation_ids: Iterable[str]) -> int:
        """Delete every event of these conversations; returns the rows deleted."""
        ids = sorted(set(conversation_ids))
        if not ids or self._in_memory:
            return 0
        if self._sqlite_file is not None and not self._sqlite_file.exists():
            return 0  # Rasa never wrote here; don't create an empty database file
        deleted = 0
        async with self._engine.begin() as connection:
            if not await connection.run_sync(_has_events_table):
                return 0
            for start in range(0, len(ids), _CHUNK):
                chunk = ids[start : start + _CHUNK]
                result = await connection.execute(
                    delete(_events).where(_events.c.sender_id.in_(chunk))
                )
                deleted += max(result.rowcount, 0)
        return deleted

    async def close(self) -> None:
        await self._engine.dispose()


def _has_events_table(connection: Connection) -> bool:
    return inspect(connection).has_table(EVENTS_TABLE)
