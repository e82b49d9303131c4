"""`python -m bot.web`: a clear one-line refusal for bad configuration, else it serves."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from .conftest import TOKEN, UNREACHABLE_DATABASE

ROOT = Path(__file__).resolve().parents[2]


def _env(tmp_path: Path, **values: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LEADBOT_", "RASA_"))}
    env.pop("DATABASE_URL", None)
    env.update(
        DATABASE_URL=f"sqlite:///{tmp_path}/leadbot.db",
        RASA_TRACKER_URL=f"sqlite:///{tmp_path}/rasa_tracker.db",
        LEADBOT_SPOOL_DIR=str(tmp_path / "spool"),
        LEADBOT_MAIL_DIR=str(tmp_path / "mail"),
        LEADBOT_API_TOKEN=TOKEN,
    )
    env.update(values)
    return env


def _run(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot.web"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_production_without_a_token_refuses_to_start(tmp_path: Path) -> None:
    env = _env(tmp_path, LEADBOT_ENV="production", RASA_TOKEN="r" * 32)
    del env["LEADBOT_API_TOKEN"]
    result = _run(env)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "error: LEADBOT_API_TOKEN must be set in production (a random secret)"
    ]


def test_production_with_a_placeholder_token_refuses_to_start(tmp_path: Path) -> None:
    env = _env(
        tmp_path, LEADBOT_ENV="production", RASA_TOKEN="r" * 32, LEADBOT_API_TOKEN="changeme"
    )
    result = _run(env)
    assert result.returncode == 2
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("error: LEADBOT_API_TOKEN must be a random secret")


def test_a_broken_rubric_refuses_to_start_naming_the_file(tmp_path: Path) -> None:
    rubric = tmp_path / "scoring.yml"
    rubric.write_text("version: 1\nrubric_version: one\n")
    result = _run(_env(tmp_path, LEADBOT_SCORING_FILE=str(rubric)))
    assert result.returncode == 2
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith(f"error: {rubric}")


def test_an_unreachable_database_refuses_to_start(tmp_path: Path) -> None:
    result = _run(_env(tmp_path, DATABASE_URL=UNREACHABLE_DATABASE))
    assert result.returncode == 1
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("error: database postgresql://postgres@127.0.0.1:1/test unavailable")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_it_migrates_and_serves(tmp_path: Path) -> None:
    port = _free_port()
    env = _env(tmp_path, LEADBOT_HOST="127.0.0.1", LEADBOT_PORT=str(port))
    process = subprocess.Popen(
        [sys.executable, "-m", "bot.web"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                    assert json.load(r) == {"status": "ok", "database": "ok"}
                    break
            except (urllib.error.URLError, ConnectionError):
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"bot.web did not come up:\n{process.communicate()[0]}")
                time.sleep(0.1)
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/api/leads?email=jane@acme.io",
            headers={"Authorization": f"Bearer {TOKEN}"},
        )
        with urllib.request.urlopen(request, timeout=5) as r:
            assert json.load(r)["total"] == 0
    finally:
        process.send_signal(signal.SIGINT)
        output = process.communicate(timeout=30)[0]
    assert process.returncode == 0, output
    # The access log names routes, never an email address from a path or a query.
    assert "GET /api/leads 200" in output
    assert "jane@acme.io" not in output
