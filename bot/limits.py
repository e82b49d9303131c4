"""What a message must look like before anything parses it: one place for the limits that the
public gateway (bot/web) and our Rasa launcher (scripts/rasa_serve.py) both enforce, and for
how much of a message NLU reads.

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

# Most tokens of one message that NLU reads (scripts/rasa_serve.py): the rest is kept (the
# transcript, the rep's view, the normalizers' reading of an answer) but not parsed. NLU's
# cost is per token (spaCy, the featurizers, DIET, whose attention grows with their square),
# and 2,000 characters hold from ~400 tokens of prose to 2,000 of "!!!": measured at the cap,
# 1.2 s for the densest text held Rasa's one event loop. A paragraph of prose is ~400 tokens.
# At 256 a 2,000-character paragraph took 204 ms (`scripts/bench.sh --long-messages-only`),
# over the 200 ms target; 192 tokens are still some 900 characters of prose, more than any
# answer the bot asks for, and the normalizers read the whole answer anyway.
MAX_MESSAGE_TOKENS_ENV = "LEADBOT_MAX_MESSAGE_TOKENS"
DEFAULT_MAX_MESSAGE_TOKENS = 192

# What counts as a token here: what spaCy makes one of, about. A run of word characters,
# any other non-space character, and white space other than one plain space (spaCy keeps
# "  " or a line break as a token of its own). spaCy keeps a few runs whole ("jane@acme.io",
# "...") and splits a few words in two ("cannot"), so NLU sees at most about twice this many.
TOKEN = re.compile(r"\w+|[^\w\s]|\s{2,}|[^\S ]")

# A conversation (Rasa sender) id: short and printable, as the ids we make are (uuids, the
# gateway's ids, tests' readable ids). Rasa writes it verbatim into its tracker store, where
# a lone surrogate or a NUL is a database error.
CONVERSATION_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")


def max_message_chars(env: Mapping[str, str]) -> int:
    """LEADBOT_MAX_MESSAGE_CHARS from `env`, or the default; ValueError names a bad value."""
    return _positive_int(env, MAX_MESSAGE_CHARS_ENV, DEFAULT_MAX_MESSAGE_CHARS)


def _positive_int(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if value < 1:
        raise ValueError(f"{name} must be a positive integer, got {raw!r}")
    return value


def max_message_tokens(env: Mapping[str, str]) -> int:
    """LEADBOT_MAX_MESSAGE_TOKENS from `env`, or the default; ValueError names a bad value."""
    return _positive_int(env, MAX_MESSAGE_TOKENS_ENV, DEFAULT_MAX_MESSAGE_TOKENS)


def considered_text(text: str, max_tokens: int) -> str:
    """The beginning of `text` that holds its first `max_tokens` tokens (all of it when it
    has no more): a prefix, so a position in it is the same position in `text`. Reads no
    further than one token past the bound."""
    end = 0
    for count, token in enumerate(TOKEN.finditer(text)):
        if count == max_tokens:
            return text[:end]
        end = token.end()
    return text


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
