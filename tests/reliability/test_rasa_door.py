"""Issue 16's repros against the real Rasa server, through our launcher.

On the launcher without the door (before issue 16), the first test's request stopped the
Rasa process, and the long message held it for tens of seconds.
"""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.request
import uuid
from typing import Any

import pytest

from bot.limits import DEFAULT_MAX_MESSAGE_CHARS, considered_text, max_message_tokens
from tests.support.stack import Stack

pytestmark = pytest.mark.rasa


def post(stack: Stack, path: str, body: bytes, *, token: bool = False) -> tuple[int, Any]:
    url = f"{stack.rasa_url}{path}" + (f"?token={stack.token}" if token else "")
    request = urllib.request.Request(
        url, data=body, method="POST", headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


def alive(stack: Stack) -> None:
    """Both processes still running, and a fresh visitor still gets an answer."""
    for name, proc in stack.processes.items():
        assert proc.poll() is None, f"{name} exited with {proc.returncode}"
    assert stack.say(f"check-{uuid.uuid4().hex[:12]}", "hi"), "no reply to a plain hi"


def test_a_lone_surrogate_sender_is_refused_and_rasa_stays_up(stack: Stack) -> None:
    # the exact request of the issue, as the JSON escape a browser would send
    status, body = post(stack, "/webhooks/rest/webhook", b'{"sender": "\\ud800", "message": "hi"}')
    assert status == 400
    assert "sender" in body["error"]
    alive(stack)


def test_a_nul_in_the_sender_is_refused(stack: Stack) -> None:
    status, _ = post(stack, "/webhooks/rest/webhook", b'{"sender": "a\\u0000b", "message": "hi"}')
    assert status == 400
    alive(stack)


def test_a_message_over_the_limit_is_refused_before_nlu(stack: Stack) -> None:
    text = "a" * 100_000  # no '@': the old email pattern's worst case
    body = json.dumps({"sender": "long-1", "message": text}).encode()
    status, answer = post(stack, "/webhooks/rest/webhook", body)
    assert status == 413
    assert str(DEFAULT_MAX_MESSAGE_CHARS) in answer["error"]
    assert stack.tracker("long-1")["events"] == [] or all(
        event.get("event") != "user" for event in stack.tracker("long-1")["events"]
    )
    alive(stack)


def test_a_message_at_the_limit_is_answered(stack: Stack) -> None:
    text = ("we lose leads at night " * 200)[:DEFAULT_MAX_MESSAGE_CHARS]
    assert stack.say(f"at-limit-{uuid.uuid4().hex[:8]}", text)


def test_nlu_reads_the_first_tokens_of_a_long_message_and_keeps_it_whole(stack: Stack) -> None:
    """Under the character cap, 2,000 characters of "!" were 2,000 tokens for NLU (1.2 s of
    Rasa's one event loop): it reads LEADBOT_MAX_MESSAGE_TOKENS of them. An email address
    (the regex extractor finds it wherever NLU reads) counts only in that first part."""
    email = "jane.doe@acme-robotics.example"
    filler = " !" * 600
    early, late = f"my email is {email}{filler}", f"hi{filler} my email is {email}"
    assert len(late) <= DEFAULT_MAX_MESSAGE_CHARS
    bound = max_message_tokens(os.environ)
    for text, found in ((early, True), (late, False)):
        read = len(considered_text(text, bound))
        assert read < len(text), "the message must be longer than what NLU reads"
        body = json.dumps({"text": text}).encode()
        status, parsed = post(stack, "/model/parse", body, token=True)
        assert status == 200
        assert parsed["text"] == text
        emails = [e["value"] for e in parsed["entities"] if e["entity"] == "email"]
        assert (email in emails) is found, emails
        beyond = [e for e in parsed["entities"] if e["end"] > read]
        assert not beyond, f"entities past the {read} characters NLU read: {beyond}"
    assert stack.say(f"long-{uuid.uuid4().hex[:8]}", late), "a long message is still answered"


def test_a_tracker_store_error_fails_that_request_only(stack: Stack) -> None:
    """A database error inside the tracker store (here SQLite refusing a lone surrogate in
    an intent name written through the HTTP API) is a 5xx for that request, not an exit."""
    me = f"store-{uuid.uuid4().hex[:12]}"
    stack.say(me, "hi")
    event = {"event": "user", "text": "hi", "parse_data": {"intent": {"name": "\ud800"}}}
    status, body = post(
        stack,
        f"/conversations/{me}/tracker/events",
        json.dumps(event).encode(),  # ensure_ascii: the surrogate travels as \ud800
        token=True,
    )
    assert status >= 500
    assert "\ud800" not in json.dumps(body, ensure_ascii=False)
    alive(stack)
    assert stack.say(me, "I'd like a demo"), "the same conversation goes on"
