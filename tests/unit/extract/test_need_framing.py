"""assess_need on the classes found by wrapping blind needs in blind answer templates:
the words around an answer, wanting and general aims, purposes other than buying, a thing
denied as needed, pains named by how they feel, statements that open with a wh-word.
The wordings are ours, not the phrasing sets'."""

from __future__ import annotations

import pytest

from bot.extract.need import assess_need

CONCRETE_NEED = "our quote requests wait three days for an answer"
VAGUE_NEED = "something to make the site a little more modern"


def level(text: str) -> str | None:
    need = assess_need(text)
    return need.level if need else None


@pytest.mark.parametrize(
    "frame",
    [
        "{} - that's about it",
        "{}, nothing more",
        "{}, nothing else really",
        "{}. Hope that makes sense!",
        "{}, that's the gist",
        "{} - that's the whole story",
        "Good question. {}.",
        "Thanks for asking! {}",
        "Long story short, {}.",
        "Where do I start... {}",
        "{}, if you know what I mean",
        "{}, mostly",
        "Funny, my partner and I argued about this over coffee. {}.",
    ],
)
def test_the_words_around_an_answer_do_not_change_its_level(frame: str) -> None:
    assert level(frame.format(CONCRETE_NEED)) == "concrete"
    assert level(frame.format(VAGUE_NEED)) == "vague"


def test_a_frame_at_the_start_keeps_a_denial() -> None:
    assert level("nothing, just killing time") == "none"
    assert level("nothing, to be honest") == "none"


@pytest.mark.parametrize(
    "text",
    [
        "we want to grow",
        "we'd like to improve our sales",
        "looking to scale the business",
        "we need to do better online",
        "hoping to increase revenue",
    ],
)
def test_wanting_and_aims_any_business_has_are_vague(text: str) -> None:
    assert level(text) == "vague"


@pytest.mark.parametrize(
    "text",
    [
        "we want to grow, but enquiries sit unanswered over the weekend",
        "we need to route enquiries to the right branch",
        "improve how fast we answer the people who fill in the form",
    ],
)
def test_an_aim_with_a_specific_goal_or_pain_stays_concrete(text: str) -> None:
    assert level(text) == "concrete"


@pytest.mark.parametrize(
    "text",
    [
        "my students are building chatbots this term, I teach computing",
        "is this the support line? my internet is down since monday",
        "where can I track my order",
        "I'm here about the vacancy on your careers page",
        "retired engineer, I like reading about software",
        "just testing how the bot answers",
        "I wanted to sell you our translation services",
        "I'm a vendor of headsets, who handles your purchasing?",
        "we're not buying anything, the budget went elsewhere",
        "doing market research for a client",
        "playing with chat widgets for fun",
    ],
)
def test_a_purpose_other_than_buying_is_no_need(text: str) -> None:
    assert level(text) == "none"


def test_selling_our_own_goods_is_a_business_not_a_pitch() -> None:
    text = "we sell garden furniture and lose orders because nobody answers the chat at weekends"
    assert level(text) == "concrete"


@pytest.mark.parametrize(
    "text",
    [
        "we don't need a booking tool, we only have two clients",
        "don't really need lead scoring, it's just me answering emails",
        "can't think of anything, the website does its job",
        "zero need right now",
        "not needed, we're a tiny shop",
    ],
)
def test_a_need_denied_is_none(text: str) -> None:
    assert level(text) == "none"


def test_a_thing_denied_then_a_need_stated_is_that_need() -> None:
    assert level("we don't need a chatbot, we need our leads answered within the hour") == (
        "concrete"
    )


@pytest.mark.parametrize(
    "text",
    [
        "sorting the enquiries from the two shops is a nightmare",
        "the sign-up form is a mess and people abandon it",
        "answering every supplier by phone is so time consuming",
        "customers keep asking the same things about opening hours",
    ],
)
def test_a_pain_named_by_how_it_feels_is_concrete(text: str) -> None:
    assert level(text) == "concrete"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("what we want is something simple for the website", "vague"),
        ("how we work now is chaos, every enquiry is copied by hand", "concrete"),
        ("what do you do", None),
        ("how does it work", None),
    ],
)
def test_a_wh_word_before_its_subject_is_a_statement(text: str, expected: str | None) -> None:
    assert level(text) == expected
