"""assess_need on answers written blind (tests/unit/extract/data/blind_needs.yml).

A floor, not a target: the set was used to develop the normalizer, so its score says
little about unseen words (the simulator's held-out set does). It keeps a change to the
tables from losing whole classes the set holds: support requests, vendors pitching,
pains of repetition, needs denied with an adverb inside.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from bot.extract.need import assess_need

_LEVEL = {"strong": "concrete", "some": "vague", "none": "none"}
FLOOR = 0.93


def test_blind_needs_are_read_at_their_level() -> None:
    entries = yaml.safe_load((Path(__file__).parent / "data" / "blind_needs.yml").read_text())
    wrong = []
    for entry in entries["need"]:
        need = assess_need(entry["text"])
        got = need.level if need else None
        if got != _LEVEL[entry["level"]]:
            wrong.append(f"{entry['text']!r}: {got} (expected {_LEVEL[entry['level']]})")
    right = 1 - len(wrong) / len(entries["need"])
    assert right >= FLOOR, f"{right:.1%} right; wrong:\n" + "\n".join(wrong)
