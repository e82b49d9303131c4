"""scripts/rasa_serve.py validates action-server responses exactly as Rasa does, with the
schema compiled once and each event checked against its own shape. Runs in the rasa
environment (a subprocess: rasa isn't importable here)."""

from __future__ import annotations

from tests.support.rasa_env import needs_rasa_env, run_ok

CHECK = r"""
import sys, runpy
sys.argv = ["x"]
module = runpy.run_path("scripts/rasa_serve.py", run_name="rasa_serve")
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction
validate = module["_validate_action_result"]
surely_valid = module["_surely_valid"]
assert module["_validators_by_event"]() is not None, "Rasa's event schema changed shape"

def rasa_accepts(payload):
    try:
        RemoteAction._validate_action_result(RemoteAction, payload)
    except ValidationError:
        return False
    return True

good_payloads = (
    {"events": [{"event": "slot", "name": "budget", "value": "50k"}],
     "responses": [{"response": "utter_ask_budget"}]},
    {"events": [
        {"event": "slot", "timestamp": None, "name": "budget_detail",
         "value": {"amount": 50000.0, "currency": "USD"}},
        {"event": "slot", "name": "requested_slot", "value": None},
        {"event": "active_loop", "name": None},
        {"event": "bot", "text": "hi", "data": {}, "metadata": {}},
        {"event": "followup", "name": "action_listen"},
        {"event": "reset_slots"},
        {"event": "action", "name": "utter_greet", "policy": None, "confidence": 1.0},
        {"event": "user", "text": "hi", "parse_data": {}, "metadata": {}},
    ], "responses": []},
    {},
)
bad_payloads = (
    {"events": "not a list"},
    {"responses": ["not an object"]},
    {"events": [{"event": "slot"}]},
    {"events": [{"event": "no_such_event"}]},
    {"events": [{"event": "slot", "name": "budget", "value": 1, "timestamp": "noon"}]},
    {"events": [{"name": "budget", "value": 1}]},
)
for good in good_payloads:
    assert rasa_accepts(good), good
    assert surely_valid(good), f"the shortcut refused {good}"
    assert validate(None, good) is True
for bad in bad_payloads:
    assert not rasa_accepts(bad), bad
    assert not surely_valid(bad), f"the shortcut accepted {bad}"
    try:
        validate(None, bad)
    except ValidationError as error:
        assert "Failed to validate Action server response" in error.message
    else:
        raise AssertionError(f"accepted {bad}")
print("ok")
"""


@needs_rasa_env
def test_the_compiled_validator_accepts_and_refuses_what_rasa_does() -> None:
    run_ok("-c", CHECK, timeout=300)
