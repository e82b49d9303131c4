"""Yes, no and anything in between, as a visitor answers "may we email you?"."""

from __future__ import annotations

import pytest

from bot.nurture.consent import classify_answer


@pytest.mark.parametrize(
    "text",
    ["yes", "Yes please", "sure, why not", "ok", "sounds good", "go ahead and send them",
     "I don't mind", "no problem", "yeah keep me posted", "absolutely!"],
)  # fmt: skip
def test_yes(text: str) -> None:
    assert classify_answer(text, None) == "granted"


@pytest.mark.parametrize(
    "text",
    ["no", "No thanks", "nope", "please don't", "I'd rather not", "no emails please",
     "not interested", "don't send me anything", "nah"],
)  # fmt: skip
def test_no(text: str) -> None:
    assert classify_answer(text, None) == "declined"


@pytest.mark.parametrize(
    "text", ["maybe", "not sure", "how often would you email?", "what kind of emails?", "hmm"]
)
def test_in_between_asks_again(text: str) -> None:
    assert classify_answer(text, None) is None


def test_the_chats_intent_decides_words_we_have_no_pattern_for() -> None:
    assert classify_answer("👍", "affirm") == "granted"
    assert classify_answer("rather not honestly", "deny") == "declined"
    assert classify_answer("blue", "inform") is None
    # words win over a wrong intent: "no" is no, whatever the model thought
    assert classify_answer("no", "affirm") == "declined"
