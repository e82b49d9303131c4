"""Signed tokens: a token made for one purpose is refused by every other; tampering fails."""

from __future__ import annotations

import pytest

from bot.signing import InvalidToken, Purpose, Signer


def test_round_trip() -> None:
    signer = Signer("k" * 32)
    token = signer.sign(Purpose.UNSUBSCRIBE, {"lead": "L1", "sequence": "no_budget"})
    assert signer.load(Purpose.UNSUBSCRIBE, token) == {"lead": "L1", "sequence": "no_budget"}


def test_a_token_for_one_purpose_is_refused_for_another() -> None:
    signer = Signer("k" * 32)
    token = signer.sign(Purpose.BOOKING, "meeting-1")
    with pytest.raises(InvalidToken):
        signer.load(Purpose.UNSUBSCRIBE, token)


def test_tampered_or_foreign_tokens_are_refused() -> None:
    token = Signer("k" * 32).sign(Purpose.VISITOR, "conv-1")
    with pytest.raises(InvalidToken):
        Signer("other-key-" * 4).load(Purpose.VISITOR, token)
    with pytest.raises(InvalidToken):
        Signer("k" * 32).load(Purpose.VISITOR, token[:-2] + "xx")


def test_expired_token_is_refused() -> None:
    signer = Signer("k" * 32)
    token = signer.sign(Purpose.BOOKING, "m")
    with pytest.raises(InvalidToken, match="expired"):
        signer.load(Purpose.BOOKING, token, max_age=-1)
