"""bot.qualification: which words may fill which slot, and when the form moves on."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from bot.qualification import (
    MAX_ASKS,
    NO_ANSWER,
    Answer,
    Mention,
    Verdict,
    answers_despite_digression,
    build_answer,
    decider_told_with_the_need,
    give_up,
    is_amount_period,
    judge_answer,
    labelled_facts,
    volunteered_need,
    volunteered_timeline,
)

TODAY = dt.date(2026, 12, 1)


def mention(message: str, kind: str, value: str) -> Mention:
    start = message.find(value)
    assert start >= 0, value
    return Mention(kind, value, start, start + len(value))


def asked_need(message: str, intent: str) -> Answer:
    """The answer to the asked need question, as the NLU classified it."""
    return build_answer(
        "need",
        message,
        message=message,
        intent=intent,
        mentions=[],
        requested=True,
        today=TODAY,
        asks=1,
        known=False,
        failed_attempts=0,
    )


def judge(
    slot: str,
    message: str,
    *,
    candidate: str | None = None,
    entities: list[tuple[str, str]] = (),  # type: ignore[assignment]
    requested: bool = False,
    intent: str = "inform",
    asks: int = 0,
    known: bool = False,
    failed_attempts: int = 0,
) -> Verdict:
    mentions = [mention(message, kind, value) for kind, value in entities]
    own = [
        m.value for m in mentions if m.kind == slot or (slot == "authority" and m.kind == "role")
    ]
    answer = build_answer(
        slot,
        candidate if candidate is not None else (own[-1] if own else message),
        message=message,
        intent=intent,
        mentions=mentions,
        requested=requested,
        today=TODAY,
        asks=asks,
        known=known,
        failed_attempts=failed_attempts,
    )
    return judge_answer(answer)


# ---- volunteered facts: only from the words that carry them ---------------------------


@pytest.mark.parametrize(
    ("message", "timeline"),
    [
        ("we have $50k for one year", "for one year"),
        ("budget is 20k this year", "this year"),
        ("we could do 8k for two years", "for two years"),
    ],
)
def test_an_amounts_period_is_not_a_timeline(message: str, timeline: str) -> None:
    verdict = judge("timeline", message, entities=[("budget", message), ("timeline", timeline)])
    assert verdict.value is None


def test_a_real_deadline_next_to_a_budget_is_kept() -> None:
    message = "we have $50k and need it by March"
    verdict = judge("timeline", message, entities=[("budget", "$50k"), ("timeline", "by March")])
    assert verdict.detail is not None
    assert verdict.detail["status"] == "date"


@pytest.mark.parametrize(
    ("slot", "message", "entity"),
    [
        ("timeline", "not sure about the budget, depends on timing", "depends on timing"),
        ("budget", "no idea on budget yet, I'm the CTO", "no idea on budget yet"),
        ("authority", "rather not say who decides", "rather not say"),
    ],
)
def test_an_undecided_phrase_fills_only_the_asked_slot(
    slot: str, message: str, entity: str
) -> None:
    kind = "role" if slot == "authority" else slot
    assert judge(slot, message, entities=[(kind, entity)]).value is None


def test_a_volunteered_fact_never_replaces_one_we_have() -> None:
    message = "it's my call"
    verdict = judge("authority", message, entities=[("role", "my call")], known=True)
    assert verdict.value is None


def test_spacys_guess_alone_does_not_fill_a_question_not_asked() -> None:
    message = "we do it for software"
    verdict = judge("company", message, candidate="software", entities=[("ORG", "software")])
    assert verdict.value is None


def test_a_full_name_cut_short_by_the_nlu_is_read_whole() -> None:
    message = "hi, I'm Sophie Laurent from Acme and we need a demo"
    verdict = judge("name", message, entities=[("name", "Sophie")])
    assert verdict.value == "Sophie Laurent"


def test_a_budget_word_next_to_its_figure_gives_the_amount() -> None:
    message = "hello, our budget is 40k, need help with leads"
    verdict = judge("budget", message, entities=[("budget", "budget")])
    assert verdict.detail is not None
    assert (verdict.detail["status"], verdict.detail["amount"]) == ("amount", 40000)


@pytest.mark.parametrize(
    ("message", "text", "expected"),
    [
        ("we have $50k for one year", "for one year", True),
        ("budget 20k this year", "this year", True),
        ("need it this year", "this year", False),
        ("$50k, need it in 3 months", "in 3 months", False),
        ("we want it live in one year", "in one year", False),
    ],
)
def test_is_amount_period(message: str, text: str, expected: bool) -> None:
    assert is_amount_period(message, text) is expected


# ---- asked questions: never more than MAX_ASKS ------------------------------------------


def test_a_question_asked_twice_moves_on_whatever_the_answer() -> None:
    verdict = judge("budget", "the red one", requested=True, asks=MAX_ASKS)
    assert verdict.response == "utter_moving_on"
    assert verdict.detail is not None
    assert verdict.detail["status"] == "unknown"


def test_answering_another_question_on_the_last_ask_also_moves_on() -> None:
    message = "by end of Q1"
    verdict = judge(
        "authority",
        message,
        candidate=message,
        entities=[("timeline", message)],
        requested=True,
        asks=MAX_ASKS,
    )
    assert verdict.response == "utter_moving_on"
    assert verdict.detail is not None
    assert verdict.detail["level"] == "unknown"


def test_answering_another_question_early_asks_again_without_a_word() -> None:
    message = "by end of Q1"
    verdict = judge(
        "authority", message, candidate=message, entities=[("timeline", message)], requested=True
    )
    assert (verdict.value, verdict.response, verdict.failed) == (None, None, False)


def test_i_dont_know_with_an_answer_in_it_keeps_the_answer() -> None:
    verdict = judge("budget", "not sure, maybe 10k", requested=True, intent="dont_know", asks=1)
    assert verdict.detail is not None
    assert verdict.detail["amount"] == 10000


@pytest.mark.parametrize("intent", ["deny", "dont_know", "inform"])
def test_i_dont_know_yet_is_an_unknown_budget_not_zero(intent: str) -> None:
    verdict = judge("budget", "I don't know yet", requested=True, intent=intent, asks=1)
    assert verdict.detail is not None
    assert (verdict.detail["status"], verdict.detail["amount"]) == ("unknown", None)


def test_a_plain_no_is_no_budget() -> None:
    verdict = judge("budget", "nope", requested=True, intent="deny", asks=1)
    assert verdict.detail is not None
    assert verdict.detail["status"] == "none"


@pytest.mark.parametrize(
    ("slot", "key", "skipped"),
    [("budget", "status", False), ("authority", "level", False), ("email", None, True)],
)
def test_giving_up_records_unknown(slot: str, key: str | None, skipped: bool) -> None:
    verdict = give_up(slot)
    assert verdict.value == NO_ANSWER
    assert verdict.response == "utter_moving_on"
    assert verdict.skipped is skipped
    if key:
        assert verdict.detail is not None
        assert verdict.detail[key] == "unknown"


@pytest.mark.parametrize(
    ("message", "role", "kept"),
    [
        ("So my manager and I went back and forth on this", "manager", False),
        ("our CEO has the last word", "CEO", False),
        ("I'm the CTO at Acme", "CTO", True),
        ("head of sales here, we need a demo", "head of sales", True),
        ("get me a sales rep", "sales rep", False),
        ("get me a sales rep", "a sales rep", False),
        ("get me a sales rep", "me a sales rep", False),
        ("I'm a student doing research", "a student", True),
        (
            "we have been reading your pricing page for a while, so get me a sales rep",
            "sales rep",
            False,
        ),
        ("can I talk to the CTO of your company?", "CTO", False),
        ("I'm just a student looking around", "student", True),
        ("As the COO, I pick our tools", "COO", True),
        ("I work as a consultant for clinics", "consultant", True),
        ("A sales rep here, we need a demo", "sales rep", True),
    ],
)
def test_a_title_given_to_someone_else_is_not_the_visitors_role(
    message: str, role: str, kept: bool
) -> None:
    verdict = judge("authority", message, entities=[("role", role)])
    assert (verdict.value is not None) is kept


@pytest.mark.parametrize(
    ("message", "entity", "expected"),
    [
        ("i'm the general manager at Bosphorus Textiles", "Textiles", "Bosphorus Textiles"),
        ("my company is Nordwind Logistik and i'm the coo", "Nordwind", "Nordwind Logistik"),
        ("hi, i'm sam from bluefin, we need a demo", "bluefin", "Bluefin"),
        ("ASAP, we're behind already", "already", None),
        ("will it be sunny this weekend", "sunny", None),
        ("our company Zentrix wants fewer no-shows", "Zentrix", "Zentrix"),
        ("So, about that, Vertriebsleiter... sorry, sales director", "Vertriebsleiter", None),
        ("the leads land in HubSpot, nobody reads them", "HubSpot", None),
        ("we run Nordwind Logistik, 120 people", "Nordwind Logistik", "Nordwind Logistik"),
    ],
)
def test_a_volunteered_company_reads_like_a_name(
    message: str, entity: str, expected: str | None
) -> None:
    assert judge("company", message, entities=[("company", entity)]).value == expected


def test_the_period_right_after_a_volunteered_amount_is_the_budgets() -> None:
    message = "Hi, I'm Tom. We have $40k for one year and need a chatbot."
    verdict = judge("budget", message, entities=[("budget", "$40k")])
    assert verdict.detail is not None
    assert (verdict.detail["amount"], verdict.detail["period"]) == (40000, "year")


@pytest.mark.parametrize(("text", "decides"), [("yep", True), ("yes I do", True), ("uh", None)])
def test_only_a_real_yes_says_the_visitor_signs_off(text: str, decides: bool | None) -> None:
    verdict = judge("authority", text, requested=True, intent="affirm")
    stored = verdict.detail["decision_maker"] if verdict.detail else None
    assert stored is decides


@pytest.mark.parametrize(
    ("slot", "message", "entity", "span"),
    [
        # a count, not an amount
        ("budget", "20k visits a month on the website but only 3 or 4 leads", "budget", "20k"),
        ("budget", "we're 14 people, it's a small team", "budget", "14"),
        # how long something takes, not by when
        ("timeline", "our response time is 2 days, i want it under 5 minutes", "timeline",
         "2 days"),
        ("timeline", "our response time is 2 days, i want it under 5 minutes", "timeline",
         "under 5 minutes"),
        # part of the email address
        ("company", "Use omar dot haddad at Medinaclinic dot ae please", "company",
         "Medinaclinic"),
    ],
)  # fmt: skip
def test_words_that_carry_another_thing_fill_no_slot_in_passing(
    slot: str, message: str, entity: str, span: str
) -> None:
    assert not judge(slot, message, entities=[(entity, span)]).accepted


@pytest.mark.parametrize(
    ("slot", "message", "entity", "span"),
    [
        ("budget", "we have 40k for this", "budget", "40k"),
        ("budget", "budget is around 5000", "budget", "5000"),
        ("timeline", "we want it live in 10 days", "timeline", "10 days"),
    ],
)
def test_the_same_shapes_said_as_the_fact_are_kept(
    slot: str, message: str, entity: str, span: str
) -> None:
    assert judge(slot, message, entities=[(entity, span)]).accepted


@pytest.mark.parametrize(
    ("message", "span"),
    [
        ("Long story, we restructured in the summer, but right now I'm the COO", "in the summer"),
        ("My colleague may reach out too, he's on holiday this week.", "this week"),
        ("I'll be travelling next week but I check it daily", "next week"),
    ],
)
def test_when_something_else_happened_is_no_timeline(message: str, span: str) -> None:
    assert not judge("timeline", message, entities=[("timeline", span)]).accepted


def test_a_deadline_in_passing_is_kept() -> None:
    message = "launching in the UK in march and need to handle enquiries there"
    assert judge("timeline", message, entities=[("timeline", "in march")]).accepted


@pytest.mark.parametrize(
    ("message", "span", "months"),
    [
        # 2026-12-01: the end of next year is 13 months away, its middle 7
        ("So, hopefully by the end of next year.", "next year", 13.0),
        ("we'd start early next year", "next year", 4.0),
        ("next year I think", "next year", 7.0),
    ],
)
def test_the_words_before_a_timeline_span_move_its_point(
    message: str, span: str, months: float
) -> None:
    """DIET's span 'next year' of 'by the end of next year' would be read as its middle."""
    verdict = judge("timeline", message, entities=[("timeline", span)], requested=True)
    assert verdict.detail is not None
    assert abs(verdict.detail["months"] - months) <= 0.5, verdict.detail


@pytest.mark.parametrize(
    ("message", "span"),
    [
        ("Ingrid from Zentrix AG here, we want it next week.", "next week"),
        ("Looking to get started in the next 3 months.", "in the next 3 months"),
    ],
)
def test_the_visitors_own_start_told_in_passing_is_a_timeline(message: str, span: str) -> None:
    """'want it', 'get started' say when the visitor starts: kept, never asked again
    ('started' is no past tense after 'get')."""
    verdict = judge("timeline", message, entities=[("timeline", span)])
    assert verdict.value == span
    assert verdict.detail is not None
    assert verdict.detail["status"] == "date"


@pytest.mark.parametrize(
    ("message", "span", "status", "amount", "currency"),
    [
        ("5 lakh rupees a year, roughly", "5", "amount", 500000, "INR"),
        ("Ha, the million-dollar question. Honestly 0 euros for now.", "million", "none", 0, "EUR"),
        (
            "Ha, the million-dollar question. Honestly 100k EUR.",
            "million-dollar",
            "amount",
            100000,
            "EUR",
        ),
        # the span cut inside "one-time", or held only the idiom
        ("Honestly 100k EUR one-time, give or take.", "EUR one", "amount", 100000, "EUR"),
        (
            "the million-dollar question. Honestly 0 euros.",
            "million-dollar question",
            "none",
            0,
            "EUR",
        ),
    ],
)
def test_a_budget_span_cut_out_of_a_figure_yields_to_the_whole_answer(
    message: str, span: str, status: str, amount: int, currency: str
) -> None:
    """DIET's span was part of a figure ('5' of '5 lakh') or of an idiom ('million-dollar
    question'): the whole asked answer says the budget."""
    verdict = judge("budget", message, entities=[("budget", span)], requested=True)
    assert verdict.detail is not None
    assert (verdict.detail["status"], verdict.detail["amount"], verdict.detail["currency"]) == (
        status,
        amount,
        currency,
    )


@pytest.mark.parametrize(
    ("message", "pieces", "amount", "currency", "period"),
    [
        (
            "For a tool like this, forty thousand australian dollars.",
            ["a", "thousand", "dollars"],
            40000,
            "AUD",
            None,
        ),
        (
            "ok so a hundred and twenty thousand dollars a year",
            ["a hundred and", "twenty thousand dollars a year"],
            120000,
            "USD",
            "year",
        ),
        (
            "We're looking at 15 000 € per annum.",
            ["15", "000", "€ per annum."],
            15000,
            "EUR",
            "year",
        ),
        (
            "Ha, the million-dollar question. Honestly 100k EUR one-time, give or take.",
            ["million-dollar", "100k", "EUR"],
            100000,
            "EUR",
            "one_time",
        ),
    ],
)
def test_a_budget_diet_cut_in_pieces_is_read_whole(
    message: str, pieces: list[str], amount: int, currency: str, period: str | None
) -> None:
    """Each piece alone misreads the figure ('thousand' is 1,000): the asked answer whole."""
    verdict = judge("budget", message, entities=[("budget", p) for p in pieces], requested=True)
    assert verdict.detail is not None
    detail = verdict.detail
    assert (detail["amount"], detail["currency"], detail["period"]) == (amount, currency, period)


def test_an_idiom_s_figure_alone_is_no_budget() -> None:
    """DIET tagged only 'million-dollar' of 'the million-dollar question': no amount."""
    message = "Ha, the million-dollar question. Honestly we haven't set one, give or take."
    verdict = judge("budget", message, entities=[("budget", "million-dollar")], requested=True)
    assert verdict.detail is not None
    assert verdict.detail["status"] == "unknown"


@pytest.mark.parametrize(
    ("message", "said"),
    [
        ("good afternoon, acme here. we want to get going in 3 monts, budget 5k", "in 3 monts"),
        (
            "Hey, looking to buy in about nine months. I'm the sales director",
            "in about nine months",
        ),
        ("we are planning for in 4 months approximately, budget $5k", "in 4 months approximately"),
        ("We want to launch in 2 months and have it on every page.", "in 2 months"),
        ("We'd want something by 1 February.", "by 1 February"),
    ],
)
def test_a_start_told_in_passing_is_the_timeline(message: str, said: str) -> None:
    assert volunteered_timeline(message) == said


@pytest.mark.parametrize(
    "message",
    [
        "we started using hubspot in 2019",  # when something else happened
        "our budget is 5k a month",  # a period, with no start
        "we want to start with 5 users",  # a start, but no time
        "I start a new job next week",  # someone's start, no cue of buying
        "we want to get going, no rush",  # a start, and no date
    ],
)
def test_no_start_or_no_date_is_no_timeline(message: str) -> None:
    assert volunteered_timeline(message) is None


@pytest.mark.parametrize("span", ["CFO", "our CFO", None])
def test_someones_title_in_passing_tells_no_authority(span: str | None) -> None:
    """A chatty budget answer names the CFO: nothing about who the visitor is or decides."""
    message = "Well our CFO would kill me if I went over, so $12,000 one-off."
    entities = [("role", span)] if span else []
    assert judge("authority", message, entities=entities).value is None


def test_who_decides_in_passing_is_kept() -> None:
    message = "budget is 5k, my boss approves anything over that"
    assert judge("authority", message).detail["level"] == "influencer"  # type: ignore[index]


@pytest.mark.parametrize(
    "message",
    ["problem is no real need, we get like 2 leads a month", "we get 300 demo requests a month"],
)
def test_a_count_per_month_is_a_rate_not_a_timeline(message: str) -> None:
    assert judge("timeline", message, entities=[("timeline", "a month")]).value is None


@pytest.mark.parametrize(
    ("message", "span"),
    [
        ("we get like 2 leads a month", "month"),
        ("the number on the table is 2,000 Swiss francs a month.", "a month"),
        ("Budget 500,000 yen a year.", "a year"),
        ("so two hundred thousand rupees a month, more or less.", "a month"),
        ("comparing a few chatbot vendors, nothing urgent", "urgent"),
        # "now" opening a statement about how things are
        ("Right now it's about 3k a month, give or take", "Right now"),
        ("at the moment we have no budget at all", "at the moment"),
        ("for now the sales team just guess, right now they have nothing", "right now they"),
        # "now" where nobody wants anything by then: how things are done today
        ("we copy every lead into the CRM by hand now", "now"),
    ],
)
def test_a_period_of_money_or_a_count_or_a_negated_hurry_is_no_timeline(
    message: str, span: str
) -> None:
    assert judge("timeline", message, entities=[("timeline", span)]).value is None


def test_a_now_someone_wants_is_a_deadline() -> None:
    verdict = judge("timeline", "we need a demo now please", entities=[("timeline", "now")])
    assert verdict.detail is not None
    assert verdict.detail["months"] == 0


@pytest.mark.parametrize(
    ("message", "span", "months"),
    [
        ("i thnk a year from now", "now", 12.0),
        ("We hope to go live eighteen months from now.", "now.", 18.0),
        ("a year and a half from today", "today", 18.0),
        ("We plan to get started before January is out.", "before January", 2.0),
        ("Honestly? Same time next year.", "next year", 12.0),
    ],
)
def test_an_asked_timeline_is_read_with_the_words_that_move_its_point(
    message: str, span: str, months: float
) -> None:
    """DIET tagged only 'now' of 'a year from now' (not ASAP but twelve months), or cut
    'is out' from 'before January is out' (January's last day, not its first)."""
    verdict = judge("timeline", message, entities=[("timeline", span)], requested=True)
    assert verdict.detail is not None
    assert verdict.detail["months"] == months


def test_another_slots_entity_its_normalizer_cannot_read_is_no_other_answer() -> None:
    """'3 years out', asked for the timeline, tagged as a budget: no budget is read from
    it, so it is the timeline's answer, not an answer to another question."""
    verdict = judge("timeline", "3 years out", entities=[("budget", "3 years out")], requested=True)
    assert verdict.detail is not None
    assert verdict.detail["months"] == 36.0


def test_an_address_tagged_as_a_name_is_still_the_asked_email() -> None:
    """DIET tagged the asked email as a name: no name is read from it, so the email's own
    verdict (here: a disposable address, refused with its reason) is given."""
    address = "sam@mailinator.com"
    verdict = judge("email", address, entities=[("name", address)], requested=True)
    assert verdict.response == "utter_disposable_email"


def test_a_need_told_in_passing_names_a_goal_or_pain() -> None:
    """Many words and figures ("£0", "two years") made a clause concrete; told in passing,
    a need must name something to get done or a pain."""
    told = "looking for a demo. acme gmbh, €0, we're self-funded, not for another 18 months"
    assert volunteered_need(told, []) is None
    assert volunteered_need("hi, we lose leads at night, budget 10k", []) is not None


@pytest.mark.parametrize(
    ("slot", "message", "span", "value"),
    [
        ("name", "kk T.J. Okafor", "Okafor", "T.J. Okafor"),
        ("name", "Sure, I'm Lena, Lena Brandt-Hof.", "Lena", "Lena Brandt-Hof"),
        ("company", "officially it's Hill & Dale AS", "Dale AS", "Hill & Dale AS"),
    ],
)
def test_an_asked_name_or_company_is_read_in_full(
    slot: str, message: str, span: str, value: str
) -> None:
    """DIET's span cut the name short; the cleaner's reading of the whole answer has it."""
    verdict = judge(
        slot, message, entities=[(slot if slot == "company" else "name", span)], requested=True
    )
    assert verdict.value == value


def test_an_asked_timeline_torn_between_two_dates_is_unknown() -> None:
    verdict = judge(
        "timeline",
        "no idea, maybe this quarter or next",
        entities=[("timeline", "this quarter")],
        requested=True,
    )
    assert verdict.detail is not None
    assert verdict.detail["status"] == "unknown"


def test_a_name_under_an_apology_the_nlu_took_for_dont_know_is_kept() -> None:
    verdict = judge("name", "Sorry, forgot to say. tamsin.", intent="dont_know", requested=True)
    assert verdict.value == "Tamsin"


@pytest.mark.parametrize(
    ("message", "span", "name"),
    [
        ("Hi all, A.K. Mensah here, budget 5k.", "Mensah", "A.K. Mensah"),
        ("Morning, Inès Roux-Lambert (Vantage Ltd) here.", "Inès Roux", "Inès Roux-Lambert"),
    ],
)
def test_a_volunteered_name_cut_short_is_read_in_its_run(
    message: str, span: str, name: str
) -> None:
    assert judge("name", message, entities=[("name", span)]).value == name


def test_a_volunteered_budget_keeps_its_period_after_a_comma() -> None:
    verdict = judge(
        "budget",
        "Timing: June. Budget: eight grand, one-off.",
        entities=[("budget", "eight grand")],
    )
    assert verdict.detail is not None
    assert verdict.detail["period"] == "one_time"


def test_a_heading_the_visitor_puts_before_another_fact_is_not_a_need() -> None:
    """ "budget? none." answers the visitor's own heading: "none" is the budget, not the
    need; what a heading for the need introduces is still read."""
    assert volunteered_need("hi there. budget? none. timeline? asap", []) is None
    told = volunteered_need("Need? we lose leads at night. Budget? 5k.", [])
    assert told == "we lose leads at night"


def test_who_decides_told_in_passing_is_not_a_need() -> None:
    """ "I'll need to run it past my boss" says who decides; its "need" asks for nothing."""
    assert volunteered_need("hello, I'll need to run it past my boss first", []) is None


@pytest.mark.parametrize(
    ("message", "yields"),
    [
        ("sorry, no real need, my colleague sent me the link", True),
        ("my manager told me to look at chat tools for our website", True),
        ("can I talk to your sales team", False),
        ("a real person please", False),
        ("agent", False),
    ],
)
def test_the_human_intent_yields_when_a_person_is_told_of_not_asked_for(
    message: str, yields: bool
) -> None:
    answer = asked_need(message, "human")
    assert answers_despite_digression(answer, 1.0) is yields


def test_a_company_cut_short_is_read_without_its_lead_in() -> None:
    """DIET tagged "Brekke" of "It's Brekke AS": the run around it is the company, but
    "It's" leads into it and is no part of it."""
    verdict = judge("company", "ok so It's Brekke AS", entities=[("company", "Brekke")])
    assert verdict.accepted
    assert verdict.value == "Brekke AS"


@pytest.mark.parametrize(
    ("message", "told"),
    [
        ("We run a bakery, no budget yet. In a couple of years.", "In a couple of years"),
        ("hi! 6 weeks-ish, maybe", "6 weeks-ish"),
        ("sam from acme, three months out probably", "three months out probably"),
        ("we spend 10k, a year", None),  # an amount's period
        ("two weeks ago we moved offices", None),  # when something happened
    ],
)
def test_a_time_said_as_a_clause_of_its_own_is_the_timeline(message: str, told: str | None) -> None:
    assert volunteered_timeline(message) == told


def test_when_with_a_colon_labels_the_timeline() -> None:
    assert labelled_facts("Need: more demos. When: in about two months.") == {
        "timeline": "in about two months"
    }


@pytest.mark.parametrize(
    ("message", "told"),
    [
        (
            "I own a florist shop and phone orders get lost",
            "I own a florist shop and phone orders get lost",
        ),
        ("here about the vacancy you posted", "here about the vacancy you posted"),
        ("our reps call every single lead and half never had a budget", None),
        ("I read each enquiry myself to decide who gets a rep", None),
        ("nobody staffs our chat, so messages sit for hours", None),
    ],
)
def test_who_decides_is_read_from_a_need_only_where_said_of_the_visitor(
    message: str, told: str | None
) -> None:
    assert decider_told_with_the_need(message) == told


@pytest.mark.parametrize("intent", ["out_of_scope", "faq"])
def test_a_question_that_shows_no_buyer_answers_the_need(intent: str) -> None:
    """ "Where can I track my order?" is out of scope, and the need's answer: none."""
    message = "where can I track my order?"
    answer = asked_need(message, intent)
    assert answers_despite_digression(answer, 1.0)
    assert judge_answer(dataclasses.replace(answer, intent=None)).detail == {
        "raw": message,
        "level": "none",
        "summary": None,
    }
