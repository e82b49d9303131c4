from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.leads.db import make_engine, make_session_factory
from bot.leads.migrate import upgrade_async
from bot.leads.unit_of_work import SqlAlchemyUnitOfWork
from tests.integration.notify.receiver import HttpReceiver, SmtpReceiver


@pytest.fixture
async def receiver() -> AsyncIterator[HttpReceiver]:
    server = HttpReceiver()
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
def smtp() -> Iterator[SmtpReceiver]:
    server = SmtpReceiver()
    server.start()
    yield server
    server.stop()


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    await upgrade_async(database_url)
    engine = make_engine(database_url)
    yield engine
    await engine.dispose()


@pytest.fixture
def new_uow(engine: AsyncEngine) -> Callable[[], SqlAlchemyUnitOfWork]:
    factory = make_session_factory(engine)
    return lambda: SqlAlchemyUnitOfWork(factory)
