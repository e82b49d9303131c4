"""Each invariant fails on the conversation that breaks it, and the report names the seed."""

from __future__ import annotations

from typing import Any

from bot.scoring import Rubric
from tests.conversations.simulator.expect import WRITTEN_ON
from tests.conversations.simulator.invariants import check
from tests.conversations.simulator.observe import BotMessage, TurnView
from tests.conversations.simulator.phrasings import Phrasings
from tests.conversations.simulator.report import figures, format_figures, transcript
from tests.conversations.simulator.run import Conversation, Turn
from tests.conversations.simulator.visitor import compose


def _turn(*responses: str, waiting: str | None = None, route: str | None = None) -> Turn:
    messages = tuple(BotMessage(text=r, response=r, buttons=()) for r in responses)
    return Turn("visitor words", TurnView(messages, "inform", waiting, route, ()))


def _lead(route: str) -> dict[str, Any]:
    return {
        "budget": {"status": "unknown"},
        "timeline": {"status": None},
        "authority": {"level": None, "decision_maker": None, "role": None},
        "need": {"level": None},
        "name": None,
        "company": None,
        "email": None,
        "time_zone": None,
        "route": route,
    }


def _conversation(
    phrasings: Phrasings, rubric: Rubric, turns: list[Turn], **kw: Any
) -> Conversation:
    plan = compose(5, phrasings, rubric)
    conv = Conversation(plan=plan, sender="sim-x-5", turns=turns, ended=kw.pop("ended", "lead"))
    conv.lead = kw.pop("lead", None)
    conv.given = kw.pop("given", {})
    conv.volunteered = kw.pop("volunteered", frozenset())
    return conv


def _keys(phrasings: Phrasings, rubric: Rubric, turns: list[Turn], **kw: Any) -> list[str]:
    outcome = check(_conversation(phrasings, rubric, turns, **kw), rubric, WRITTEN_ON)
    return [v.invariant for v in outcome.violations]


def test_a_clean_conversation_passes(phrasings: Phrasings, rubric: Rubric) -> None:
    lead = {**_lead("nurture"), "time_zone": compose(5, phrasings, rubric).persona.time_zone}
    turns = [_turn("utter_ask_need"), _turn("utter_invalid_need", "utter_ask_need"),
             _turn(route="nurture")]  # fmt: skip
    assert _keys(phrasings, rubric, turns, lead=lead) == []


def test_each_invariant(phrasings: Phrasings, rubric: Rubric) -> None:
    thrice = [_turn("utter_ask_budget")] * 3
    assert "a" in _keys(phrasings, rubric, thrice, ended="turn limit")
    lost = [_turn("utter_default")] * 3
    assert _keys(phrasings, rubric, lost, ended="turn limit") == ["b", "c"]
    volunteered = [_turn("utter_ask_email")]
    keys = _keys(phrasings, rubric, volunteered, ended="exit", volunteered=frozenset({"email"}))
    assert keys == ["e"]
    plan = compose(5, phrasings, rubric)
    wrong = _lead("handoff")
    keys = _keys(
        phrasings, rubric, [_turn()], lead=wrong, given={"name": plan.persona.facts["name"]}
    )
    assert keys.count("d") == 2  # the name not stored; the time zone not kept
    assert "route" in keys  # nothing known scores 5+5+5+4: nurture


def test_figures_and_transcripts_name_the_failing_seeds(
    phrasings: Phrasings, rubric: Rubric
) -> None:
    bad = check(
        _conversation(phrasings, rubric, [_turn("utter_default")] * 3, ended="turn limit"),
        rubric,
        WRITTEN_ON,
    )
    fig = figures([bad])
    assert fig.stuck == 1
    assert fig.right_route == 0
    assert fig.failures == {"b": [5], "c": [5]}
    report = format_figures(fig, "title")
    assert "stuck (b or c)                       1" in report
    text = transcript(bad)
    assert text.startswith("--- seed 5: ")
    assert "FAIL (b) 3 not-understood replies in a row" in text
    assert text.count("visitor: visitor words") == 3
