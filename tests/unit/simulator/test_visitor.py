"""Visitors are drawn from a seed, replay from it, and play their plan against any bot."""

from __future__ import annotations

import dataclasses
import itertools

from bot.leads.keys import email_key
from bot.scoring import Rubric
from tests.conversations.simulator.expect import criterion_points
from tests.conversations.simulator.phrasings import Fact, Phrasings
from tests.conversations.simulator.visitor import (
    ANSWER_STYLES,
    DIGRESSIONS,
    OPENING_STYLES,
    TEMPERATURES,
    Button,
    Plan,
    Visitor,
    _tag_email,
    compose,
)


def _plan(phrasings: Phrasings, rubric: Rubric, **changes: object) -> Plan:
    plan = compose(1, phrasings, rubric)
    base = {
        "answer_style": "plain",
        "lower_case": False,
        "digressions": {},
        "evasive": frozenset(),
        "clicks_buttons": False,
    }
    return dataclasses.replace(plan, **{**base, **changes})  # type: ignore[arg-type]


def test_one_seed_gives_one_visitor(phrasings: Phrasings, rubric: Rubric) -> None:
    assert compose(42, phrasings, rubric) == compose(42, phrasings, rubric)
    assert compose(42, phrasings, rubric) != compose(43, phrasings, rubric)


def test_seeds_cover_every_style_temperature_and_digression(
    phrasings: Phrasings, rubric: Rubric
) -> None:
    plans = [compose(seed, phrasings, rubric) for seed in range(300)]
    assert {p.persona.temperature for p in plans} == set(TEMPERATURES)
    assert {p.opening_style for p in plans} == set(OPENING_STYLES)
    assert {p.answer_style for p in plans} == set(ANSWER_STYLES)
    assert {kind for p in plans for kind in p.digressions.values()} == set(DIGRESSIONS)
    assert len({p.persona.time_zone for p in plans}) > 5


def test_hot_visitors_say_what_scores_best_and_cold_ones_the_worst(
    phrasings: Phrasings, rubric: Rubric
) -> None:
    for seed in range(60):
        plan = compose(seed, phrasings, rubric)
        if plan.persona.temperature == "lukewarm":
            continue
        for slot in ("need", "budget", "authority", "timeline"):
            points = [criterion_points(rubric, f) for f in phrasings.values[slot]]
            want = max(points) if plan.persona.temperature == "hot" else min(points)
            assert criterion_points(rubric, plan.persona.facts[slot]) == want


def test_everything_opening_volunteers_its_facts_with_a_unique_email(
    phrasings: Phrasings, rubric: Rubric
) -> None:
    plan = next(
        p for p in (compose(s, phrasings, rubric) for s in range(200))
        if p.opening_style == "everything"
    )  # fmt: skip
    assert plan.volunteered == {"name", "budget", "email"}
    facts = plan.persona.facts
    assert (
        plan.opening
        == f"ALL bo lindqvist / {facts['budget'].text} / Bo.L{plan.seed}@HeronTiles.example"
    )
    assert facts["email"].value["value"] == f"bo.l{plan.seed}@herontiles.example"
    assert plan.digressions.keys().isdisjoint(plan.volunteered)
    visitor = Visitor(plan, phrasings)
    assert visitor.opening() == plan.opening
    assert visitor.given.keys() == {"name", "budget", "email"}


def test_each_seed_s_address_is_its_own_mailbox() -> None:
    # the lead store finds a returning visitor by mailbox: a seed written after a "+tag"
    # made every visitor drawing "tom+leads@gmail.com" one person, with merged facts
    fact = Fact(
        slot="email", text="mail tom+leads@gmail.com", value={"value": "tom+leads@gmail.com"}
    )
    tagged = [_tag_email(fact, seed) for seed in (11029, 11064)]
    assert [t.value["value"] for t in tagged] == [
        "tom11029+leads@gmail.com",
        "tom11064+leads@gmail.com",
    ]
    assert tagged[0].text == "mail tom11029+leads@gmail.com"
    assert len({email_key(str(t.value["value"])) for t in tagged}) == 2
    spelled = Fact(slot="email", text="anil (at) mehta (dot) in", value={"value": "anil@mehta.in"})
    assert _tag_email(spelled, 7).text == "anil7 (at) mehta (dot) in"
    assert _tag_email(spelled, 7).value["value"] == "anil7@mehta.in"


def test_an_asked_slot_is_answered_in_the_plan_s_style(
    phrasings: Phrasings, rubric: Rubric
) -> None:
    visitor = Visitor(_plan(phrasings, rubric, answer_style="chatty"), phrasings)
    fact = visitor.plan.persona.facts["company"]
    assert visitor.reply("company", "", ()) == f"well, CO is {fact.text} you see"
    assert visitor.given == {"company": fact}


def test_words_that_also_settle_another_slot_give_it_too(
    phrasings: Phrasings, rubric: Rubric
) -> None:
    student = Fact("authority", "none, I'm a student", {"decision_maker": False, "role": "Student"})
    need = Fact("need", "none, I'm a student", {"level": "none"}, also={"authority": student})
    values = {**phrasings.values, "need": (need,)}
    plan = compose(1, dataclasses.replace(phrasings, values=values), rubric)
    assert plan.persona.facts["authority"] == student  # one visitor, not two stories
    visitor = Visitor(dataclasses.replace(plan, digressions={}, evasive=frozenset()), phrasings)
    visitor.reply("need", "", ())
    assert visitor.given == {"need": need, "authority": student}
    assert visitor.volunteered >= {"authority"}  # said before the bot asked: never ask it
    openings = {**phrasings.openings, "everything": ("BOTH {need} {authority}", "ONE {need}")}
    both = dataclasses.replace(phrasings, values=values, openings=openings)
    plan = next(
        p for p in (compose(s, both, rubric) for s in range(200))
        if p.opening_style == "everything"
    )  # fmt: skip
    assert plan.opening == "ONE none, I'm a student"  # the same words are not said twice


def test_typing_visitor_may_write_in_lower_case(phrasings: Phrasings, rubric: Rubric) -> None:
    visitor = Visitor(_plan(phrasings, rubric, answer_style="typos", lower_case=True), phrasings)
    assert visitor.reply("name", "", ()) == "nm bo lindqvist"


def test_rather_not_say_is_kept_and_the_fact_never_given(
    phrasings: Phrasings, rubric: Rubric
) -> None:
    plan = _plan(phrasings, rubric, digressions={"budget": "rather_not_say"})
    visitor = Visitor(plan, phrasings)
    assert visitor.reply("budget", "", ()) == "PASS"
    assert visitor.reply("budget", "", ()) == "PASS"
    assert "budget" not in visitor.given


def test_other_digressions_come_once_then_the_answer(phrasings: Phrasings, rubric: Rubric) -> None:
    plan = _plan(phrasings, rubric, digressions={"timeline": "why_ask", "need": "human"})
    visitor = Visitor(plan, phrasings)
    assert visitor.reply("timeline", "", ()) == "WHY?"
    assert visitor.reply("need", "", ()) == "HUMAN"
    assert visitor.reply("timeline", "", ()).startswith("T: ")
    assert visitor.given.keys() == {"timeline"}


def test_an_evasive_visitor_dodges_once_or_for_good(phrasings: Phrasings, rubric: Rubric) -> None:
    once = Visitor(
        _plan(phrasings, rubric, evasive=frozenset({"need"}), evasive_twice=False), phrasings
    )
    assert once.reply("need", "", ()) == "DODGE"
    assert once.reply("need", "", ()).startswith("N: ")
    twice = Visitor(
        _plan(phrasings, rubric, evasive=frozenset({"need"}), evasive_twice=True), phrasings
    )
    assert [twice.reply("need", "", ()) for _ in range(3)] == ["DODGE"] * 3
    assert "need" not in twice.given


def test_outside_the_form_the_visitor_heads_for_qualifying(
    phrasings: Phrasings, rubric: Rubric
) -> None:
    demands = set(phrasings.openings["demand"])
    visitor = Visitor(_plan(phrasings, rubric), phrasings)
    assert visitor.reply(None, "What brings you here?") in demands
    assert visitor.reply(None, "Shall we go on?") == "YES"
    assert visitor.reply(None, "It is free.") in demands
    clicker = Visitor(_plan(phrasings, rubric, clicks_buttons=True), phrasings)
    buttons = (Button("Just looking", "/browse"), Button("See a demo", "/request_demo"))
    assert clicker.reply(None, "Hi!", buttons) == "/request_demo"
    assert clicker.reply(None, "Hi!", buttons) in demands  # one click, then words


def test_a_visitor_not_understood_says_it_another_way(phrasings: Phrasings, rubric: Rubric) -> None:
    visitor = Visitor(_plan(phrasings, rubric), phrasings)
    said = [visitor.reply(None, "Could you rephrase that?", (), True) for _ in range(4)]
    assert set(said) == set(phrasings.openings["demand"])
    assert all(a != b for a, b in itertools.pairwise(said))
