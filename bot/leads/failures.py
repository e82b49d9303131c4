"""Why the lead store did not take a lead: an outage (try again later) or the lead itself.

The two call for opposite answers. A database that is down or slow comes back: the lead is
spooled and delivered later, and a drain stops at the first outage (the next file would
fail the same way). A lead the database refuses for its content (a constraint, a value it
cannot store) fails the same way on every retry: it goes to the quarantine with the reason,
an administrator is told, and the drain goes on past it. Anything else (a missing table, a
bug) is neither: the lead is kept where it is and retried, without blocking the others.
"""

from __future__ import annotations

import asyncio
from typing import Literal

from sqlalchemy.exc import (
    DataError,
    DBAPIError,
    DisconnectionError,
    IntegrityError,
    InterfaceError,
    OperationalError,
    StatementError,
)
from sqlalchemy.exc import TimeoutError as PoolTimeoutError

Failure = Literal["outage", "refused", "unknown"]

# What a database (or its network) being down looks like: the driver's and the network's
# errors. SQLite's "database is locked" and PostgreSQL's "too many connections" are here too:
# both pass.
OUTAGE: tuple[type[BaseException], ...] = (
    OperationalError,
    InterfaceError,
    DisconnectionError,
    PoolTimeoutError,
    OSError,
    TimeoutError,
    asyncio.TimeoutError,
)
# The database (or the driver, encoding the value) refused this lead's content.
REFUSED: tuple[type[BaseException], ...] = (IntegrityError, DataError)
_CONTENT_ERRORS: tuple[type[BaseException], ...] = (ValueError, TypeError, OverflowError)


# SQLSTATE classes (PostgreSQL; asyncpg reports some of them only as a plain DBAPIError):
# 22 data exception (a NUL in text: 22021), 23 integrity constraint violation;
# 08 connection exception, 40 rollback (serialization, deadlock), 53 insufficient
# resources, 57 operator intervention (shutdown, statement timeout).
_REFUSED_CLASSES = frozenset({"22", "23"})
_OUTAGE_CLASSES = frozenset({"08", "40", "53", "57"})


def classify(error: BaseException) -> Failure:
    if isinstance(error, DBAPIError) and error.connection_invalidated:
        return "outage"
    code = _sqlstate(error)
    if code is not None and code[:2] in _OUTAGE_CLASSES:
        return "outage"
    if code is not None and code[:2] in _REFUSED_CLASSES:
        return "refused"
    if isinstance(error, OUTAGE):
        return "outage"
    if isinstance(error, REFUSED):
        return "refused"
    if isinstance(error, StatementError) and isinstance(error.orig, _CONTENT_ERRORS):
        return "refused"  # a value SQLAlchemy or the driver could not convert
    if isinstance(error, _CONTENT_ERRORS):
        return "refused"
    return "unknown"


def reason(error: BaseException) -> str:
    """The failure in words without the data: the error's class and SQLSTATE, never its
    message (PostgreSQL's quote the refused value: an email address, a transcript)."""
    names = [type(error).__name__]
    original = getattr(error, "orig", None)
    if original is not None:
        names.append(type(original).__name__)
    code = _sqlstate(error)
    if code is not None:
        names.append(f"SQLSTATE {code}")
    return ": ".join(names)


def _sqlstate(error: BaseException) -> str | None:
    """The SQLSTATE of a database error, wherever the driver keeps it."""
    original = getattr(error, "orig", None)
    for source in (original, getattr(original, "__cause__", None)):
        code = getattr(source, "sqlstate", None) or getattr(source, "pgcode", None)
        if isinstance(code, str) and len(code) == 5:
            return code
    return None
