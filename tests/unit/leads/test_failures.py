"""Outage or refused content: the table that decides between retrying and the quarantine."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy.exc import (
    DataError,
    DBAPIError,
    IntegrityError,
    InterfaceError,
    OperationalError,
    ProgrammingError,
    StatementError,
)
from sqlalchemy.exc import TimeoutError as PoolTimeoutError

from bot.leads.failures import Failure, classify, reason


class DriverError(Exception):
    """What asyncpg raises: a message quoting the value, and the SQLSTATE."""

    def __init__(self, sqlstate: str) -> None:
        super().__init__("Key (email_key)=(jane@acme.io) already exists")
        self.sqlstate = sqlstate


def wrapped(kind: type[DBAPIError], sqlstate: str = "XX000") -> DBAPIError:
    return kind("INSERT ...", {"email": "jane@acme.io"}, DriverError(sqlstate))


@pytest.mark.parametrize(
    ("error", "failure"),
    [
        (ConnectionRefusedError(111, "refused"), "outage"),
        (TimeoutError(), "outage"),
        (asyncio.TimeoutError(), "outage"),
        (PoolTimeoutError(), "outage"),
        (wrapped(OperationalError), "outage"),  # SQLite "database is locked", PG down
        (wrapped(InterfaceError), "outage"),
        (wrapped(DBAPIError, "08006"), "outage"),  # connection failure
        (wrapped(DBAPIError, "40001"), "outage"),  # serialization failure: try again
        (wrapped(DBAPIError, "57014"), "outage"),  # statement timeout
        (wrapped(DBAPIError, "53300"), "outage"),  # too many connections
        (wrapped(IntegrityError, "23505"), "refused"),
        (wrapped(DataError, "22001"), "refused"),  # value too long
        (wrapped(DBAPIError, "22021"), "refused"),  # NUL in text (asyncpg: plain Error)
        (
            StatementError("x", "SELECT", {}, UnicodeEncodeError("utf-8", "\ud800", 0, 1, "x")),
            "refused",
        ),
        (ValueError("naive datetime"), "refused"),
        (wrapped(ProgrammingError, "42P01"), "unknown"),  # no such table: retried
        (RuntimeError("a bug"), "unknown"),
    ],
)
def test_classify(error: BaseException, failure: Failure) -> None:
    assert classify(error) == failure


def test_an_invalidated_connection_is_an_outage_whatever_the_error() -> None:
    error = DBAPIError("SELECT 1", {}, DriverError("23505"), connection_invalidated=True)
    assert classify(error) == "outage"


def test_the_reason_names_the_error_never_the_data() -> None:
    text = reason(wrapped(IntegrityError, "23505"))
    assert text == "IntegrityError: DriverError: SQLSTATE 23505"
    assert "jane" not in text
