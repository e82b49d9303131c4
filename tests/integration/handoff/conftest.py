"""The lead store migrated to head on each backend, and a demo sales team to route to."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.handoff.service import Handoff
from bot.leads.db import make_engine, make_session_factory
from bot.leads.migrate import upgrade_async
from bot.leads.unit_of_work import SqlAlchemyUnitOfWork
from bot.signing import Signer
from tests.unit.handoff.factories import rep_config, team


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


def make_handoff(*reps: dict[str, object], **routing: object) -> Handoff:
    return Handoff(
        team=team(*reps, **routing),
        signer=Signer("test-secret-key-0123456789"),
        public_url="http://bot.test",
    )


@pytest.fixture
def handoff() -> Handoff:
    """One rep in Paris, Monday to Friday 09:00-17:00, 30-minute meetings, no notice."""
    return make_handoff(rep_config("ana", "Europe/Paris"))
