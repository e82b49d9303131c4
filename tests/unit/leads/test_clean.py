"""Cleaning visitor text: what goes, what stays, and where an over-long message is cut."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.facts import Need
from bot.leads import clean
from bot.leads.service import LeadInput, TranscriptEntry

T = datetime(2026, 3, 1, tzinfo=timezone.utc)


@pytest.mark.parametrize(
    ("given_text", "cleaned"),
    [
        ("plain words", "plain words"),
        ("a\x00b", "ab"),  # NUL: PostgreSQL takes none
        ("bell\x07 and escape\x1b[31m", "bell and escape[31m"),
        ("tab\tand\nnewline", "tab\tand\nnewline"),  # kept
        ("windows\r\nline\rend", "windows\nline\nend"),
        ("del\x7f and c1\x85\x9f", "del and c1"),
        ("lone \ud800 surrogate \udfff", "lone \ufffd surrogate \ufffd"),
        ("emoji 🙂 and ü stay", "emoji 🙂 and ü stay"),
        ("=cmd|' /C calc'!A0", "=cmd|' /C calc'!A0"),  # formulas are the CSV's business
    ],
)
def test_characters(given_text: str, cleaned: str) -> None:
    assert clean.text(given_text) == cleaned


def test_an_over_long_message_is_cut_with_a_marker_that_says_how_much() -> None:
    message = "x" * 25_000
    cut = clean.text(message)
    assert len(cut) == clean.MAX_MESSAGE_CHARS
    kept = cut.index("…")
    assert cut[kept:] == f"…[cut {25_000 - kept} characters]"
    assert cut[:kept] == "x" * kept


def test_a_text_at_the_limit_is_not_cut() -> None:
    assert clean.text("y" * clean.MAX_MESSAGE_CHARS) == "y" * clean.MAX_MESSAGE_CHARS


def test_an_over_long_conversation_id_keeps_its_identity() -> None:
    a, b = "c" * 300 + "a", "c" * 300 + "b"
    assert len(clean.identifier(a)) == clean.MAX_ID_CHARS
    assert clean.identifier(a) != clean.identifier(b)
    assert clean.identifier("conv-1") == "conv-1"


@given(st.text())
def test_cleaning_is_idempotent_and_leaves_only_storable_text(value: str) -> None:
    once = clean.text(value)
    assert clean.text(once) == once
    once.encode("utf-8")  # no lone surrogate
    assert "\x00" not in once
    assert len(once) <= clean.MAX_MESSAGE_CHARS


def test_a_lead_input_is_clean_whoever_built_it() -> None:
    data = LeadInput(
        conversation_id="conv\x00-1",
        name="Ada\x00 Lovelace",
        need=Need(raw="we need\x1b it", level="concrete", summary="need\ud800"),
        source={"page_url": "https://x.example/\x00", "utm_source": "a\x01"},
        metadata={"k\x00": ["v\x00"]},
        transcript=[TranscriptEntry(seq=0, sender="visitor", text="hi\x00", at=T)],
    )
    assert data.conversation_id == "conv-1"
    assert data.name == "Ada Lovelace"
    assert data.need == Need(raw="we need it", level="concrete", summary="need\ufffd")
    assert data.source == {"page_url": "https://x.example/", "utm_source": "a"}
    assert data.metadata == {"k": ["v"]}
    assert data.transcript[0].text == "hi"
