"""Alembic entrypoint for the lead store.

The URL comes from the caller (`bot.leads.migrate` passes it, with an open connection),
else from the DATABASE_URL environment variable, else the embedded default
sqlite:///var/leadbot.db. Plain URLs get their async driver (bot.leads.db.make_engine) and
migrations run on it through `run_sync`.
"""

from __future__ import annotations

import asyncio
import os
from logging.config import fileConfig
from typing import Any

from sqlalchemy.engine import Connection, make_url

from alembic import context
from bot.leads.db import DEFAULT_URL, make_engine
from bot.leads.models import Base
from bot.nurture import models as _nurture_models  # noqa: F401  (nurture's tables)

config = context.config
if config.config_file_name is not None and config.attributes.get("configure_logger", True):
    fileConfig(config.config_file_name, disable_existing_loggers=False)

target_metadata = Base.metadata
# pg_advisory_xact_lock key: two processes migrating at once take turns.
MIGRATION_LOCK_KEY = 0x1EADB07


def database_url() -> str:
    url = config.attributes.get("database_url") or os.environ.get("DATABASE_URL")
    return str(url or DEFAULT_URL)


def _options() -> dict[str, Any]:
    # Batch mode everywhere: one set of migrations must also run on SQLite, which can only
    # change most of a table by copying it.
    return {"target_metadata": target_metadata, "compare_type": True, "render_as_batch": True}


def run_migrations_offline() -> None:
    """Emit SQL for the URL's dialect instead of running it (`alembic upgrade --sql`)."""
    url = make_url(database_url())
    context.configure(
        url=url.set(drivername=url.get_backend_name()),
        literal_binds=True,
        dialect_opts={"paramstyle": "named"},
        **_options(),
    )
    with context.begin_transaction():
        context.run_migrations()


def _sqlite_pragma(connection: Connection, statement: str) -> list[Any]:
    # On the driver connection: a PRAGMA inside SQLAlchemy's transaction would be ignored.
    assert connection.connection.dbapi_connection is not None
    cursor = connection.connection.dbapi_connection.cursor()
    try:
        cursor.execute(statement)
        return list(cursor.fetchall())
    finally:
        cursor.close()


def do_run_migrations(connection: Connection) -> None:
    sqlite = connection.dialect.name == "sqlite"
    if sqlite:
        # Batch migrations copy and drop tables; with foreign keys enforced, dropping the
        # old copy would cascade into the rows that refer to it.
        _sqlite_pragma(connection, "PRAGMA foreign_keys = OFF")
    try:
        # Our SQLite engine issues its own BEGIN, so DDL there is transactional too: a
        # failed upgrade leaves the schema as it was.
        context.configure(connection=connection, transactional_ddl=True, **_options())
        with context.begin_transaction():
            if connection.dialect.name == "postgresql":
                connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({MIGRATION_LOCK_KEY})")
            context.run_migrations()
        if sqlite and (broken := _sqlite_pragma(connection, "PRAGMA foreign_key_check")):
            raise RuntimeError(f"migration left foreign keys pointing nowhere: {broken[:5]}")
    finally:
        if sqlite:
            _sqlite_pragma(connection, "PRAGMA foreign_keys = ON")


async def run_async_migrations() -> None:
    engine = make_engine(database_url())
    try:
        async with engine.connect() as connection:
            await connection.run_sync(do_run_migrations)
    finally:
        await engine.dispose()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is None:
        asyncio.run(run_async_migrations())
    else:
        do_run_migrations(connection)


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
