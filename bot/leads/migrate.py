"""Run the lead store's Alembic migrations from Python (the run command does this first).

    from bot.leads.migrate import upgrade
    upgrade("sqlite:///var/leadbot.db")          # or "postgresql://user@host/db"

`upgrade` starts its own event loop; code already inside one awaits `upgrade_async`.
The migrations live in alembic/ at the repository root, next to alembic.ini.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection

from alembic import command
from bot.leads.db import make_engine

PROJECT_ROOT = Path(__file__).resolve().parents[2]
ALEMBIC_INI = PROJECT_ROOT / "alembic.ini"
MIGRATIONS = PROJECT_ROOT / "alembic"


def alembic_config(url: str) -> Config:
    """Alembic's configuration for `url`, without touching the caller's logging setup."""
    config = Config(str(ALEMBIC_INI)) if ALEMBIC_INI.exists() else Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["database_url"] = url
    config.attributes["configure_logger"] = False
    return config


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()


async def upgrade_async(url: str, revision: str = "head") -> None:
    await _run(url, lambda config: command.upgrade(config, revision))


async def downgrade_async(url: str, revision: str) -> None:
    await _run(url, lambda config: command.downgrade(config, revision))


def upgrade(url: str, revision: str = "head") -> None:
    """Bring the database at `url` to `revision` (SQLite or PostgreSQL)."""
    _run_blocking(upgrade_async(url, revision))


def downgrade(url: str, revision: str) -> None:
    _run_blocking(downgrade_async(url, revision))


def _run_blocking(coroutine: Coroutine[Any, Any, None]) -> None:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        asyncio.run(coroutine)
        return
    coroutine.close()
    raise RuntimeError("called inside an event loop: await upgrade_async / downgrade_async")


async def _run(url: str, action: Callable[[Config], None]) -> None:
    engine = make_engine(url)
    try:
        async with engine.connect() as connection:

            def migrate(sync_connection: Connection) -> None:
                config = alembic_config(url)
                config.attributes["connection"] = sync_connection
                action(config)

            await connection.run_sync(migrate)
    finally:
        await engine.dispose()
