"""`rasa` with one fix: action-server responses are validated by a schema compiled once.

Rasa 3.6's RemoteAction calls `jsonschema.validate(result, schema)` on every call to the
action server, which re-checks the schema itself against the JSON Schema meta-schema each
time: about 15 ms of CPU per action call, measured by `make bench` (Rasa serves turns on
one core, so that is ~20 % of Leadbot's turn cost). Even with the schema checked once,
jsonschema takes ~1.7 ms a response: each event is tried against all 23 event shapes of
the schema's `oneOf`. Those shapes are told apart by the constant `event` name, so each
event is checked against its own shape only (the same jsonschema rules, a tenth of the
time); a response that fails goes through the whole schema, which words the error
exactly as Rasa does. Runs in the rasa environment:

    .venv/rasa/bin/python scripts/rasa_serve.py run --model ... (any rasa arguments)
"""

from __future__ import annotations

import functools
import sys
from typing import Any


@functools.cache
def _response_validator() -> Any:
    from jsonschema.validators import validator_for
    from rasa.core.actions.action import RemoteAction

    schema = RemoteAction.action_response_format_spec()
    cls = validator_for(schema)
    cls.check_schema(schema)  # once, instead of once per action call
    return cls(schema)


@functools.cache
def _validators_by_event() -> tuple[Any, dict[str, Any]] | None:
    """The response schema with its events left open, and one validator per event name
    (the common event rules plus that name's shape). None if the `oneOf` is not told apart
    by a distinct constant `event` in every shape: then there is no shortcut."""
    from jsonschema.validators import validator_for
    from rasa.core.actions.action import RemoteAction

    spec = RemoteAction.action_response_format_spec()
    event_schema = spec["properties"]["events"]["items"]
    common = {key: value for key, value in event_schema.items() if key != "oneOf"}
    by_name: dict[str, Any] = {}
    for shape in event_schema.get("oneOf", []):
        name = shape.get("properties", {}).get("event", {}).get("const")
        if not isinstance(name, str) or name in by_name:
            return None
        schema = {"allOf": [common, shape]}
        by_name[name] = validator_for(schema)(schema)
    if not by_name:
        return None
    outer = {**spec, "properties": {**spec["properties"], "events": {"type": "array"}}}
    return validator_for(outer)(outer), by_name


def _surely_valid(result: Any) -> bool:
    """True only if Rasa's schema accepts `result`; False means "ask the whole schema"."""
    validators = _validators_by_event()
    if validators is None:
        return False
    outer, by_name = validators
    if not outer.is_valid(result):
        return False
    for event in result.get("events", []):
        name = event.get("event") if isinstance(event, dict) else None
        validator = by_name.get(name) if isinstance(name, str) else None
        if validator is None or not validator.is_valid(event):
            return False
    return True


def _validate_action_result(self: Any, result: dict[str, Any]) -> bool:
    from jsonschema.exceptions import best_match
    from rasa.shared.constants import DOCS_BASE_URL

    if _surely_valid(result):
        return True
    # Refused, or no shortcut: the whole schema decides and words the error.
    error = best_match(_response_validator().iter_errors(result))
    if error is None:
        return True
    error.message += (
        ". Failed to validate Action server response from API, make sure your response "
        f"from the Action endpoint is valid. For more information about the format visit "
        f"{DOCS_BASE_URL}/custom-actions"
    )
    raise error


def main() -> None:
    from rasa.__main__ import main as rasa_main
    from rasa.core.actions.action import RemoteAction

    RemoteAction._validate_action_result = _validate_action_result  # type: ignore[method-assign]
    sys.argv = ["rasa", *sys.argv[1:]]
    rasa_main()


if __name__ == "__main__":
    main()
