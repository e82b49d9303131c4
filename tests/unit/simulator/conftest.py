"""The simulator's unit tests run on a tiny fixture of phrasings (never used for figures)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.scoring import Rubric, load_rubric
from tests.conversations.simulator.phrasings import Phrasings, load_phrasings

ROOT = Path(__file__).resolve().parents[3]
FIXTURE = Path(__file__).resolve().parent / "fixture"


@pytest.fixture(scope="session")
def phrasings() -> Phrasings:
    return load_phrasings(FIXTURE)


@pytest.fixture(scope="session")
def rubric() -> Rubric:
    return load_rubric(ROOT / "scoring.yml")
