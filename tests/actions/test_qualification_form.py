"""validate_qualification_form with real rasa_sdk Tracker and CollectingDispatcher objects."""

from __future__ import annotations

from typing import Any

import pytest
from rasa_sdk.executor import CollectingDispatcher

import actions.qualification as qualification_module
from actions.conversation import ActionExplainWhy
from actions.qualification import ValidateQualificationForm
from tests.support.rasa_objects import make_tracker, responses

FORM = ValidateQualificationForm()


def slot_events(events: list[dict[str, Any]]) -> dict[str, Any]:
    return {e["name"]: e["value"] for e in events if e["event"] == "slot"}


async def run_form(
    dispatcher: CollectingDispatcher, domain: dict[str, Any], **kw: Any
) -> dict[str, Any]:
    events = await FORM.run(dispatcher, make_tracker(**kw), domain)
    return slot_events(events)


async def test_budget_answer_is_normalized(dispatcher, domain) -> None:
    slots = await run_form(
        dispatcher,
        domain,
        text="about $60k a year",
        requested_slot="budget",
        candidates={"budget": "about $60k a year"},
    )
    assert slots["budget"] == "about $60k a year"
    detail = slots["budget_detail"]
    assert (detail["status"], detail["amount"], detail["currency"], detail["period"]) == (
        "amount",
        60000.0,
        "USD",
        "year",
    )
    assert detail["raw"] == "about $60k a year"
    assert "failed_attempts" not in slots  # unchanged: no event for it
    assert dispatcher.messages == []


async def test_volunteered_facts_are_all_kept_at_activation(dispatcher, domain) -> None:
    text = "I'm the CTO at Acme, 50k budget, need it by March"
    slots = await run_form(
        dispatcher,
        domain,
        text=text,
        requested_slot=None,
        candidates={
            "authority": "CTO",
            "company": "Acme",
            "budget": "50k budget",
            "timeline": "by March",
        },
    )
    assert slots["authority"] == "CTO"
    assert slots["authority_detail"]["decision_maker"] is True
    assert slots["company"] == "Acme"
    assert slots["budget_detail"]["amount"] == 50000.0
    assert slots["timeline_detail"]["status"] == "date"
    assert 0 < slots["timeline_detail"]["months"] <= 12
    assert dispatcher.messages == []


async def test_noisy_candidate_for_another_slot_keeps_the_earlier_value(dispatcher, domain) -> None:
    # spaCy tags "CTO" as an organisation; the company we already know must survive.
    slots = await run_form(
        dispatcher,
        domain,
        text="I'm the CTO",
        requested_slot="authority",
        slots={"company": "Acme"},
        candidates={"authority": "CTO", "company": "CTO"},
    )
    assert slots["company"] == "Acme"
    assert slots["authority"] == "CTO"
    assert dispatcher.messages == []


async def test_unreadable_budget_is_asked_again_then_skipped(dispatcher, domain) -> None:
    first = await run_form(
        dispatcher,
        domain,
        text="purple monkey",
        requested_slot="budget",
        candidates={"budget": "purple monkey"},
    )
    assert first["budget"] is None
    assert first["failed_attempts"] == {"budget": 1}
    assert responses(dispatcher) == ["utter_invalid_budget"]

    second_dispatcher = CollectingDispatcher()
    second = await run_form(
        second_dispatcher,
        domain,
        text="banana",
        requested_slot="budget",
        slots={"failed_attempts": {"budget": 1}},
        candidates={"budget": "banana"},
    )
    assert second["budget"] == "banana"
    assert second["budget_detail"]["status"] == "unknown"
    assert second["budget_detail"]["amount"] is None
    assert responses(second_dispatcher) == ["utter_moving_on"]


@pytest.mark.parametrize("slot", ["budget", "timeline", "authority", "need"])
async def test_rather_not_say_records_unknown_and_moves_on(dispatcher, domain, slot) -> None:
    slots = await run_form(
        dispatcher,
        domain,
        text="rather not say",
        intent="dont_know",
        requested_slot=slot,
        candidates={slot: "rather not say"},
    )
    assert slots[slot] == "rather not say"
    assert slots[f"{slot}_detail"]["status" if slot in ("budget", "timeline") else "level"] == (
        "unknown"
    )
    assert responses(dispatcher) == ["utter_moving_on"]


async def test_declined_contact_detail_is_skipped_not_stored_as_a_name(dispatcher, domain) -> None:
    slots = await run_form(
        dispatcher,
        domain,
        text="prefer not to say",
        intent="dont_know",
        requested_slot="name",
        candidates={"name": "prefer not to say"},
    )
    assert slots["skipped_slots"] == ["name"]
    assert responses(dispatcher) == ["utter_moving_on"]


async def test_disposable_email_is_refused_kindly(dispatcher, domain) -> None:
    slots = await run_form(
        dispatcher,
        domain,
        text="bob@mailinator.com",
        requested_slot="email",
        candidates={"email": "bob@mailinator.com"},
    )
    assert slots["email"] is None
    assert responses(dispatcher) == ["utter_disposable_email"]


async def test_invalid_email_says_why(dispatcher, domain) -> None:
    slots = await run_form(
        dispatcher,
        domain,
        text="bob at acme",
        requested_slot="email",
        candidates={"email": "bob at acme"},
    )
    assert slots["email"] is None
    [message] = dispatcher.messages
    assert message["response"] == "utter_invalid_email"
    assert message["reason"]


async def test_free_mail_is_accepted_and_flagged(dispatcher, domain) -> None:
    slots = await run_form(
        dispatcher,
        domain,
        text="sure, Jane.Doe@Gmail.com",
        requested_slot="email",
        candidates={"email": "Jane.Doe@Gmail.com"},
    )
    assert slots["email"] == slots["email_detail"]["normalized"]
    assert slots["email_detail"]["status"] == "free"
    assert dispatcher.messages == []


@pytest.mark.parametrize(("intent", "decides"), [("affirm", True), ("deny", False)])
async def test_yes_or_no_answers_the_sign_off_question(dispatcher, domain, intent, decides) -> None:
    text = "yep" if decides else "nope"
    slots = await run_form(
        dispatcher,
        domain,
        text=text,
        intent=intent,
        requested_slot="authority",
        candidates={"authority": text},
    )
    assert slots["authority_detail"]["decision_maker"] is decides


async def test_a_failing_normalizer_never_escapes_the_action(
    dispatcher, domain, monkeypatch
) -> None:
    def broken(answer: Any) -> Any:
        raise RuntimeError("boom")

    monkeypatch.setattr(qualification_module, "judge_answer", broken)
    slots = await run_form(
        dispatcher,
        domain,
        text="50k",
        requested_slot="budget",
        candidates={"budget": "50k"},
    )
    assert slots["budget"] is None
    assert responses(dispatcher) == ["utter_default"]


@pytest.mark.parametrize(
    ("requested", "expected"),
    [("budget", "utter_why_budget"), ("email", "utter_why_email"), (None, "utter_why_general")],
)
async def test_why_do_you_ask_explains_the_current_question(
    dispatcher, domain, requested, expected
) -> None:
    tracker = make_tracker(text="why do you ask", intent="why_ask", requested_slot=requested)
    assert await ActionExplainWhy().run(dispatcher, tracker, domain) == []
    assert responses(dispatcher) == [expected]


def test_every_response_the_actions_send_exists_in_the_domain(domain) -> None:
    names = set(domain["responses"])
    for slot in ("need", "budget", "authority", "timeline", "name", "email", "company"):
        assert f"utter_why_{slot}" in names
        assert f"utter_invalid_{slot}" in names
        assert f"utter_ask_{slot}" in names
    assert {"utter_moving_on", "utter_disposable_email", "utter_default"} <= names


async def test_the_intent_comes_from_the_last_user_event_not_a_stale_latest_message(
    dispatcher, domain
) -> None:
    # Rasa 3.6 leaves latest_message on an older message while a form fills slots.
    tracker = make_tracker(
        text="rather not say",
        intent="dont_know",
        requested_slot="budget",
        candidates={"budget": "hmm let me think"},
    )
    tracker.latest_message = {"text": "I want a demo", "intent": {"name": "request_sales"}}
    events = await FORM.run(dispatcher, tracker, domain)
    assert slot_events(events)["budget_detail"]["status"] == "unknown"
    assert responses(dispatcher) == ["utter_moving_on"]


async def test_the_best_of_several_role_entities_is_kept(dispatcher, domain) -> None:
    # DIET tags both "marketing manager" and "signs"; Rasa hands us the last one.
    slots = await run_form(
        dispatcher,
        domain,
        text="I'm the marketing manager, my boss signs",
        requested_slot="authority",
        candidates={"authority": "signs"},
        entities=[("role", "marketing manager"), ("role", "signs")],
    )
    assert slots["authority"] == "marketing manager"
    assert slots["authority_detail"]["level"] == "influencer"
    assert slots["authority_detail"]["decision_maker"] is False
    assert dispatcher.messages == []


async def test_an_answer_to_another_question_is_kept_and_the_question_comes_back(
    dispatcher, domain
) -> None:
    slots = await run_form(
        dispatcher,
        domain,
        text="by end of Q1",
        requested_slot="authority",
        slots={"failed_attempts": {"authority": 1}},
        candidates={"authority": "by end of Q1", "timeline": "by end of Q1"},
        entities=[("timeline", "by end of Q1")],
    )
    assert slots["timeline_detail"]["status"] == "date"
    assert slots["authority"] is None  # asked again...
    assert "failed_attempts" not in slots  # ...without counting a failure ({"authority": 1})
    assert dispatcher.messages == []


def test_slot_entities_match_the_domain_mappings(domain) -> None:
    from bot.qualification import SLOT_ENTITIES

    for slot, kinds in SLOT_ENTITIES.items():
        mapped = tuple(
            m["entity"] for m in domain["slots"][slot]["mappings"] if m["type"] == "from_entity"
        )
        assert mapped == kinds, slot


@pytest.mark.parametrize(
    ("slot", "message", "entity", "expected"),
    [
        ("company", "Example Corp", "Corp", "Example Corp"),
        ("company", "I work at Globex Corporation", "Globex", "Globex Corporation"),
        ("name", "my name is sophie laurent", "sophie", "Sophie Laurent"),
    ],
)
async def test_asked_for_a_name_or_company_the_whole_answer_wins_over_a_cut_entity(
    dispatcher, domain, slot, message, entity, expected
) -> None:
    slots = await run_form(
        dispatcher,
        domain,
        text=message,
        requested_slot=slot,
        candidates={slot: entity},
        entities=[(slot, entity)],
    )
    assert slots[slot] == expected


async def test_a_role_split_in_two_by_diet_is_read_whole(dispatcher, domain) -> None:
    text = "hi, I'm Priya, head of marketing at Zenbyte"
    slots = await run_form(
        dispatcher,
        domain,
        text=text,
        requested_slot=None,
        candidates={"authority": "marketing", "company": "Zenbyte"},
        entities=[("role", "head"), ("role", "marketing"), ("company", "Zenbyte")],
    )
    assert slots["authority"] == "head of marketing"
    assert slots["authority_detail"]["decision_maker"] is True


async def test_a_budget_given_when_asked_for_the_need_is_not_taken_as_the_need(
    dispatcher, domain
) -> None:
    slots = await run_form(
        dispatcher,
        domain,
        text="maybe 5k",
        requested_slot="need",
        candidates={"need": "maybe 5k", "budget": "5k"},
        entities=[("budget", "5k")],
    )
    assert slots["budget_detail"]["amount"] == 5000
    assert slots["need"] is None  # asked again
    assert "failed_attempts" not in slots  # no penalty: the count stays as it was
    assert dispatcher.messages == []


async def test_a_need_with_a_budget_in_it_is_still_the_need(dispatcher, domain) -> None:
    text = "we lose leads every night and can spend 5k on fixing it"
    slots = await run_form(
        dispatcher,
        domain,
        text=text,
        requested_slot="need",
        candidates={"need": text, "budget": "5k"},
        entities=[("budget", "5k")],
    )
    assert slots["need"] == text
    assert slots["budget_detail"]["amount"] == 5000
