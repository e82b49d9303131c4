"""The door of scripts/rasa_serve.py: what reaches Rasa's NLU and tracker store. The checks
are plain functions (the script imports rasa only when it runs), tested here directly."""

from __future__ import annotations

import runpy
from pathlib import Path
from typing import Any

import pytest

from bot.limits import (
    DEFAULT_MAX_MESSAGE_CHARS,
    DEFAULT_MAX_MESSAGE_TOKENS,
    TOKEN,
    considered_text,
    max_message_chars,
    max_message_tokens,
)

ROOT = Path(__file__).resolve().parents[2]
DOOR = runpy.run_path(str(ROOT / "scripts" / "rasa_serve.py"), run_name="rasa_serve")
LIMIT = 2000
WEBHOOK = "/webhooks/rest/webhook"


def check(body: Any, path: str = WEBHOOK, match_info: dict[str, Any] | None = None) -> Any:
    return DOOR["check_request"]("POST", path, match_info or {}, body, LIMIT)


@pytest.mark.parametrize(
    "sender",
    ["test-0a1b2c3d4e5f", "3f2504e0-4f89-11d3-9a0c-0305e82c3301", "w:abc.DEF_1", "x" * 128],
)
def test_ids_we_make_pass(sender: str) -> None:
    assert check({"sender": sender, "message": "hi", "metadata": {"page_url": "/"}}) is None


def test_a_message_at_the_limit_passes_and_a_missing_sender_is_rasas_default() -> None:
    assert check({"sender": "a", "message": "x" * LIMIT}) is None
    assert check({"message": "hi"}) is None


@pytest.mark.parametrize(
    "sender",
    ["\ud800", "a\x00b", "", "x" * 129, "a b", "é", "a/b", "<script>", 7, ["a"], {"a": 1}],
)
def test_a_sender_that_is_not_a_short_printable_id_is_refused(sender: Any) -> None:
    refused = check({"sender": sender, "message": "hi"})
    assert refused is not None
    assert refused.status == 400
    assert "sender" in refused.reason


def test_a_long_message_is_refused_with_413_before_nlu() -> None:
    refused = check({"sender": "a", "message": "x" * (LIMIT + 1)})
    assert refused is not None
    assert refused.status == 413
    assert str(LIMIT) in refused.reason


@pytest.mark.parametrize(
    ("body", "word"),
    [
        ([], "object"),
        ("hi", "object"),
        (None, "object"),
        ({"sender": "a"}, "message"),
        ({"sender": "a", "message": 5}, "message"),
        ({"sender": "a", "message": None}, "message"),
        ({"sender": "a", "message": "hi \ud83d"}, "Unicode"),
        ({"sender": "a", "message": "hi", "metadata": "x"}, "metadata"),
        ({"sender": "a", "message": "hi", "input_channel": {"x": 1}}, "input_channel"),
    ],
)
def test_malformed_bodies_are_refused_without_echoing_them(body: Any, word: str) -> None:
    refused = check(body)
    assert refused is not None
    assert refused.status == 400
    assert word in refused.reason
    assert "\ud83d" not in refused.reason


def test_the_http_api_obeys_the_same_limits() -> None:
    assert check({"text": "hi"}, "/model/parse") is None
    assert check({"text": "x" * (LIMIT + 1)}, "/model/parse").status == 413
    path = "/conversations/abc/messages"
    assert check({"text": "hi", "sender": "user"}, path, {"conversation_id": "abc"}) is None
    refused = DOOR["check_request"](
        "GET", "/conversations/a%00/tracker", {"conversation_id": "a\x00"}, None, LIMIT
    )
    assert refused.status == 400
    assert DOOR["check_request"]("GET", "/status", {}, None, LIMIT) is None


def test_the_limit_comes_from_one_setting() -> None:
    assert max_message_chars({}) == DEFAULT_MAX_MESSAGE_CHARS
    assert max_message_chars({"LEADBOT_MAX_MESSAGE_CHARS": "500"}) == 500
    for bad in ("0", "-3", "lots"):
        with pytest.raises(ValueError, match="LEADBOT_MAX_MESSAGE_CHARS"):
            max_message_chars({"LEADBOT_MAX_MESSAGE_CHARS": bad})


# --- How much of a message NLU reads ------------------------------------------------------


def tokens(text: str) -> int:
    return len(TOKEN.findall(text))


@pytest.mark.parametrize(
    "text",
    [
        "! " * 1000,
        "!" * 2000,
        "1, " * 700,
        "  x" * 700,
        "ab\n" * 700,
        "we lose leads at night because nobody answers " * 45,
    ],
)
def test_nlu_reads_at_most_the_token_bound_of_a_long_message(text: str) -> None:
    considered = considered_text(text, 256)
    assert tokens(text) > 256
    assert tokens(considered) == 256
    assert text.startswith(considered)  # a prefix: entity positions hold in the whole text


def test_a_message_within_the_bound_is_read_whole() -> None:
    text = "Hi, I'm Sam from Acme; budget about $40k, by Q3. " * 5
    assert tokens(text) <= 256
    assert considered_text(text, 256) == text
    assert considered_text("", 256) == ""
    assert considered_text("a b c", 3) == "a b c"
    assert considered_text("a b c d", 3) == "a b c"


def test_white_space_that_spacy_keeps_as_a_token_counts_as_one() -> None:
    assert TOKEN.findall("a  b\tc d\n\ne") == ["a", "  ", "b", "\t", "c", "d", "\n\n", "e"]


def test_the_token_bound_comes_from_one_setting() -> None:
    assert max_message_tokens({}) == DEFAULT_MAX_MESSAGE_TOKENS
    assert max_message_tokens({"LEADBOT_MAX_MESSAGE_TOKENS": "300"}) == 300
    for bad in ("0", "-3", "lots"):
        with pytest.raises(ValueError, match="LEADBOT_MAX_MESSAGE_TOKENS"):
            max_message_tokens({"LEADBOT_MAX_MESSAGE_TOKENS": bad})


class Parsed:
    """What Rasa's _parse_message_with_graph is given and returns (a stand-in for the NLU
    graph: the launcher's wrapper is plain Python, tested here on its own; the wiring into
    Rasa is tested in the rasa environment, tests/unit/test_rasa_serve.py)."""

    def __init__(self) -> None:
        self.seen: list[str] = []

    def __call__(self, processor: Any, message: Any, tracker: Any, only: bool = True) -> Any:
        self.seen.append(message.text)
        return {"text": message.text, "entities": [{"start": 0, "end": 2, "value": "Hi"}]}


class Message:
    def __init__(self, text: str) -> None:
        self.text = text
        self.sender_id = "conversation-1"


def test_the_launcher_gives_nlu_the_bounded_text_and_keeps_the_whole_one() -> None:
    graph = Parsed()
    parse = DOOR["_bounded_parse"](graph, 256)
    text = "Hi " + "! " * 1000
    message = Message(text)
    parse_data = parse(None, message, None)
    assert graph.seen == [considered_text(text, 256)]
    assert tokens(graph.seen[0]) == 256
    assert parse_data["text"] == text  # what the tracker's parse data says was said
    assert message.text == text  # the message itself (the tracker's event) is not cut
    assert parse_data["entities"] == [{"start": 0, "end": 2, "value": "Hi"}]


def test_the_launcher_passes_a_message_within_the_bound_untouched() -> None:
    graph = Parsed()
    parse = DOOR["_bounded_parse"](graph, 256)
    message = Message("I'd like a demo")
    assert parse(None, message, None)["text"] == "I'd like a demo"
    assert graph.seen == ["I'd like a demo"]
