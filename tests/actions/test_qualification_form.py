"""validate_qualification_form with real rasa_sdk Tracker and CollectingDispatcher objects."""

from __future__ import annotations

from typing import Any

import pytest
from rasa_sdk.executor import CollectingDispatcher

import actions.qualification as qualification_module
from actions.conversation import ActionExplainWhy
from actions.qualification import ValidateHandoffForm, ValidateQualificationForm
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
    assert slots["authority"] == "I'm the CTO"  # the answer as said (the lead's raw)
    assert slots["authority_detail"]["role"] == "CTO"
    assert dispatcher.messages == []


@pytest.mark.parametrize(
    ("text", "span", "decision_maker", "role"),
    [
        ("not me, the owner does", "the owner", False, None),
        ("cofounder, me and my partner decide together", "partner", True, "Co-founder"),
        ("head of growth, but the CEO has the final word", "CEO", False, "Head of Growth"),
    ],
)
async def test_authority_is_read_from_the_whole_answer(
    dispatcher, domain, text: str, span: str, decision_maker: bool, role: str | None
) -> None:
    """DIET's role span alone ("the owner") said the opposite of the sentence."""
    slots = await run_form(
        dispatcher,
        domain,
        text=text,
        requested_slot="authority",
        candidates={"authority": span},
        entities=[("role", span)],
    )
    assert slots["authority_detail"]["decision_maker"] is decision_maker
    assert slots["authority_detail"]["role"] == role


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
    assert slots["authority"] == "I'm the marketing manager, my boss signs"
    assert slots["authority_detail"]["role"] == "Marketing Manager"
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


# ---- never asked more than twice (ask_counts) ------------------------------------------


def asked(slot: str, times: int) -> list[dict[str, Any]]:
    """Bot messages as Rasa logs the form's question (utter_action in the metadata)."""
    return [
        {"event": "bot", "text": f"ask {slot}", "metadata": {"utter_action": f"utter_ask_{slot}"}}
        for _ in range(times)
    ]


async def test_the_asks_of_each_question_are_counted_in_a_slot(dispatcher, domain) -> None:
    slots = await run_form(
        dispatcher,
        domain,
        text="about 20k",
        requested_slot="budget",
        slots={"need": "we lose leads at night"},
        candidates={"budget": "about 20k"},
        history=[*asked("need", 1), *asked("budget", 1)],
    )
    assert slots["ask_counts"] == {"need": 1, "budget": 1}
    assert slots["requested_slot"] == "authority"


async def test_a_digression_right_after_the_question_lets_its_rule_answer_first(
    dispatcher, domain
) -> None:
    # No slot filled by "why do you ask?": the form must reject its turn (no events), so
    # Rasa runs the digression's rule; the count changes when the form comes back.
    events = await FORM.run(
        dispatcher,
        make_tracker(
            text="why do you ask",
            intent="why_ask",
            requested_slot="budget",
            slots={"need": "we lose leads"},
            history=[*asked("need", 1), *asked("budget", 2)],
        ),
        domain,
    )
    assert {e["name"] for e in events if e["event"] == "slot"} <= {"requested_slot"}
    assert dispatcher.messages == []


async def test_a_question_asked_twice_and_digressed_from_is_recorded_unknown(
    dispatcher, domain
) -> None:
    # After "why do you ask?" the form comes back (after the explanation) with no
    # candidate for a budget already asked twice.
    tracker = make_tracker(
        text="why do you ask",
        intent="why_ask",
        requested_slot="budget",
        slots={"need": "we lose leads", "ask_counts": {"need": 1, "budget": 2}},
        history=[*asked("need", 1), *asked("budget", 2)],
    )
    tracker.events.append({"event": "action", "name": "action_explain_why"})
    slots = slot_events(await FORM.run(dispatcher, tracker, domain))
    assert slots["budget"] == "(no answer)"
    assert slots["budget_detail"]["status"] == "unknown"
    assert slots["requested_slot"] == "authority"
    assert responses(dispatcher) == ["utter_moving_on"]


async def test_a_wrong_answer_after_the_second_ask_moves_on(dispatcher, domain) -> None:
    slots = await run_form(
        dispatcher,
        domain,
        text="the red one",
        requested_slot="timeline",
        candidates={"timeline": "the red one"},
        history=asked("timeline", 2),
    )
    assert slots["timeline_detail"]["status"] == "unknown"
    assert responses(dispatcher) == ["utter_moving_on"]
    assert slots["requested_slot"] == "need"  # the first question still open


async def test_an_answer_after_the_second_ask_is_still_taken(dispatcher, domain) -> None:
    slots = await run_form(
        dispatcher,
        domain,
        text="in 3 months",
        requested_slot="timeline",
        candidates={"timeline": "in 3 months"},
        history=asked("timeline", 2),
    )
    assert slots["timeline_detail"]["status"] == "date"
    assert dispatcher.messages == []


async def test_the_handoff_form_counts_its_own_wording_of_the_email_question(
    dispatcher, domain
) -> None:

    history = [
        {"event": "bot", "text": "email?", "metadata": {"utter_action": "utter_ask_email"}},
        {
            "event": "bot",
            "text": "email to reach you?",
            "metadata": {"utter_action": "utter_ask_handoff_form_email"},
        },
    ]
    tracker = make_tracker(
        text="hmm why",
        intent="why_ask",
        requested_slot="email",
        history=history,
        form="handoff_form",
    )
    tracker.events.append({"event": "action", "name": "action_explain_why"})
    events = await ValidateHandoffForm().run(dispatcher, tracker, domain)
    slots = slot_events(events)
    assert slots["email"] == "(no answer)"
    assert slots["skipped_slots"] == ["email"]
    assert slots["requested_slot"] is None  # the handoff form is done


# ---- volunteered facts ------------------------------------------------------------------


async def test_a_company_answer_never_replaces_the_role(dispatcher, domain) -> None:
    # Asked for the company, DIET also tags a role in the answer: the role we had stays.
    slots = await run_form(
        dispatcher,
        domain,
        text="Owner Academy",
        requested_slot="company",
        slots={"authority": "student"},
        candidates={"company": "Owner Academy", "authority": "Owner"},
        entities=[("company", "Owner Academy"), ("role", "Owner")],
    )
    assert slots["company"] == "Owner Academy"
    assert slots["authority"] == "student"


async def test_an_amounts_period_does_not_fill_the_timeline(dispatcher, domain) -> None:
    text = "we have $50k for one year"
    slots = await run_form(
        dispatcher,
        domain,
        text=text,
        requested_slot="budget",
        candidates={"budget": "$50k for one year", "timeline": "for one year"},
        entities=[("budget", "$50k"), ("timeline", "for one year")],
    )
    assert slots["budget_detail"]["amount"] == 50000
    assert slots["budget_detail"]["period"] == "year"
    assert slots["timeline"] is None


# ---- clarify and fallback -----------------------------------------------------------------


async def test_what_do_you_mean_says_the_question_another_way(dispatcher, domain) -> None:
    tracker = make_tracker(text="what do you mean?", intent="clarify", requested_slot="budget")
    assert await ActionExplainWhy().run(dispatcher, tracker, domain) == []
    assert responses(dispatcher) == ["utter_clarify_budget"]


def fallback_history(times: int) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = [{"event": "action", "name": "utter_greet"}]
    for _ in range(times):
        events += [
            {"event": "action", "name": "action_listen"},
            {"event": "user", "text": "blorp", "parse_data": {"intent": {"name": "nlu_fallback"}}},
            {"event": "action", "name": "action_fallback"},
        ]
    return [*events, {"event": "action", "name": "action_listen"}]


@pytest.mark.parametrize(
    ("before", "expected"),
    [(0, ["utter_default"]), (1, ["utter_fallback_options"]), (2, [])],
)
async def test_never_more_than_two_not_understood_replies_in_a_row(
    dispatcher, domain, before, expected
) -> None:
    from actions.conversation import ActionFallback

    tracker = make_tracker(
        text="flurb", intent="nlu_fallback", form=None, history=fallback_history(before)
    )
    tracker.latest_message["intent_ranking"] = [
        {"name": "nlu_fallback"},
        {"name": "faq"},
        {"name": "request_sales"},
    ]
    events = await ActionFallback().run(dispatcher, tracker, domain)
    assert responses(dispatcher) == expected
    if expected == ["utter_fallback_options"]:
        titles = [b["title"] for b in dispatcher.messages[0]["buttons"]]
        assert titles == ["What is Leadbot?", "See a demo", "Talk to a person"]
    if not expected:  # the third time: a person (the handoff form asks for an email)
        assert {"event": "followup", "timestamp": None, "name": "handoff_form"} in events
        assert {
            "event": "slot",
            "name": "human_requested",
            "value": True,
            "timestamp": None,
        } in events


async def test_a_need_told_in_passing_is_kept_and_not_asked(dispatcher, domain) -> None:
    text = "Hi, I'm Sam from Acme. Our leads go cold over the weekend. Budget about 10k."
    slots = await run_form(
        dispatcher,
        domain,
        text=text,
        requested_slot=None,
        candidates={"name": "Sam", "company": "Acme", "budget": "about 10k"},
        entities=[("name", "Sam"), ("company", "Acme"), ("budget", "about 10k")],
    )
    assert slots["need"] == "Our leads go cold over the weekend"
    assert slots["need_detail"]["level"] == "concrete"
    assert slots["requested_slot"] == "authority"


async def test_a_greeting_with_a_name_is_not_a_need(dispatcher, domain) -> None:
    slots = await run_form(
        dispatcher,
        domain,
        text="Hi, I'm Sam from Acme",
        requested_slot=None,
        candidates={"name": "Sam", "company": "Acme"},
        entities=[("name", "Sam"), ("company", "Acme")],
    )
    assert "need" not in slots or slots["need"] is None
    assert slots["requested_slot"] == "need"


@pytest.mark.parametrize(
    ("slot", "text", "intent"),
    [
        ("budget", "roughly 20k a year", "human"),
        ("timeline", "we'd want it live by march", "faq"),
        ("company", "Brightline Freight", "out_of_scope"),
    ],
)
async def test_an_answer_beats_a_digression_the_nlu_was_unsure_of(
    dispatcher, domain, slot: str, text: str, intent: str
) -> None:
    """Without the answer taken here the form rejects its turn and the digression's rule
    answers instead (an FAQ, a handoff): the question is asked again or lost."""
    slots = await run_form(
        dispatcher, domain, text=text, intent=intent, confidence=0.62, requested_slot=slot
    )
    assert slots[slot] == text
    if slot in ("budget", "timeline"):
        assert slots[f"{slot}_detail"]["status"] in ("amount", "date")


async def test_a_sure_digression_is_left_to_its_rule(dispatcher, domain) -> None:
    slots = await run_form(
        dispatcher,
        domain,
        text="roughly 20k a year, but can I talk to someone first?",
        intent="human",
        confidence=0.93,
        requested_slot="budget",
    )
    assert "budget" not in slots  # the form rejects its turn; the rule for `human` runs


async def test_the_human_intent_naming_no_person_yields_to_the_answer(dispatcher, domain) -> None:
    """DIET read "humanly" as asking for a human, at 1.0: a request for a person names one."""
    slots = await run_form(
        dispatcher,
        domain,
        text="as quickly as humanly possible",
        intent="human",
        confidence=1.0,
        requested_slot="timeline",
    )
    assert slots["timeline_detail"]["status"] == "date"
    assert slots["timeline_detail"]["months"] == 0


async def test_a_need_told_not_asked_beats_a_sure_faq(dispatcher, domain) -> None:
    """DIET was sure a plain statement of the need was an FAQ question (about hosting):
    a statement asks nothing, so the answer is taken and the need is not lost."""
    text = "privacy rules mean our leads must stay in Germany, so we have to run it in-house"
    slots = await run_form(
        dispatcher, domain, text=text, intent="faq", confidence=0.97, requested_slot="need"
    )
    assert slots["need"] == text


@pytest.mark.parametrize("text", ["how do we host it ourselves", "self hosting"])
async def test_a_sure_faq_question_or_topic_stays_a_digression(
    dispatcher, domain, text: str
) -> None:
    slots = await run_form(
        dispatcher, domain, text=text, intent="faq", confidence=0.97, requested_slot="need"
    )
    assert "need" not in slots


async def test_an_unsure_digression_that_answers_nothing_stays_a_digression(
    dispatcher, domain
) -> None:
    slots = await run_form(
        dispatcher,
        domain,
        text="can I just talk to somebody instead?",
        intent="human",
        confidence=0.6,
        requested_slot="budget",
    )
    assert "budget" not in slots


def test_digression_intents_match_the_domain_mappings(domain) -> None:
    from bot.qualification import DIGRESSION_INTENTS

    for slot in ("budget", "authority", "timeline", "name", "company"):
        lists = [m.get("not_intent") for m in domain["slots"][slot]["mappings"]]
        assert set(next(x for x in lists if x)) == DIGRESSION_INTENTS, slot


async def test_the_name_answer_is_not_also_the_company(dispatcher, domain) -> None:
    """DIET tags the asked name as a company too: one span is one fact, the asked one."""
    slots = await run_form(
        dispatcher,
        domain,
        text="it's Zoë Hartley btw",
        requested_slot="name",
        candidates={"name": "it's Zoë Hartley btw", "company": "Zoë Hartley"},
        entities=[("company", "Zoë Hartley")],
    )
    assert slots["name"] == "Zoë Hartley"
    assert slots["company"] is None


async def test_a_budget_span_with_one_end_of_the_range_gets_the_range(dispatcher, domain) -> None:
    slots = await run_form(
        dispatcher,
        domain,
        text="$300 to $500 per month",
        requested_slot="budget",
        candidates={"budget": "$500 per month"},
        entities=[("budget", "$500 per month")],
    )
    detail = slots["budget_detail"]
    assert (detail["amount"], detail["amount_max"], detail["period"]) == (300.0, 500.0, "month")


async def test_a_hedge_in_the_span_yields_to_a_figure_in_the_answer(dispatcher, domain) -> None:
    text = "it kind of depends on the relaunch, but three months out is what I'm aiming for."
    slots = await run_form(
        dispatcher,
        domain,
        text=text,
        requested_slot="timeline",
        candidates={"timeline": "kind of depends"},
        entities=[("timeline", "kind of depends")],
    )
    assert slots["timeline_detail"]["status"] == "date"
    assert slots["timeline_detail"]["months"] == 3.0


@pytest.mark.parametrize(
    ("text", "decision_maker", "role"),
    [
        ("I own a small florist shop and orders by phone get lost", True, "Owner"),
        ("I'm here about the vacancy on your careers page", False, None),
    ],
)
async def test_who_decides_told_in_the_need_answer_is_kept(
    dispatcher, domain, text: str, decision_maker: bool, role: str | None
) -> None:
    """The need's answer said who decides without a title DIET tags: kept, never asked."""
    slots = await run_form(
        dispatcher, domain, text=text, requested_slot="need", candidates={"need": text}
    )
    assert slots["authority_detail"]["decision_maker"] is decision_maker
    assert slots["authority_detail"]["role"] == role
    assert slots["need"] == text
