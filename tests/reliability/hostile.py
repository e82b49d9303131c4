"""Hostile requests for Rasa's REST channel: seeded, so a failing run can be replayed.

Each request is (description, raw body bytes, content type). The kinds cover what a
browser, a script or a fuzzer can send: unicode edge cases (lone surrogates, NUL and other
control characters, bidi overrides, zero-width and combining runs, noncharacters, astral
emoji), bodies too large, malformed JSON, wrong types, deep nesting, and odd but valid
messages (injection strings, long words, email-like runs without an '@') that go through
NLU and the actions.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from bot.limits import DEFAULT_MAX_MESSAGE_CHARS


@dataclass(frozen=True)
class Hostile:
    kind: str
    body: bytes
    content_type: str = "application/json"


EDGE_TEXTS = (
    "\ud800",
    "\udfff\ud800",
    "a\x00b",
    "\x00" * 50,
    "".join(chr(c) for c in range(32)),
    "\x7f\x80\x9f",
    "\u202e gnp.exe \u202c",
    "\u200b\u200c\u200d\ufeff" * 40,
    "e" + "\u0301" * 500,
    "\ufffe\uffff\U0010ffff",
    "\U0001f600" * 300,
    "'; DROP TABLE events; --",
    '=HYPERLINK("http://evil")',
    "{{7*7}} ${7*7} <script>alert(1)</script>",
    "../../etc/passwd",
    "john.smith." * 150,
    "a" * DEFAULT_MAX_MESSAGE_CHARS,
    "x@" * (DEFAULT_MAX_MESSAGE_CHARS // 2),
    " " * DEFAULT_MAX_MESSAGE_CHARS,
    "1," * (DEFAULT_MAX_MESSAGE_CHARS // 2),
    "I'm the CTO " * 150,
    "my budget is " + "9" * 1500,
)
WRONG_TYPES: tuple[Any, ...] = (None, 0, -1, 1e308, True, [], ["hi"], {}, {"text": "hi"}, 2**70)


def _sender(rng: random.Random) -> str:
    return f"hostile-{rng.getrandbits(40):010x}"


def _json(value: Any) -> bytes:
    return json.dumps(value).encode()


def _generators() -> list[Callable[[random.Random], Hostile]]:
    def edge_message(rng: random.Random) -> Hostile:
        text = rng.choice(EDGE_TEXTS)
        return Hostile("edge message", _json({"sender": _sender(rng), "message": text}))

    def edge_sender(rng: random.Random) -> Hostile:
        sender = rng.choice(EDGE_TEXTS)[: rng.choice((1, 10, 200, 5000))]
        return Hostile("edge sender", _json({"sender": sender, "message": "hi"}))

    def edge_metadata(rng: random.Random) -> Hostile:
        metadata = {rng.choice(EDGE_TEXTS)[:30]: rng.choice(EDGE_TEXTS) for _ in range(3)}
        body = {"sender": _sender(rng), "message": "hi", "metadata": metadata}
        return Hostile("edge metadata", _json(body))

    def wrong_types(rng: random.Random) -> Hostile:
        body: dict[str, Any] = {"sender": _sender(rng), "message": "hi"}
        field = rng.choice(("sender", "message", "metadata", "input_channel"))
        wrong = [
            value
            for value in WRONG_TYPES
            if not (field == "metadata" and isinstance(value, dict))
            and not (field != "message" and value is None)
        ]
        body[field] = rng.choice(wrong)
        return Hostile("wrong types", _json(body))

    def not_an_object(rng: random.Random) -> Hostile:
        return Hostile("not an object", _json(rng.choice(WRONG_TYPES)))

    def malformed(rng: random.Random) -> Hostile:
        good = _json({"sender": _sender(rng), "message": "hi"})
        choices = (
            good[: rng.randrange(1, len(good))],
            b"\xff\xfe\x00garbage",
            b"",
            b"sender=a&message=hi",
            b'{"sender": "a", "message": "hi"',
            b'{"sender": "a", "message": "\\ud800\\u"}',
            b"[" * 5000 + b"]" * 5000,
            b'{"sender": "a", "message": "hi", "metadata": ' + b'{"a":' * 3000 + b"1" + b"}" * 3001,
            b"NaN",
            good.replace(b'"hi"', b"NaN"),
        )
        content_type = rng.choice(("application/json", "text/plain", "application/x-www-form"))
        return Hostile("malformed", rng.choice(choices), content_type)

    def too_long(rng: random.Random) -> Hostile:
        size = rng.choice((DEFAULT_MAX_MESSAGE_CHARS + 1, 20_000, 100_000))
        text = rng.choice(("a", "a.", "lorem ipsum ", "\U0001f600"))
        message = (text * size)[:size]
        return Hostile("too long", _json({"sender": _sender(rng), "message": message}))

    def huge_body(rng: random.Random) -> Hostile:
        metadata = {"blob": "x" * rng.choice((500_000, 1_500_000))}
        body = {"sender": _sender(rng), "message": "hi", "metadata": metadata}
        return Hostile("huge body", _json(body))

    def odd_conversation(rng: random.Random) -> Hostile:
        """Accepted by the door: goes through NLU and, in the form, the actions."""
        text = rng.choice(
            (
                "I'd like a demo",
                rng.choice(EDGE_TEXTS)[:300],
                "my email is " + rng.choice(EDGE_TEXTS)[:100] + "@example.org",
                "budget " + rng.choice(EDGE_TEXTS)[:200],
            )
        )
        return Hostile("odd message", _json({"sender": _sender(rng), "message": text}))

    # About one request in eight reaches NLU (edge messages, edge metadata, odd messages):
    # Rasa answers those one at a time, the door refuses the rest in milliseconds.
    weights: dict[Callable[[random.Random], Hostile], int] = {
        edge_message: 1, edge_metadata: 1, odd_conversation: 1,
        edge_sender: 4, wrong_types: 4, not_an_object: 2, malformed: 5, too_long: 4,
        huge_body: 1,
    }  # fmt: skip
    return [generator for generator, weight in weights.items() for _ in range(weight)]


def hostile_requests(seed: int) -> Iterator[Hostile]:
    """An endless, reproducible stream of hostile requests."""
    rng = random.Random(seed)
    generators = _generators()
    while True:
        yield rng.choice(generators)(rng)
