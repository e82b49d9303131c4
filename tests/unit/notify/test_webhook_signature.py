"""X-Leadbot-Signature: t=<unix>,v1=<hex HMAC-SHA256 of "<t>.<body>">."""

from __future__ import annotations

import hashlib
import hmac
import time
from pathlib import Path

from bot.notify.webhook import body_bytes, sign, verify

SECRET = "whsec-test-0123456789"


def test_signature_is_hmac_sha256_of_timestamp_dot_body() -> None:
    body = body_bytes({"type": "lead.qualified", "version": 1})
    expected = hmac.new(SECRET.encode(), b"1764579600." + body, hashlib.sha256).hexdigest()
    assert sign(SECRET, 1764579600, body) == f"t=1764579600,v1={expected}"


def test_verify_accepts_the_signed_body_and_refuses_changes() -> None:
    body = body_bytes({"a": 1})
    header = sign(SECRET, 1000, body)
    assert verify(SECRET, header, body, now=1010)
    assert not verify(SECRET, header, body_bytes({"a": 2}), now=1010)
    assert not verify("another-secret-value", header, body, now=1010)
    assert not verify(SECRET, header, body, now=1000 + 301)  # too old: a replay
    assert not verify(SECRET, "v1=abc", body, now=1000)


def test_the_readme_example_verifies_our_signature() -> None:
    """The five lines a receiver copies from the README's "For sales reps" must work."""
    readme = (Path(__file__).resolve().parents[3] / "README.md").read_text()
    section = readme.split("## For sales reps", 1)[1]
    code = section.split("```python\n", 1)[1].split("```", 1)[0]
    namespace: dict[str, object] = {}
    exec(code, namespace)  # our own README
    verified = namespace["verified"]
    body = body_bytes({"type": "meeting.booked"})
    header = sign(SECRET, int(time.time()), body)
    assert verified(SECRET, header, body)  # type: ignore[operator]
    assert not verified(SECRET, header, body + b" ")  # type: ignore[operator]
