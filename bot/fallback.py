"""What the bot does when it did not understand the visitor, outside the form.

Never more than two not-understood replies in a row: the first asks to rephrase, the
second offers the likely meanings as buttons (the intents the NLU ranked highest, as
Rasa's two-stage fallback does) and always a way to a person, the third hands the visitor
to a person instead of guessing again.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

FALLBACK_ACTION = "action_fallback"
# Actions that pass between two not-understood replies without breaking the run.
_TRANSPARENT = frozenset({"action_listen", "action_extract_slots", "action_unlikely_intent"})

Step = Literal["rephrase", "options", "person"]


@dataclass(frozen=True)
class Option:
    title: str
    payload: str


PERSON = Option("Talk to a person", "/human")
# What a likely intent offers as a button ("faq": a question the FAQ answers, in words).
OPTIONS: Mapping[str, Option] = {
    "request_sales": Option("See a demo", "/request_sales"),
    "describe_need": Option("See a demo", "/request_sales"),
    "inform": Option("See a demo", "/request_sales"),
    "faq": Option("What is Leadbot?", "What is Leadbot?"),
    "browse": Option("Just looking", "/browse"),
    "clarify": Option("What can you do?", "/clarify"),
    "goodbye": Option("That's all, bye", "/goodbye"),
}
DEFAULT_OPTIONS: tuple[Option, ...] = (
    Option("See a demo", "/request_sales"),
    Option("Pricing", "How much does Leadbot cost?"),
)


def fallbacks_in_a_row(actions_newest_first: Iterable[str]) -> int:
    """Not-understood replies just before this one, given the bot's actions since the
    visitor's previous messages, newest first."""
    count = 0
    for name in actions_newest_first:
        if name == FALLBACK_ACTION:
            count += 1
        elif name not in _TRANSPARENT:
            break
    return count


def next_step(previous: int) -> Step:
    if previous == 0:
        return "rephrase"
    return "options" if previous == 1 else "person"


def likely_options(ranking: Sequence[str], limit: int = 2) -> list[Option]:
    """Buttons for the best-ranked intents that offer one, then a person."""
    options: list[Option] = []
    for intent in (*ranking, *(o.payload for o in DEFAULT_OPTIONS)):
        option = OPTIONS.get(intent) or next(
            (o for o in DEFAULT_OPTIONS if o.payload == intent), None
        )
        if option is not None and option not in options:
            options.append(option)
        if len(options) == limit:
            break
    return [*options, PERSON]
