"""Shared fixtures for the scoring tests: the shipped rubric and its text."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.scoring import Rubric, load_rubric

SCORING_YML = Path(__file__).resolve().parents[3] / "scoring.yml"


@pytest.fixture(scope="session")
def scoring_yml() -> Path:
    return SCORING_YML


@pytest.fixture(scope="session")
def rubric(scoring_yml: Path) -> Rubric:
    return load_rubric(scoring_yml)
