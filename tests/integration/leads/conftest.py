"""The lead store, migrated to head, on each backend (see tests/integration/conftest.py)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.leads.db import make_engine, make_session_factory
from bot.leads.migrate import upgrade_async
from bot.leads.unit_of_work import SqlAlchemyUnitOfWork


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    await upgrade_async(database_url)
    engine = make_engine(database_url)
    yield engine
    await engine.dispose()


@pytest.fixture
def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return make_session_factory(engine)


@pytest.fixture
def new_uow(
    session_factory: async_sessionmaker[AsyncSession],
) -> Callable[[], SqlAlchemyUnitOfWork]:
    """A fresh unit of work per call (one per concurrent task, as the app does)."""
    return lambda: SqlAlchemyUnitOfWork(session_factory)


@pytest.fixture
def uow(new_uow: Callable[[], SqlAlchemyUnitOfWork]) -> SqlAlchemyUnitOfWork:
    return new_uow()
