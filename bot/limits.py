"""What a message must look like before anything parses it: one place for the limits that the
public gateway (bot/web) and our Rasa launcher (scripts/rasa_serve.py) both enforce.

Standard library only and no other bot module: the Rasa launcher imports this file in the
rasa environment, where nothing else of the app is installed.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

# Longest visitor message, in characters (Python `len`), that reaches NLU. Every answer the
# bot asks for fits in a few hundred; NLU's cost grows with the length (spaCy, DIET's
# attention), and Rasa answers one message at a time per process.
MAX_MESSAGE_CHARS_ENV = "LEADBOT_MAX_MESSAGE_CHARS"
DEFAULT_MAX_MESSAGE_CHARS = 2000

# A conversation (Rasa sender) id: short and printable, as the ids we make are (uuids, the
# gateway's ids, tests' readable ids). Rasa writes it verbatim into its tracker store, where
# a lone surrogate or a NUL is a database error.
CONVERSATION_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")


def max_message_chars(env: Mapping[str, str]) -> int:
    """LEADBOT_MAX_MESSAGE_CHARS from `env`, or the default; ValueError names a bad value."""
    raw = env.get(MAX_MESSAGE_CHARS_ENV, "").strip()
    if not raw:
        return DEFAULT_MAX_MESSAGE_CHARS
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if value < 1:
        raise ValueError(f"{MAX_MESSAGE_CHARS_ENV} must be a positive integer, got {raw!r}")
    return value


def is_conversation_id(value: object) -> bool:
    """True for a string made of 1-128 letters, digits, '.', '_', ':' or '-'."""
    return isinstance(value, str) and CONVERSATION_ID.fullmatch(value) is not None


def has_lone_surrogate(text: str) -> bool:
    """True if `text` cannot be encoded as UTF-8 (a JSON "\\ud800" escape decodes to one)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False
