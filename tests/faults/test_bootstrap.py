"""`python -m bot.bootstrap` (the pre-start step of `make run`) says what is wrong in one
line and a status, never with a traceback: a database that can't be reached, or a URL that
is no database URL."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def bootstrap(database_url: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "LEADBOT_SPOOL_DIR": str(tmp_path / "spool"),
        "LEADBOT_MAIL_DIR": str(tmp_path / "mail"),
    }
    return subprocess.run(
        [sys.executable, "-m", "bot.bootstrap"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize(
    ("url", "status", "says"),
    [
        ("postgresql://postgres@127.0.0.1:1/test", 1, "unavailable"),  # nothing listens
        ("postgresql://postgres:s3cret@no-such-host.invalid/db", 1, "unavailable"),
        ("this is not a url", 2, "Could not parse"),
        ("mysql://someone@somewhere/db", 2, "unsupported database URL scheme 'mysql'"),
    ],
)
def test_a_bad_database_is_one_line(url: str, status: int, says: str, tmp_path: Path) -> None:
    result = bootstrap(url, tmp_path)
    assert result.returncode == status
    assert "Traceback" not in result.stderr
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("error: ")
    assert says in line
    assert "s3cret" not in line  # a password is never printed


@pytest.mark.postgres
def test_a_missing_postgres_database_is_one_line(tmp_path: Path) -> None:
    result = bootstrap("postgresql://postgres@127.0.0.1:5432/leadbot_no_such_db", tmp_path)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    [line] = result.stderr.strip().splitlines()
    assert "leadbot_no_such_db" in line
