"""Whole conversations, real text, through the REST channel of a running Rasa + actions.

These prove what rasa test stories cannot: that the visitor's own wording is understood,
that validate_<slot> normalizes it, and that the form never re-asks what was said.
"""

from __future__ import annotations

import re
import uuid
from functools import cache
from pathlib import Path

import pytest
import yaml

from tests.support.stack import Stack

pytestmark = pytest.mark.rasa
ROOT = Path(__file__).resolve().parents[2]


@cache
def _templates() -> list[tuple[str, re.Pattern[str]]]:
    """Every response text in the domain and data/responses as a regex (slots as wildcards)."""
    sources = [ROOT / "domain.yml"]
    out = []
    for path in sources:
        for name, variants in (yaml.safe_load(path.read_text()).get("responses") or {}).items():
            for variant in variants:
                pattern = re.escape(variant["text"].strip())
                pattern = re.sub(r"\\\{\w+\\\}", ".*", pattern)
                out.append((name, re.compile(pattern, re.S)))
    return out


def names(replies: list[str]) -> list[str]:
    """Which responses the bot sent, by name (e.g. utter_ask_budget)."""
    found = []
    for text in replies:
        found.append(next((n for n, rx in _templates() if rx.fullmatch(text.strip())), f"?{text}"))
    return found


def new_sender() -> str:
    return f"test-{uuid.uuid4().hex[:12]}"


def test_happy_path_fills_and_normalizes_every_slot(stack: Stack) -> None:
    me = new_sender()
    assert names(stack.say(me, "hi there")) == ["utter_greet"]
    assert names(stack.say(me, "I'd like to book a demo please")) == [
        "utter_start_qualification",
        "utter_ask_need",
    ]
    assert names(
        stack.say(me, "we lose inbound leads at night because nobody answers the chat")
    ) == ["utter_ask_budget"]
    assert names(stack.say(me, "about $60k a year")) == ["utter_ask_authority"]
    assert names(stack.say(me, "I'm the head of sales")) == ["utter_ask_timeline"]
    assert names(stack.say(me, "in 3 months")) == ["utter_ask_name"]
    assert names(stack.say(me, "Sophie Laurent")) == ["utter_ask_email"]
    assert names(stack.say(me, "sophie@northwind.io")) == ["utter_ask_company"]
    # handoff (issue 12): a hot lead is offered slots right away (test_handoff.py)
    last = names(stack.say(me, "Northwind Traders"))
    assert last == ["utter_lead_handoff", "utter_booking_offer"]

    slots = stack.slots(me)
    assert slots["budget_detail"]["amount"] == 60000
    assert slots["budget_detail"]["currency"] == "USD"
    assert slots["budget_detail"]["period"] == "year"
    assert slots["authority_detail"]["decision_maker"] is True
    assert slots["timeline_detail"]["months"] == pytest.approx(3, abs=0.5)
    assert slots["name"] == "Sophie Laurent"
    assert slots["email"] == "sophie@northwind.io"
    assert slots["company"] == "Northwind Traders"
    assert slots["need"]


def test_volunteered_facts_are_never_asked_again(stack: Stack) -> None:
    me = new_sender()
    replies = names(stack.say(me, "I'm the CTO at Acme, 50k budget, need it by March"))
    assert replies[-1] == "utter_ask_need"
    slots = stack.slots(me)
    assert slots["budget_detail"]["amount"] == 50000
    assert slots["authority_detail"]["decision_maker"] is True
    assert slots["timeline_detail"]["status"] == "date"
    assert slots["company"] == "Acme"

    asked = names(stack.say(me, "we need to qualify demo requests automatically"))
    assert asked == ["utter_ask_name"]


def test_faq_inside_the_form_is_answered_and_the_question_comes_back(stack: Stack) -> None:
    me = new_sender()
    stack.say(me, "can I talk to sales")
    stack.say(me, "replace our contact form, it loses leads")
    replies = names(stack.say(me, "do you integrate with slack?"))
    assert replies == ["utter_faq/integrations", "utter_ask_budget"]
    assert stack.slots(me)["requested_slot"] == "budget"


def test_why_do_you_ask_explains_the_current_question(stack: Stack) -> None:
    me = new_sender()
    stack.say(me, "I want a demo")
    stack.say(me, "our sales team can't keep up with inbound chats")
    assert names(stack.say(me, "why do you need to know that?")) == [
        "utter_why_budget",
        "utter_ask_budget",
    ]


def test_rather_not_say_records_unknown_and_moves_on(stack: Stack) -> None:
    me = new_sender()
    stack.say(me, "I want a demo")
    stack.say(me, "our sales team can't keep up with inbound chats")
    assert names(stack.say(me, "I'd rather not say")) == ["utter_moving_on", "utter_ask_authority"]
    assert stack.slots(me)["budget_detail"]["status"] == "unknown"


def test_two_unreadable_answers_move_on(stack: Stack) -> None:
    me = new_sender()
    stack.say(me, "I want a demo")
    stack.say(me, "our sales team can't keep up with inbound chats")
    assert names(stack.say(me, "the red one")) == ["utter_invalid_budget", "utter_ask_budget"]
    assert names(stack.say(me, "whatever")) == ["utter_moving_on", "utter_ask_authority"]
    budget = stack.slots(me)["budget_detail"]
    assert budget["status"] == "unknown"
    assert budget["raw"] == "whatever"


def test_disposable_email_is_refused_then_a_real_one_accepted(stack: Stack) -> None:
    me = new_sender()
    stack.say(me, "I'm the founder of Globex, we have 20k, need it asap")
    stack.say(me, "we want to answer website visitors at night")
    stack.say(me, "Tom Baker")
    assert names(stack.say(me, "tom@mailinator.com")) == [
        "utter_disposable_email",
        "utter_ask_email",
    ]
    stack.say(me, "tom@globex.com")
    assert stack.slots(me)["email"] == "tom@globex.com"


def test_asking_for_a_human_leaves_the_form(stack: Stack) -> None:
    me = new_sender()
    stack.say(me, "I want a demo")
    # handoff (issue 12): the rep on duty is alerted; the answer depends on the hour
    replies = names(stack.say(me, "can I talk to a real person please"))
    assert replies in (["utter_human_alerted"], ["utter_human_after_hours"])
    tracker = stack.tracker(me)
    assert not tracker.get("active_loop", {}).get("name")


def test_bot_challenge_outside_the_form(stack: Stack) -> None:
    assert names(stack.say(new_sender(), "am I talking to a bot?")) == ["utter_iamabot"]
