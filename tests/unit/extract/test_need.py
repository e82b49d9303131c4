"""assess_need: level and summary."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.extract.need import SUMMARY_MAX, assess_need, summarize
from bot.facts import Need

CONCRETE = [
    # text, summary
    # "can't say" that hedges, then a pain
    (
        "can't say it's urgent, but our response time is two days and leads go cold",
        "Can't say it's urgent, but our response time is two days and leads go cold",
    ),
    (
        "we lose leads because nobody answers the chat at night",
        "We lose leads because nobody answers the chat at night",
    ),
    (
        "need to qualify inbound demo requests automatically",
        "Qualify inbound demo requests automatically",
    ),
    ("replace drift, too expensive", "Replace drift, too expensive"),
    ("Replace Drift. Too expensive!", "Replace Drift. Too expensive"),
    (
        "We need to book more demos with qualified leads.",
        "Book more demos with qualified leads",
    ),
    ("our reps waste hours on unqualified leads", "Our reps waste hours on unqualified leads"),
    (
        "We want a better way to follow up with leads!!",
        "A better way to follow up with leads",
    ),
    ("I want to reduce support tickets by 30%", "Reduce support tickets by 30%"),
    (
        "hi, well, we need to migrate from Intercom to something self-hosted",
        "Migrate from Intercom to something self-hosted",
    ),
    (
        "we're looking to automate lead routing to our sales team",
        "Automate lead routing to our sales team",
    ),
    (
        "Our goal is to answer website visitors 24/7",
        "Answer website visitors 24/7",
    ),
    (
        "too many demo requests, our SDRs can't keep up",
        "Too many demo requests, our SDRs can't keep up",
    ),
    (
        "no need for humans at night; we lose leads",
        "No need for humans at night; we lose leads",
    ),
    (
        "  we need to integrate the chat with hubspot  ",
        "Integrate the chat with hubspot",
    ),
    # a goal verb in any inflection, not only the forms the phrase table lists
    (
        "Enquiries should be qualified and routed to the right branch",
        "Enquiries should be qualified and routed to the right branch",
    ),
    # not knowing who to call is the pain, not a hedge
    (
        "our reps have no idea which of the form fills are serious",
        "Our reps have no idea which of the form fills are serious",
    ),
    # "need" said plainly, with what is needed
    # "job" and "hiring" here are the visitor's business, not a job seeker
    (
        "plumbers: calls after 6pm go to voicemail and we lose the job",
        "Plumbers: calls after 6pm go to voicemail and we lose the job",
    ),
    (
        "our front desk retypes every web enquiry into the booking system by hand",
        "Our front desk retypes every web enquiry into the booking system by hand",
    ),
    # a hedge said of the visitor's leads, not of the visitor
    (
        "car dealer: our reps can't tell buyers from people only browsing the stock",
        "Car dealer: our reps can't tell buyers from people only browsing the stock",
    ),
    # "no need for X" is a need ("no need for humans at night") and so is "don't get enough"
    (
        "we don't get enough qualified leads from the website",
        "We don't get enough qualified leads from the website",
    ),
    (
        "clinic group, need a booking chat that keeps patient data in the EU",
        "Clinic group, need a booking chat that keeps patient data in the EU",
    ),
]


@pytest.mark.parametrize(("text", "summary"), CONCRETE)
def test_concrete(text: str, summary: str) -> None:
    assert assess_need(text) == Need(raw=text.strip(), level="concrete", summary=summary)


VAGUE = [
    # a problem said not to be specific, needs still being worked out
    (
        "not a particular problem, just want to do better",
        "Not a particular problem, just want to do better",
    ),
    ("we're figuring out what we need first", "We're figuring out what we need first"),
    ("something for sales maybe", "Something for sales maybe"),
    ("not sure, maybe more leads", "Not sure, maybe more leads"),
    ("CRM", "CRM"),
    # a dodge with a subject says what they are looking at
    ("just exploring lead tools for now", "Just exploring lead tools for now"),
    ("curious if it could help our sales team", "Curious if it could help our sales team"),
    # a statement that ends in "?" hedges; it asks us nothing
    ("our site feels a bit dead, maybe this helps?", "Our site feels a bit dead, maybe this helps"),
    ("we need a chatbot", "A chatbot"),
    ("maybe improve things a bit, not sure", "Maybe improve things a bit, not sure"),
    ("I want to learn more about options", "Learn more about options"),
    # a need that may come, not one that is here
    (
        "we might want to automate our follow-ups at some point",
        "We might want to automate our follow-ups at some point",
    ),
    ("could be useful one day for our sales team", "Could be useful one day for our sales team"),
    ("something to automate the site a little", "Something to automate the site a little"),
    # wanting the product itself is a request to buy or start, not a problem
    (
        "we'd like to try it for our team, please call me",
        "Try it for our team, please call me",
    ),
    ("I want to buy this", "Buy this"),
    ("looking for a solution for our firm", "A solution for our firm"),
    # hedged: exploring, vagueness adverbs, hearsay
    (
        "people say chatbots lift sales, we'd explore it",
        "People say chatbots lift sales, we'd explore it",
    ),
    ("get more out of our site somehow", "Get more out of our site somehow"),
]


@pytest.mark.parametrize(("text", "summary"), VAGUE)
def test_vague(text: str, summary: str) -> None:
    assert assess_need(text) == Need(raw=text.strip(), level="vague", summary=summary)


@pytest.mark.parametrize(
    "text",
    [
        "nothing really",
        "Nothing.",
        "no need",
        "we don't need anything",
        "all good",
        "nothing, just curious",
        "nothing really, just browsing",
        "not interested",
        # here for something other than buying: support, a pitch, a denied need
        "my card was charged twice, who do I talk to",
        "we'd like to pitch you our design services",
        "forgot my password",
        "we don't actually need anything at the moment",
        # the need as a noun denied, and no volume for a lead tool to serve
        "honestly we don't see a real need for it",
        "no real need, maybe two enquiries a month",
        "problem is no real need, we get like 2 leads a month",
        "umm no real need, we get like 2 leads a month i guess",
        "I'd say no real need, we get like 2 leads a month.",
        "we hardly get any web enquiries",
        # a problem denied with its adjective; solved already, in a few words
        "honestly, no specific problem",
        "we're a hobby site, no business need",
        "we've already sorted that",
        "already handled it internally",
        "Long story short: the thing is we already sorted it ourselves.",
        # nothing to fix, no requirements, a student of any kind, an idle visitor
        "honestly there's nothing to fix, just nosing around",
        "no requirements at all",
        "phd student, comparing chatbots for a paper",
        "I'm just killing time, ignore me",
    ],
)
def test_none(text: str) -> None:
    assert assess_need(text) == Need(raw=text.strip(), level="none")


@pytest.mark.parametrize(
    "text",
    [
        "rather not say",
        "I'd rather not say",
        "prefer not to say",
        "confidential",
        "n/a",
        # not knowing, and nothing more: no answer, like a budget's "I don't know"
        "dunno",
        "idk tbh",
        "not sure yet",
        "I don't know",
        # deferring or handing the question back
        "can we skip this one",
        "I'll pass",
        "mind if I come back to that later",
        "you tell me",
    ],
)
def test_unknown(text: str) -> None:
    assert assess_need(text) == Need(raw=text, level="unknown")


@pytest.mark.parametrize(
    "text",
    [
        "just exploring",
        "Just exploring.",
        "looking around",
        "just browsing",
        "curious what you do",
        "checking out what's out there",
        "honestly I'm just curious, that's all",
        "no particular reason",
        "nothing specific",
        "just wanted to see what this is",
        "eh",
    ],
)
def test_a_dodge_alone_tells_no_need(text: str) -> None:
    """Said instead of a need: unknown, as the visitor said nothing about one."""
    assert assess_need(text) == Need(raw=text.strip(), level="unknown")


@pytest.mark.parametrize(
    "text",
    [
        "how does the scoring work",
        "What's the price?",
        "is this a chatbot for my own website?",
        "is anyone from your team online?",
    ],
)
def test_a_question_to_us_is_no_need(text: str) -> None:
    """The FAQ answers it, then the need is asked again."""
    assert assess_need(text) is None


@pytest.mark.parametrize(
    "text",
    [
        "we get 300 demo requests a month and half of them are students or competitors",
        "we're a law firm and intake calls eat up our paralegals' whole day",
    ],
)
def test_time_eaten_and_leads_that_are_not_buyers_are_concrete_pains(text: str) -> None:
    need = assess_need(text)
    assert need is not None
    assert need.level == "concrete"


def test_a_question_naming_a_goal_is_a_need() -> None:
    need = assess_need("can it answer our visitors at night when nobody is in?")
    assert need is not None
    assert need.level == "concrete"


@pytest.mark.parametrize(
    "text",
    ["", "   ", "asdf", "?", "why?", "...", "hello", "brb", "hmm, tough question", "hold on a sec"],
)
def test_nothing_said(text: str) -> None:
    assert assess_need(text) is None


def test_long_summary_is_cut_at_a_word() -> None:
    text = (
        "Our SDRs spend hours every week manually copying website chat transcripts into "
        "Salesforce because the integration broke and nobody has had the time to fix it "
        "properly yet, which means leads fall through the cracks"
    )
    result = assess_need(text)
    assert result is not None
    assert result.level == "concrete"
    assert result.summary == (
        "Our SDRs spend hours every week manually copying website chat transcripts into "
        "Salesforce because the integration…"
    )


@pytest.mark.parametrize(
    ("text", "summary"),
    [
        ("we need to X.", "X"),
        ("I'd like to    fix   onboarding", "Fix onboarding"),
        ("um, so basically we want to scale support", "Scale support"),
        ("looking for a CRM?", "A CRM"),
        ("we need", "We need"),
        ("Well...", "Well"),
    ],
)
def test_summarize(text: str, summary: str) -> None:
    assert summarize(text) == summary


# ---- properties --------------------------------------------------------------------


@given(st.text(max_size=300))
def test_never_raises(text: str) -> None:
    result = assess_need(text)
    if result is None:
        return
    assert result.raw == text.strip()
    if result.level in ("concrete", "vague"):
        assert result.summary is not None
        assert len(result.summary) <= SUMMARY_MAX
    else:
        assert result.summary is None


def test_a_polite_no_problem_denies_nothing() -> None:
    need = assess_need("no problem, we lose leads at night though")
    assert need is not None
    assert need.level == "concrete"


def test_a_decline_is_not_read_as_a_vague_need() -> None:
    """Said with the dont_know intent, words that name no goal are no answer, however the
    need reader would rate them; a pain said with it is still the answer."""
    from datetime import date

    from bot.qualification import build_answer, judge_answer

    def verdict(text: str) -> dict[str, object]:
        answer = build_answer(
            "need",
            text,
            message=text,
            intent="dont_know",
            mentions=[],
            requested=True,
            today=date(2026, 12, 1),
        )
        detail = judge_answer(answer).detail
        assert detail is not None
        return detail

    assert verdict("rather leave that one out for now")["level"] == "unknown"
    assert verdict("dunno, our reps waste time on bad leads")["level"] == "concrete"
