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

And two guards, so that one hostile request never takes the site's chat down:

- The door (`_guard_request`, a Sanic request middleware): a channel webhook's sender id
  must be a short printable id and its message a string no longer than
  LEADBOT_MAX_MESSAGE_CHARS (bot/limits.py, the same limit the public gateway enforces);
  `/model/parse` and `/conversations/<id>/messages` texts obey the same cap, and every
  `<conversation_id>` in a path must be such an id. Anything else is refused with a 4xx
  before NLU runs (a 100 KB message held Rasa's one event loop for seconds; a lone
  surrogate in a sender id stopped the process, see below). Bodies over 1 MB are refused
  by Sanic before they are read.
- The tracker store: Rasa 3.6's `SQLTrackerStore.session_scope` turns any `ValueError`
  raised inside a database session into `sys.exit` (it means "the PostgreSQL schema named
  by POSTGRESQL_SCHEMA is missing"), and drivers raise `ValueError` for data they refuse (a
  lone surrogate on SQLite, a NUL on PostgreSQL). Here only the schema check keeps that
  meaning; any other `ValueError` fails the one request: logged with the conversation id
  (never the text), answered 503.

And one bound on the work a message may cost: NLU reads at most LEADBOT_MAX_MESSAGE_TOKENS
tokens of it (bot/limits.py; `_bounded_parse`). Under the character cap a message still
ranged from ~400 tokens of prose to 2,000 of "!!!", and NLU's cost is per token (DIET's
attention per token squared): 1.2 s for the densest one, while every other visitor waited.
The message is kept whole (the tracker, the transcript, the actions reading the answer);
only its beginning is parsed, and its entities' positions hold in the whole text.

Runs in the rasa environment:

    .venv/rasa/bin/python scripts/rasa_serve.py run --model ... (any rasa arguments)
"""

from __future__ import annotations

import contextlib
import contextvars
import copy
import functools
import logging
import os
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # bot/limits.py: standard library only, shared with the gateway
    sys.path.insert(0, str(ROOT))

from bot.limits import (  # noqa: E402
    considered_text,
    has_lone_surrogate,
    is_conversation_id,
    max_message_chars,
    max_message_tokens,
)

logger = logging.getLogger("leadbot.rasa_serve")

# Sanic refuses larger bodies (413) before reading them. A message at the cap, each
# character escaped as \uXXXX, plus page-context metadata fits many times over.
MAX_BODY_BYTES = 1_000_000


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


# --- The door --------------------------------------------------------------------------

_CHANNEL_WEBHOOK = re.compile(r"/webhooks/[^/]{1,64}/webhook")
# HTTP API endpoints (token-protected) whose JSON body carries a text for NLU.
_TEXT_ENDPOINTS = re.compile(r"/model/parse|/conversations/[^/]{1,200}/messages")
_ID_RULE = "1-128 letters, digits, '.', '_', ':' or '-'"


@dataclass(frozen=True)
class Refusal:
    """Why a request is refused, without echoing any of it (it may hold personal data)."""

    status: int
    reason: str


def check_channel_message(body: Any, limit: int) -> Refusal | None:
    """A channel webhook's body (REST: sender, message, metadata, input_channel)."""
    if not isinstance(body, dict):
        return Refusal(400, "the body must be a JSON object")
    sender = body.get("sender")
    if sender is not None and not is_conversation_id(sender):
        return Refusal(400, f"sender must be {_ID_RULE}")
    refused = check_text(body.get("message"), limit, "message")
    if refused is not None:
        return refused
    channel = body.get("input_channel")
    if channel is not None and not is_conversation_id(channel):
        return Refusal(400, f"input_channel must be {_ID_RULE}")
    metadata = body.get("metadata")
    if metadata is not None and not isinstance(metadata, dict):
        return Refusal(400, "metadata must be a JSON object")
    return None


def check_text(text: Any, limit: int, field: str) -> Refusal | None:
    """A visitor's text: a string of at most `limit` characters, valid Unicode."""
    if not isinstance(text, str):
        return Refusal(400, f"{field} must be a string")
    if len(text) > limit:
        return Refusal(413, f"{field} longer than {limit} characters")
    if has_lone_surrogate(text):
        return Refusal(400, f"{field} is not valid Unicode text")
    return None


def check_request(
    method: str, path: str, match_info: dict[str, Any], body: Any, limit: int
) -> Refusal | None:
    """The whole door: None lets the request through to Rasa."""
    conversation_id = match_info.get("conversation_id")
    if conversation_id is not None and not is_conversation_id(conversation_id):
        return Refusal(400, f"the conversation id must be {_ID_RULE}")
    if method != "POST":
        return None
    if _CHANNEL_WEBHOOK.fullmatch(path):
        return check_channel_message(body, limit)
    if _TEXT_ENDPOINTS.fullmatch(path):
        if not isinstance(body, dict):
            return Refusal(400, "the body must be a JSON object")
        return check_text(body.get("text"), limit, "text")
    return None


def _needs_body(method: str, path: str) -> bool:
    return method == "POST" and bool(
        _CHANNEL_WEBHOOK.fullmatch(path) or _TEXT_ENDPOINTS.fullmatch(path)
    )


# --- The tracker store -----------------------------------------------------------------

# The failures of this request's tracker store sessions (a list set per request, shared
# with whatever task serves it).
_store_failures: contextvars.ContextVar[list[str] | None] = contextvars.ContextVar(
    "leadbot_store_failures", default=None
)
_conversation: contextvars.ContextVar[str] = contextvars.ContextVar(
    "leadbot_conversation", default="?"
)


class TrackerStoreDataError(Exception):
    """The database refused this conversation's data (the driver's ValueError)."""


@contextlib.contextmanager
def _session_scope(self: Any) -> Iterator[Any]:
    """SQLTrackerStore.session_scope, with Rasa's exit kept for its own meaning only."""
    from rasa.core.tracker_store import ensure_schema_exists
    from rasa.shared.utils.cli import print_error_and_exit

    session = self.sessionmaker()
    try:
        try:
            ensure_schema_exists(session)
        except ValueError as error:  # the schema named by POSTGRESQL_SCHEMA is missing
            print_error_and_exit(
                f"Requested PostgreSQL schema '{error}' was not found in the database. To "
                f"continue, please create the schema by running 'CREATE DATABASE {error};' "
                f"or unset the 'POSTGRESQL_SCHEMA' environment variable in order to "
                f"use the default schema. Exiting application."
            )
        try:
            yield session
        except ValueError as error:
            conversation = _conversation.get()
            logger.error(
                "tracker store refused conversation %s: %s (this request fails, the server "
                "goes on)",
                conversation,
                type(error).__name__,
            )
            failures = _store_failures.get()
            if failures is not None:
                failures.append(type(error).__name__)
            raise TrackerStoreDataError(type(error).__name__) from None
    finally:
        session.close()


# --- The bound on NLU's work ------------------------------------------------------------


def _bounded_parse(original: Any, max_tokens: int) -> Any:
    """MessageProcessor._parse_message_with_graph reading at most `max_tokens` tokens of the
    message (every caller: channels, /model/parse, /conversations/<id>/messages). The parse
    result keeps the whole text, as an unbounded parse would."""

    def parse_message_with_graph(
        self: Any, message: Any, tracker: Any, only_output_properties: bool = True
    ) -> Any:
        text = message.text
        considered = considered_text(text, max_tokens) if isinstance(text, str) else text
        if len(considered) == len(text):
            return original(self, message, tracker, only_output_properties)
        bounded = copy.copy(message)
        bounded.text = considered
        parse_data = original(self, bounded, tracker, only_output_properties)
        parse_data["text"] = text
        logger.info(
            "NLU read the first %d of %d characters of a message in conversation %s "
            "(LEADBOT_MAX_MESSAGE_TOKENS=%d)",
            len(considered),
            len(text),
            getattr(message, "sender_id", "?"),
            max_tokens,
        )
        return parse_data

    return parse_message_with_graph


# --- Wiring into Rasa's Sanic app ------------------------------------------------------


def _json_response(status: int, reason: str) -> Any:
    from sanic import response

    return response.json({"error": reason}, status=status)


def _install_guards(app: Any, limit: int) -> None:
    app.config.REQUEST_MAX_SIZE = MAX_BODY_BYTES

    async def guard_request(request: Any) -> Any:
        _store_failures.set([])
        method, path = request.method, request.path
        body = request.json if _needs_body(method, path) else None
        match_info = dict(request.match_info or {})
        refused = check_request(method, path, match_info, body, limit)
        if refused is not None:
            return _json_response(refused.status, refused.reason)
        sender = body.get("sender") if isinstance(body, dict) else None
        _conversation.set(str(match_info.get("conversation_id") or sender or "default"))
        return None

    async def report_store_failure(request: Any, response: Any) -> Any:
        if _store_failures.get():
            return _json_response(
                503, "the conversation store refused this request; the server goes on"
            )
        return None

    app.register_middleware(guard_request, "request")
    app.register_middleware(report_store_failure, "response")


def _redact_text(logger_: Any, method: str, event: dict[str, Any]) -> dict[str, Any]:
    """structlog processor: Rasa's REST channel logs the visitor's text with any failure
    ("rest.message.received.failure"); keep its length only."""
    if event.get("event", "").startswith("rest.message.received") and "text" in event:
        text = event["text"]
        event["text"] = f"<{len(text)} characters>" if isinstance(text, str) else "<not text>"
    return event


def _patched_configure_app(original: Any, limit: int) -> Any:
    def configure_app(*args: Any, **kwargs: Any) -> Any:
        import structlog

        app = original(*args, **kwargs)
        _install_guards(app, limit)
        processors = list(structlog.get_config().get("processors", []))
        structlog.configure(processors=[_redact_text, *processors])
        return app

    return configure_app


def install(limit: int, max_tokens: int) -> None:
    """Our fixes and guards into Rasa (imported here: the rasa environment only)."""
    import rasa.core.run
    from rasa.core.actions.action import RemoteAction
    from rasa.core.processor import MessageProcessor
    from rasa.core.tracker_store import SQLTrackerStore

    RemoteAction._validate_action_result = _validate_action_result  # type: ignore[method-assign]
    SQLTrackerStore.session_scope = _session_scope  # type: ignore[assignment]
    MessageProcessor._parse_message_with_graph = _bounded_parse(  # type: ignore[method-assign]
        MessageProcessor._parse_message_with_graph, max_tokens
    )
    rasa.core.run.configure_app = _patched_configure_app(rasa.core.run.configure_app, limit)


def main() -> None:
    try:
        limit = max_message_chars(os.environ)
        max_tokens = max_message_tokens(os.environ)
    except ValueError as error:
        sys.exit(f"error: {error}")

    from rasa.__main__ import main as rasa_main

    install(limit, max_tokens)
    sys.argv = ["rasa", *sys.argv[1:]]
    rasa_main()


if __name__ == "__main__":
    main()
