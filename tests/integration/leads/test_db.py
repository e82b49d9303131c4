"""Engine set-up, email keys, and the column types that must round-trip on both backends."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import StatementError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.leads.db import async_url, make_engine
from bot.leads.keys import email_key, normalize_email
from bot.leads.models import Lead


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("sqlite:///var/leadbot.db", "sqlite+aiosqlite:///var/leadbot.db"),
        ("sqlite:////srv/leadbot/leadbot.db", "sqlite+aiosqlite:////srv/leadbot/leadbot.db"),
        ("sqlite+aiosqlite:///x.db", "sqlite+aiosqlite:///x.db"),
        ("postgresql://u:p@db:5432/leads", "postgresql+asyncpg://u:p@db:5432/leads"),
        ("postgres://u@db/leads", "postgresql+asyncpg://u@db/leads"),
        ("postgresql+asyncpg://u@db/leads", "postgresql+asyncpg://u@db/leads"),
        ("postgresql://u@db/leads?sslmode=require", "postgresql+asyncpg://u@db/leads?ssl=require"),
    ],
)
def test_urls_get_an_async_driver(given: str, expected: str) -> None:
    assert async_url(given).render_as_string(hide_password=False) == expected


@pytest.mark.parametrize("url", ["mysql://u@db/leads", "postgresql+psycopg2://u@db/leads"])
def test_unsupported_urls_are_refused(url: str) -> None:
    with pytest.raises(ValueError, match="unsupported database URL"):
        async_url(url)


async def test_sqlite_connections_use_wal_foreign_keys_and_a_busy_timeout(sqlite_url: str) -> None:
    engine = make_engine(sqlite_url)
    try:
        async with engine.connect() as connection:
            pragma = {
                name: (await connection.exec_driver_sql(f"PRAGMA {name}")).scalar_one()
                for name in ("journal_mode", "foreign_keys", "busy_timeout")
            }
    finally:
        await engine.dispose()
    assert pragma == {"journal_mode": "wal", "foreign_keys": 1, "busy_timeout": 15_000}


@pytest.mark.parametrize(
    ("address", "key"),
    [
        ("Jane.Doe@Gmail.com", "janedoe@gmail.com"),
        ("j.a.n.e.doe+leadbot@gmail.com", "janedoe@gmail.com"),
        ("  JaneDoe@GoogleMail.com ", "janedoe@gmail.com"),
        ("jane.doe+chat@acme.io", "jane.doe@acme.io"),
        ("Jane.Doe@ACME.io", "jane.doe@acme.io"),
        ("+only@acme.io", "+only@acme.io"),
        ("first+a+b@Example.ORG", "first@example.org"),
    ],
)
def test_email_key(address: str, key: str) -> None:
    assert email_key(address) == key


def test_email_key_refuses_what_is_not_an_address() -> None:
    with pytest.raises(ValueError, match="not an email"):
        email_key("jane at acme")
    with pytest.raises(ValueError, match="longer than"):
        normalize_email("x" * 320 + "@acme.io")


async def test_money_and_time_round_trip(session_factory: async_sessionmaker[AsyncSession]) -> None:
    berlin = timezone(timedelta(hours=1))
    created = datetime(2026, 3, 2, 10, 30, 15, 123456, tzinfo=berlin)
    async with session_factory() as session:
        session.add(
            Lead(
                id="l1",
                status="new",
                budget_amount=Decimal("999999999999.99"),
                budget_amount_max=Decimal("0.1"),
                created_at=created,
                updated_at=created,
            )
        )
        await session.commit()
    async with session_factory() as session:
        lead = (await session.scalars(select(Lead))).one()
    assert lead.budget_amount == Decimal("999999999999.99")
    assert str(lead.budget_amount_max) == "0.10"
    assert lead.created_at == created
    assert lead.created_at.tzinfo == timezone.utc


async def test_naive_datetimes_are_refused(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    async with session_factory() as session:
        session.add(Lead(id="l1", status="new", created_at=datetime(2026, 3, 2, 10, 30)))
        with pytest.raises(StatementError, match="naive datetime"):
            await session.flush()


async def test_foreign_keys_are_enforced(engine: AsyncEngine) -> None:
    with pytest.raises(Exception, match=r"(?i)foreign key"):
        async with engine.begin() as connection:
            await connection.execute(
                text(
                    "INSERT INTO conversations (id, lead_id, started_at, last_seen_at) "
                    "VALUES ('c1', 'no-such-lead', :t, :t)"
                ),
                {"t": datetime(2026, 3, 2, tzinfo=timezone.utc)},
            )
