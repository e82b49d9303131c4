"""X-Leadbot-Signature: t=<unix>,v1=<hex HMAC-SHA256 of "<t>.<body>">."""

from __future__ import annotations

import hashlib
import hmac

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
