"""Runs a check inside the rasa environment, where rasa and spaCy are importable (pytest
runs in the app environment). A check prints "ok" last when it passes."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
RASA_PY = ROOT / ".venv" / "rasa" / "bin" / "python"

needs_rasa_env = pytest.mark.skipif(
    not RASA_PY.exists(), reason="no rasa environment: run `make setup`"
)


def run_ok(*args: str, timeout: float = 600, env: dict[str, str] | None = None) -> None:
    """`python ARGS...` in the rasa environment from the project root; fails the test with
    the end of its output unless it exits 0 and prints "ok" last."""
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2", PYTHONWARNINGS="ignore", **(env or {}))
    result = subprocess.run(
        [str(RASA_PY), *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=timeout,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.strip().endswith("ok"), result.stdout[-2000:]
