"""scripts/rasa_serve.py validates action-server responses exactly as Rasa does, with the
schema compiled once. Runs in the rasa environment (a subprocess: rasa isn't importable here)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
RASA_PY = ROOT / ".venv" / "rasa" / "bin" / "python"

CHECK = r"""
import sys, runpy
sys.argv = ["x"]
module = runpy.run_path("scripts/rasa_serve.py", run_name="rasa_serve")
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction
validate = module["_validate_action_result"]
good = {"events": [{"event": "slot", "name": "budget", "value": "50k"}],
        "responses": [{"response": "utter_ask_budget"}]}
assert validate(None, good) is True
bad_payloads = (
    {"events": "not a list"},
    {"responses": ["not an object"]},
    {"events": [{"event": "slot"}]},
)
for bad in bad_payloads:
    try:
        validate(None, bad)
    except ValidationError as error:
        assert "Failed to validate Action server response" in error.message
        # Rasa's own check agrees that it is invalid
        try:
            RemoteAction._validate_action_result(RemoteAction, bad)
        except ValidationError:
            pass
        else:
            raise AssertionError("rasa accepted what we refused")
    else:
        raise AssertionError(f"accepted {bad}")
print("ok")
"""


@pytest.mark.skipif(not RASA_PY.exists(), reason="no rasa environment: run `make setup`")
def test_the_compiled_validator_accepts_and_refuses_what_rasa_does() -> None:
    result = subprocess.run(
        [str(RASA_PY), "-c", CHECK],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip().endswith("ok")
