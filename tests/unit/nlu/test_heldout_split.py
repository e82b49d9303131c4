"""The held-out NLU set (tests/nlu/test_nlu.yml) measures generalization only if none of
its examples is a near copy of a training example (data/nlu/): otherwise `make eval`
measures memory. Near copy: normalized edit distance below NEAR, on the text with entity
annotations removed, lower case, single spaces. The same holds for the simulator's held-out
phrasings (tests/conversations/phrasings/heldout*/): they stay out of training for good.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[3]
NEAR = 0.15
HELD_OUT_PHRASINGS = ("heldout", "heldout2")
# Shorter phrasings ("no thanks", "how much is it?") are everyday words that any training
# set holds, written blind or not; from this length a near copy is a copy.
MIN_PHRASING = 20
_ANNOTATION = re.compile(r"\[([^\]]*)\]\([^)]*\)|\[([^\]]*)\]\{[^}]*\}")


def _plain(example: str) -> str:
    text = _ANNOTATION.sub(lambda m: m.group(1) or m.group(2) or "", example)
    return " ".join(text.lower().split())


def examples(path: Path) -> list[tuple[str, str]]:
    """(intent, plain text) for every example of an NLU YAML file."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    out = []
    for block in data.get("nlu") or []:
        if "intent" not in block:
            continue
        for line in str(block.get("examples") or "").splitlines():
            line = line.strip()
            if line.startswith("- "):
                out.append((str(block["intent"]), _plain(line[2:])))
    return out


def edit_distance(a: str, b: str, limit: int) -> int:
    """Levenshtein distance, or limit + 1 once it must exceed `limit`: only the diagonal
    band of width 2 * limit + 1 is computed (Ukkonen), so 300,000 pairs take seconds."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    over = limit + 1
    previous = [j if j <= limit else over for j in range(len(b) + 1)]
    for i in range(1, len(a) + 1):
        current = [over] * (len(b) + 1)
        if i <= limit:
            current[0] = i
        for j in range(max(1, i - limit), min(len(b), i + limit) + 1):
            current[j] = min(
                previous[j] + 1,
                current[j - 1] + 1,
                previous[j - 1] + (a[i - 1] != b[j - 1]),
                over,
            )
        if min(current) > limit:
            return over
        previous = current
    return previous[len(b)]


def normalized_distance(a: str, b: str) -> float:
    longest = max(len(a), len(b)) or 1
    limit = int(NEAR * longest)
    return edit_distance(a, b, limit) / longest


@cache
def training() -> tuple[tuple[str, str], ...]:
    files = sorted((ROOT / "data" / "nlu").glob("*.yml"))
    return tuple(e for path in files for e in examples(path))


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [("kitten", "sitting", 3), ("same", "same", 0), ("", "abc", 3), ("flaw", "lawn", 2)],
)
def test_edit_distance(a: str, b: str, expected: int) -> None:
    assert edit_distance(a, b, 10) == expected


def test_a_one_letter_typo_is_a_near_copy() -> None:
    assert normalized_distance("how much does it cost", "how much does it cots") < NEAR
    assert normalized_distance("how much does it cost", "what integrations do you have") > NEAR


def test_no_held_out_example_is_a_near_copy_of_a_training_example() -> None:
    held_out = examples(ROOT / "tests" / "nlu" / "test_nlu.yml")
    assert len(held_out) > 100
    copies = [
        (test, train)
        for _, test in held_out
        for _, train in training()
        if normalized_distance(test, train) < NEAR
    ]
    assert copies == []


def phrasing_texts(set_dir: Path) -> list[str]:
    """The visitor's own words in a phrasing set: every value's text, opening and
    digression (answer templates are frames around a value)."""
    found: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, str):
            found.append(node)
        elif isinstance(node, list):
            for item in node:
                walk(item)
        elif isinstance(node, dict):
            if isinstance(node.get("text"), str):
                found.append(node["text"])
            else:
                for value in node.values():
                    walk(value)

    for name in ("values.yml", "openings.yml", "digressions.yml"):
        walk(yaml.safe_load((set_dir / name).read_text(encoding="utf-8")))
    return [_plain(text) for text in found if "{" not in text]


@pytest.mark.parametrize("name", HELD_OUT_PHRASINGS)
def test_no_held_out_phrasing_is_in_the_training_data(name: str) -> None:
    texts = phrasing_texts(ROOT / "tests" / "conversations" / "phrasings" / name)
    assert len(texts) > 300
    copies = [
        (text, train)
        for text in texts
        if len(text) >= MIN_PHRASING
        for _, train in training()
        if normalized_distance(text, train) < NEAR
    ]
    assert copies == []
