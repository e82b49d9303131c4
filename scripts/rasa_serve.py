"""`rasa` with one fix: action-server responses are validated by a schema compiled once.

Rasa 3.6's RemoteAction calls `jsonschema.validate(result, schema)` on every call to the
action server, which re-checks the schema itself against the JSON Schema meta-schema each
time: about 15 ms of CPU per action call, measured by `make bench` (Rasa serves turns on
one core, so that is ~20 % of Leadbot's turn cost). Every response is still validated
against the same schema, with the same error. Runs in the rasa environment:

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


def _validate_action_result(self: Any, result: dict[str, Any]) -> bool:
    from jsonschema.exceptions import best_match
    from rasa.shared.constants import DOCS_BASE_URL

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
