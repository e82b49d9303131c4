"""The phrasings loader reads the four files and names the file and key of a bad entry."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conversations.simulator.phrasings import (
    FACT_SLOTS,
    PHRASINGS_DIR,
    Phrasings,
    PhrasingsError,
    load_phrasings,
)

FIXTURE = Path(__file__).resolve().parent / "fixture"


def test_fixture_loads_with_values_unknowns_and_ranges(phrasings: Phrasings) -> None:
    budgets = phrasings.values["budget"]
    assert [f.unknown for f in budgets] == [False, False, False, False, True]
    assert budgets[2].value["amount_max"] == 20000
    assert phrasings.answers["email"]["chatty"] == ("well, MAIL is {value} you see",)
    assert phrasings.openings["everything"] == ("ALL {name} / {budget} / {email}",)
    assert phrasings.digressions["rather_not_say"] == ("PASS",)


@pytest.mark.parametrize("name", ["heldout", "dev", "dev2", "heldout2", "dev3", "dev4", "dev5"])
def test_the_blind_sets_load(name: str) -> None:
    loaded = load_phrasings(PHRASINGS_DIR / name)
    assert all(loaded.values[slot] for slot in FACT_SLOTS)
    assert loaded.name == name


def _broken(tmp_path: Path, file: str, old: str, new: str) -> Path:
    target = tmp_path / "set"
    shutil.copytree(FIXTURE, target)
    path = target / file
    path.write_text(path.read_text().replace(old, new, 1))
    return target


@pytest.mark.parametrize(
    ("file", "old", "new", "message"),
    [
        ("values.yml", "amount: 90000, ", "", r"values\.yml: budget\[0\]: missing amount"),
        ("values.yml", 'level: "strong"', 'level: "huge"', r"need\[0\]: level must be"),
        ("values.yml", 'role: "Owner"}', 'role: "Owner", unknown: true}', r"authority"),
        ("answers.yml", 'terse: ["{value}"], typos: ["b', 'typos: ["b', r"budget\.terse"),
        ("openings.yml", 'vague: ["VAGUE"]', "vague: []", r"openings\.yml: vague"),
        ("digressions.yml", 'deny: ["NO"]', "deny: [3]", r"deny\[0\]"),
        ("digressions.yml", 'deny: ["NO"]', "deny: [", r"not valid YAML"),
        (
            "values.yml",
            '"nothing at all", level: "none"}',
            '"nothing at all", level: "none", also: {authority: {decision_maker: false}}}',
            r"need\[2\] also: authority\[0\]: missing role",
        ),
        (
            "values.yml",
            '"nothing at all", level: "none"}',
            '"nothing at all", level: "none", also: {need: {level: "none"}}}',
            r"need\[2\]: also\.need: expected another slot",
        ),
    ],
)
def test_a_broken_file_is_named_with_its_key(
    tmp_path: Path, file: str, old: str, new: str, message: str
) -> None:
    with pytest.raises(PhrasingsError, match=message):
        load_phrasings(_broken(tmp_path, file, old, new))


def test_words_that_also_settle_another_slot_carry_its_fact(tmp_path: Path) -> None:
    student = (
        '"nothing, I am a student", level: "none", '
        'also: {authority: {decision_maker: false, role: "Student"}}}'
    )
    loaded = load_phrasings(
        _broken(tmp_path, "values.yml", '"nothing at all", level: "none"}', student)
    )
    need = loaded.values["need"][2]
    assert need.value == {"level": "none"}
    authority = need.also["authority"]
    assert (authority.slot, authority.text) == ("authority", "nothing, I am a student")
    assert authority.value == {"decision_maker": False, "role": "Student"}


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(PhrasingsError, match=r"values\.yml: cannot read"):
        load_phrasings(tmp_path)
