"""Nurture over a real lead store (SQLite per test, PostgreSQL where marked) and a real
SMTP server; time is a FrozenClock the tests move."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import datetime, timezone

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.clock import FrozenClock
from bot.leads.db import make_engine, make_session_factory
from bot.leads.migrate import upgrade_async
from bot.nurture.handover import SmtpHandOver
from bot.nurture.sender import NurtureSender, NurtureSettings
from bot.nurture.sequences import SequenceBook, load_sequences
from bot.settings import ROOT
from bot.signing import Signer
from tests.integration.nurture.smtp import SmtpServer, running_smtp_server

# Tuesday 12 January 2027, 15:00 UTC (10:00 in New York).
T0 = datetime(2027, 1, 12, 15, 0, tzinfo=timezone.utc)
SECRET = "nurture-test-secret-key-0123456789"
PUBLIC_URL = "https://bot.acme.example"
MAIL_FROM = "Acme Sales <sales@acme.example>"


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    yield from running_smtp_server()


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    await upgrade_async(database_url)
    engine = make_engine(database_url)
    yield engine
    await engine.dispose()


@pytest.fixture
def sessions(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return make_session_factory(engine)


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(T0)


@pytest.fixture(scope="session")
def book() -> SequenceBook:
    return load_sequences(ROOT / "sequences.yml")


@pytest.fixture
def signer() -> Signer:
    return Signer(SECRET)


@pytest.fixture
def make_sender(
    sessions: async_sessionmaker[AsyncSession],
    smtp_server: SmtpServer,
    book: SequenceBook,
    signer: Signer,
    clock: FrozenClock,
):  # type: ignore[no-untyped-def]
    def make(worker: str = "worker-1", **options: object) -> NurtureSender:
        return NurtureSender(
            sessions,
            SmtpHandOver.from_url(smtp_server.url),
            book,
            signer,
            NurtureSettings(public_url=PUBLIC_URL, mail_from=MAIL_FROM, sender_name="Acme Sales"),
            clock,
            worker=worker,
            **options,  # type: ignore[arg-type]
        )

    return make
