"""The fault suite: real PostgreSQL (and SQLite), real processes, real file locks.

The web app fixtures are the web tests' own (tests/web/conftest.py).
"""

from __future__ import annotations

from tests.web.conftest import (  # noqa: F401  (pytest fixtures)
    database_url,
    make_settings,
    postgres_database,
    postgres_url,
    sqlite_url,
    start_app,
)
