"""action_validate_slot_mappings: the facts Rasa's global mappings fill where no form of
ours judges them. The trackers have the shape Rasa sends at the end of
action_extract_slots: the visitor's message, then the slots it just filled."""

from __future__ import annotations

from typing import Any

from rasa_sdk.executor import CollectingDispatcher

from actions.volunteered import ValidateVolunteeredFacts
from tests.support.rasa_objects import make_tracker

ACTION = ValidateVolunteeredFacts()


async def judged(domain: dict[str, Any], **kw: Any) -> dict[str, Any]:
    events = await ACTION.run(CollectingDispatcher(), make_tracker(**kw), domain)
    return {e["name"]: e["value"] for e in events if e["event"] == "slot"}


def test_its_name_is_the_one_rasa_calls(domain) -> None:
    assert ACTION.name() == "action_validate_slot_mappings"
    assert "action_validate_slot_mappings" in domain["actions"]


async def test_a_stray_guess_while_asked_for_an_email_is_refused(domain) -> None:
    text = "sam@acme-robotics.io works, mornings are best."
    slots = await judged(
        domain,
        text=text,
        form="handoff_form",
        requested_slot="email",
        candidates={"email": "sam@acme-robotics.io", "company": "best."},
        entities=[("email", "sam@acme-robotics.io"), ("company", "best.")],
    )
    assert slots["company"] is None  # refused: the slot keeps its earlier value (none)
    assert "email" not in slots  # the handoff form's own question: its validator judges it


async def test_an_email_address_is_not_a_company(domain) -> None:
    text = "my emal adress is lena.schulz@bright-analytics.de"
    slots = await judged(
        domain,
        text=text,
        form=None,
        candidates={"company": "lena.schulz@bright-analytics.de"},
        entities=[("company", "lena.schulz@bright-analytics.de")],
    )
    assert slots["company"] is None


async def test_a_refused_guess_keeps_the_fact_we_had(domain) -> None:
    slots = await judged(
        domain,
        text="I can be reached at info@mill-street-bakery.co.uk",
        form=None,
        slots={"company": "Mill Street Bakery"},
        candidates={"company": "reached"},
        entities=[("company", "reached")],
    )
    assert slots["company"] == "Mill Street Bakery"


async def test_facts_volunteered_in_the_opening_are_kept_and_normalized(domain) -> None:
    text = "Hi, I'm the CTO at Brightline Freight, we have about 40k for this"
    slots = await judged(
        domain,
        text=text,
        form=None,
        candidates={"authority": "CTO", "company": "Brightline Freight", "budget": "about 40k"},
        entities=[("role", "CTO"), ("company", "Brightline Freight"), ("budget", "about 40k")],
    )
    assert slots["company"] == "Brightline Freight"
    assert slots["authority_detail"]["decision_maker"] is True
    assert slots["budget_detail"]["amount"] == 40000.0


async def test_inside_the_qualification_form_the_form_judges(domain) -> None:
    slots = await judged(
        domain,
        text="mornings are best.",
        form="qualification_form",
        requested_slot="timeline",
        candidates={"company": "best."},
        entities=[("company", "best.")],
    )
    assert slots == {}  # left to validate_qualification_form, which asks with context


async def test_a_name_also_tagged_as_the_company_is_the_name(domain) -> None:
    text = "hello, this is Björn Lindqvist. hello@tinybox.io. please call me back"
    slots = await judged(
        domain,
        text=text,
        form=None,
        candidates={"name": "Björn Lindqvist", "company": "Björn Lindqvist"},
        entities=[("name", "Björn Lindqvist"), ("company", "Björn Lindqvist")],
    )
    assert slots["name"] == "Björn Lindqvist"
    assert slots["company"] is None


async def test_a_need_told_in_the_opening_is_kept(domain) -> None:
    slots = await judged(
        domain,
        text="hi, ole hansen here. our situation: nothing really, just browsing.",
        intent="describe_need",
        form=None,
    )
    assert slots["need_detail"]["level"] == "none"


async def test_a_request_to_us_is_no_need(domain) -> None:
    slots = await judged(domain, text="hi, I need a demo", intent="request_sales", form=None)
    assert "need" not in slots


async def test_when_it_is_needed_is_no_need(domain) -> None:
    """'need it by March' says when, about a thing it does not name: the need is asked."""
    for text in ("I'm the CTO at Acme, 50k budget, need it by March", "we want this live in Q2"):
        slots = await judged(domain, text=text, intent="inform", form=None)
        assert "need" not in slots, text


async def test_wanting_the_product_is_no_need(domain) -> None:
    """A request to buy, try or start names no problem: the need question still asks."""
    for text in (
        "we want to try it for our company, please get in touch",
        "good morning, we want to get going in 2 months",
        "I want to buy this",
    ):
        slots = await judged(domain, text=text, intent="request_sales", form=None)
        assert "need" not in slots, text


async def test_asking_for_sales_about_something_is_no_need(domain) -> None:
    for text in (
        "I want to talk to your sales team about a rollout",
        "I'd like to speak with someone about pricing",
    ):
        slots = await judged(domain, text=text, intent="request_sales", form=None)
        assert "need" not in slots, text


async def test_a_question_read_as_a_need_is_no_need(domain) -> None:
    """Rasa's from_text mapping fills the need with a whole describe_need message: a
    question to us is not a need told, whatever pain word it holds."""
    text = "does the widget slow down my site?"
    slots = await judged(
        domain, text=text, intent="describe_need", form=None, candidates={"need": text}
    )
    assert slots.get("need") is None


async def test_no_thanks_to_an_offer_is_no_need(domain) -> None:
    slots = await judged(domain, text="no need, thanks", intent="deny", form=None)
    assert "need" not in slots


async def test_facts_told_in_the_opening_without_entities_are_kept(domain) -> None:
    """DIET tagged nothing: the name after its cue and who decides are still read."""
    slots = await judged(
        domain,
        text="hi, I'm Paweł Wiśniewski. we lose leads at night and it's my company lol",
        intent="inform",
        form=None,
    )
    assert slots["name"] == "Paweł Wiśniewski"
    assert slots["authority_detail"]["decision_maker"] is True


async def test_an_introduced_company_is_kept(domain) -> None:
    slots = await judged(
        domain, text="we're Bell & Whistle. lots of requests for tiny jobs", form=None
    )
    assert slots["company"] == "Bell & Whistle"


async def test_an_undecided_budget_told_with_its_label_is_kept(domain) -> None:
    """'Budget: it depends' answers the budget question: asking it again is a loop."""
    slots = await judged(
        domain,
        text="Timing: three months out. Budget: it depends on what you offer.",
        form=None,
    )
    assert slots["budget_detail"]["status"] == "unknown"
    assert slots["timeline_detail"]["months"] == 3.0


async def test_a_company_with_its_legal_form_is_a_company_not_a_name(domain) -> None:
    """'Zentrix AG here' introduces a company (the legal form says so), never a person."""
    for text, company in (
        ("good afternoon, Zentrix AG here. we want to get going soon", "Zentrix AG"),
        ("good afternoon, Nordlys AS here, just checking prices", "Nordlys AS"),
    ):
        slots = await judged(domain, text=text, intent="inform", form=None)
        assert slots.get("company") == company, text
        assert "name" not in slots, text


async def test_the_company_in_brackets_after_a_name_is_kept(domain) -> None:
    """'Maria González (Bellweather Media Group)': who the visitor is with, in brackets; a
    title in brackets is no company."""
    slots = await judged(
        domain,
        text="Hey, it's Maria González (Bellweather Media Group). Budget is 10k a month",
        intent="inform",
        form=None,
    )
    assert slots["name"] == "Maria González"
    assert slots["company"] == "Bellweather Media Group"
    slots = await judged(domain, text="Hi, I'm Omar Haddad (CTO)", intent="inform", form=None)
    assert slots.get("company") is None


async def test_a_start_told_in_passing_without_an_entity_is_the_timeline(domain) -> None:
    """DIET tagged nothing in 'in 3 monts': the start cue and the reader keep it."""
    slots = await judged(
        domain, text="good afternoon, acme here. we want to get going in 3 monts", form=None
    )
    assert slots["timeline"] == "in 3 monts"
    assert slots["timeline_detail"]["months"] == 3.0


async def test_an_entity_keeps_the_case_the_visitor_typed(domain) -> None:
    """DIET reads a lower-cased copy of the message: its value 'café lumière' is the
    visitor's 'Café Lumière', which reads as a company where the lower case would not."""
    text = (
        "We're Café Lumière. our sales team can't tell which website leads are worth calling first."
    )
    slots = await judged(
        domain,
        text=text,
        form=None,
        entities=[("company", "Café Lumière"), ("timeline", "n't"), ("role", "leads")],
        candidates={"company": "café lumière"},
        lower_case_values=True,
    )
    assert slots["company"] == "Café Lumière"
    # the lower-case words DIET tagged inside the need are not cut out of it
    assert slots["need"] == "our sales team can't tell which website leads are worth calling first"


async def test_a_refused_entity_yields_to_the_words_told(domain) -> None:
    """DIET tagged 'about' as the timeline and 'sales' as the role: both are refused, and
    the start and the deciding words told around them are kept, so neither is asked."""
    text = "Hey, looking to buy in about nine months. sales director, and yes I sign."
    slots = await judged(
        domain,
        text=text,
        form=None,
        entities=[("timeline", "about"), ("role", "sales")],
        candidates={"timeline": "about", "authority": "sales"},
    )
    assert slots["timeline"] == "in about nine months"
    assert slots["timeline_detail"]["months"] == 9.0
    assert slots["authority_detail"]["decision_maker"] is True


async def test_a_form_activation_keeps_what_the_first_extraction_judged(domain) -> None:
    """Rasa extracts slots from the same message again when it activates a form, this time
    with the form active: DIET's raw candidates ('yes' as the timeline) must not replace
    the facts judged the first time, or the form refuses them and the start is asked."""
    text = "Hey, looking to buy in about nine months. sales director, and yes I sign."
    tracker = make_tracker(
        text=text,
        form="qualification_form",
        entities=[("timeline", "yes"), ("role", "sales director")],
        candidates={
            "timeline": "in about nine months",
            "timeline_detail": {"raw": "in about nine months", "months": 9.0},
            "authority": "sales director",
            "budget": None,
        },
    )
    tracker.events.append({"event": "user_featurization"})
    for name, value in {"timeline": "yes", "authority": "sign", "budget": "about"}.items():
        tracker.events.append({"event": "slot", "name": name, "value": value})
        tracker.slots[name] = value
    events = await ACTION.run(CollectingDispatcher(), tracker, domain)
    slots = {e["name"]: e["value"] for e in events if e["event"] == "slot"}
    assert slots == {
        "timeline": "in about nine months",
        "authority": "sales director",
        "budget": None,
    }


async def test_a_form_turn_leaves_the_form_its_own_slots(domain) -> None:
    """The first extraction of a message while the form is active: nothing was judged
    before it, so the form's validator judges its slots and this action sets none."""
    slots = await judged(
        domain,
        text="in about nine months",
        form="qualification_form",
        requested_slot="timeline",
        entities=[("timeline", "in about nine months")],
        candidates={"timeline": "in about nine months"},
    )
    assert "timeline" not in slots
