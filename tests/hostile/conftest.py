"""The hostile-input run uses the web tests' app fixtures (tests/web/conftest.py)."""

from __future__ import annotations

from tests.web.conftest import (  # noqa: F401  (pytest fixtures)
    database_url,
    make_settings,
    postgres_database,
    postgres_url,
    sqlite_url,
    start_app,
)
