"""Databases for integration tests: a fresh SQLite file per test, and PostgreSQL for real.

PostgreSQL is the shared server on 127.0.0.1:5432 (database `test`), or the one named by
LEADBOT_TEST_POSTGRES_URL. Each test session creates a database of its own there and drops
it at the end, and each test starts from an empty `public` schema, so developers and CI
jobs sharing the server never see each other's tables. Unreachable server: the
`postgres` tests skip, saying why.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import psycopg
import pytest
from psycopg import sql
from sqlalchemy.engine import URL, make_url

DEFAULT_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/test"
BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


def _libpq(url: URL) -> str:
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


@pytest.fixture
def sqlite_url(tmp_path: os.PathLike[str]) -> str:
    """A SQLite database file of this test's own (created on first use)."""
    return f"sqlite:///{os.fspath(tmp_path)}/leadbot.db"


@pytest.fixture(scope="session")
def postgres_database() -> Iterator[URL]:
    """A uniquely named PostgreSQL database for this test session, dropped afterwards."""
    server = make_url(os.environ.get("LEADBOT_TEST_POSTGRES_URL", DEFAULT_POSTGRES_URL))
    try:
        admin = psycopg.connect(_libpq(server), autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as error:
        reason = str(error).strip().splitlines()[0] if str(error).strip() else repr(error)
        pytest.skip(
            f"PostgreSQL not reachable at {server.host}:{server.port or 5432} ({reason}); "
            "start it or point LEADBOT_TEST_POSTGRES_URL at one"
        )
    name = f"leadbot_test_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    try:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        yield server.set(database=name)
    finally:
        admin.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        admin.close()


@pytest.fixture
def postgres_url(postgres_database: URL) -> str:
    """The session's PostgreSQL database, emptied for this test (a fresh `public` schema)."""
    with psycopg.connect(_libpq(postgres_database), autocommit=True) as connection:
        connection.execute("DROP SCHEMA IF EXISTS public CASCADE")
        connection.execute("CREATE SCHEMA public")
    return postgres_database.render_as_string(hide_password=False)


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest) -> str:
    """An empty database: each test using it runs on SQLite and on PostgreSQL."""
    fixture = "sqlite_url" if request.param == "sqlite" else "postgres_url"
    return str(request.getfixturevalue(fixture))
