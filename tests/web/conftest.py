"""The web app over a real lead store: SQLite per test, PostgreSQL where marked.

`start_app` migrates the database, builds the services the way the run command does and
serves the app through aiohttp's test client, with the API token set (unless told not to).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, Protocol

import pytest
from aiohttp.test_utils import TestClient

from bot.bootstrap import Services, build_services
from bot.leads.migrate import upgrade_async
from bot.settings import Settings
from bot.web.app import create_app
from bot.web.keys import SERVICES

# The lead store fixtures of the integration tests: a fresh SQLite file, and a database of
# this session's own on the shared PostgreSQL server (skipped, saying why, without it).
from tests.integration.conftest import (  # noqa: F401  (pytest fixtures)
    BACKENDS,
    postgres_database,
    postgres_url,
    sqlite_url,
)

TOKEN = "test-token-4f1c9a7e2b"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
UNREACHABLE_DATABASE = "postgresql://postgres@127.0.0.1:1/test"  # nothing listens on port 1
# Not the default 127.0.0.1:5055: a bot started by `make run` on this machine listens there,
# and a test must not see it (a fresh clone's /readyz test once found one running).
UNREACHABLE_ACTIONS = "http://127.0.0.1:1"

AiohttpClient = Callable[..., Awaitable[TestClient[Any, Any]]]


class StartApp(Protocol):
    async def __call__(
        self,
        database_url: str | None = None,
        *,
        migrate: bool = True,
        spool_interval: float = 3600.0,
        **settings: Any,
    ) -> TestClient[Any, Any]: ...


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest) -> str:
    """An empty database: each test using it runs on SQLite and on PostgreSQL."""
    fixture = "sqlite_url" if request.param == "sqlite" else "postgres_url"
    return str(request.getfixturevalue(fixture))


@pytest.fixture
def make_settings(tmp_path: Path, request: pytest.FixtureRequest) -> Callable[..., Settings]:
    """Settings as development has them, with the API token set; SQLite unless told."""

    def make(database_url: str | None = None, **changes: Any) -> Settings:
        values: dict[str, Any] = {
            "env": "development",
            "database_url": database_url or request.getfixturevalue("sqlite_url"),
            "rasa_tracker_url": f"sqlite:///{tmp_path}/rasa_tracker.db",
            "api_token": TOKEN,
            "spool_dir": tmp_path / "spool",
            "mail_dir": tmp_path / "mail",  # never the checkout's var/mail
            "actions_url": UNREACHABLE_ACTIONS,
            **changes,
        }
        return Settings(**values)

    return make


@pytest.fixture
def start_app(aiohttp_client: AiohttpClient, make_settings: Callable[..., Settings]) -> StartApp:
    async def start(
        database_url: str | None = None,
        *,
        migrate: bool = True,
        spool_interval: float = 3600.0,
        **settings: Any,
    ) -> TestClient[Any, Any]:
        config = make_settings(database_url, **settings)
        if migrate:
            await upgrade_async(config.database_url)
        app = create_app(build_services(config), spool_interval=spool_interval)
        return await aiohttp_client(app)

    return start


def services_of(client: TestClient[Any, Any]) -> Services:
    assert client.app is not None
    services: Services = client.app[SERVICES]
    return services
