"""The Alembic migrations: up, down, up again, and a schema identical to the models."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect
from sqlalchemy.engine import Connection

from bot.leads.db import make_engine
from bot.leads.migrate import downgrade_async, head_revision, upgrade, upgrade_async
from bot.leads.models import Base

from .helpers import TABLE_NAMES

PROJECT_ROOT = Path(__file__).resolve().parents[3]


async def _inspect(url: str, probe: Any) -> Any:
    engine = make_engine(url)
    try:
        async with engine.connect() as connection:
            return await connection.run_sync(probe)
    finally:
        await engine.dispose()


def _tables(connection: Connection) -> set[str]:
    return set(inspect(connection).get_table_names())


def _version(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


def _schema_diff(connection: Connection) -> list[Any]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return list(compare_metadata(context, Base.metadata))


async def test_upgrade_downgrade_upgrade(database_url: str) -> None:
    assert head_revision() == "0004"

    await upgrade_async(database_url)
    assert await _inspect(database_url, _tables) == TABLE_NAMES | {"alembic_version"}
    assert await _inspect(database_url, _version) == "0004"

    await downgrade_async(database_url, "base")
    assert await _inspect(database_url, _tables) == {"alembic_version"}
    assert await _inspect(database_url, _version) is None

    await upgrade_async(database_url)
    await upgrade_async(database_url)  # already at head: nothing to do
    assert await _inspect(database_url, _tables) == TABLE_NAMES | {"alembic_version"}
    assert await _inspect(database_url, _version) == "0004"


async def test_migrated_schema_matches_the_models(database_url: str) -> None:
    await upgrade_async(database_url)
    assert await _inspect(database_url, _schema_diff) == []


async def test_upgrade_refuses_to_block_a_running_event_loop(sqlite_url: str) -> None:
    with pytest.raises(RuntimeError, match="upgrade_async"):
        upgrade(sqlite_url)


def test_upgrade_from_synchronous_code_creates_the_sqlite_folder(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/var/nested/leadbot.db"
    upgrade(url)
    assert (tmp_path / "var" / "nested" / "leadbot.db").exists()


def _alembic(*args: str, database_url: str) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "DATABASE_URL": database_url}
    return subprocess.run(
        [sys.executable, "-m", "alembic", *args],
        cwd=PROJECT_ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


async def test_alembic_command_line_reads_database_url(database_url: str) -> None:
    done = _alembic("upgrade", "head", database_url=database_url)
    assert done.returncode == 0, done.stderr
    assert await _inspect(database_url, _tables) == TABLE_NAMES | {"alembic_version"}
    done = _alembic("downgrade", "base", database_url=database_url)
    assert done.returncode == 0, done.stderr
    assert await _inspect(database_url, _tables) == {"alembic_version"}


@pytest.mark.parametrize(
    ("url", "dialect_sql"),
    [
        ("postgresql://leadbot@db.invalid/leadbot", "JSONB"),
        ("sqlite:///var/never-created.db", "CREATE TABLE leads"),
    ],
)
def test_offline_sql_renders_without_a_server(url: str, dialect_sql: str) -> None:
    done = _alembic("upgrade", "head", "--sql", database_url=url)
    assert done.returncode == 0, done.stderr
    assert "CREATE TABLE outbox" in done.stdout
    assert dialect_sql in done.stdout
