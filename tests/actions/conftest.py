"""Real rasa_sdk objects for action tests: a Tracker built like Rasa sends it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from rasa_sdk.executor import CollectingDispatcher

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def domain() -> dict[str, Any]:
    """domain.yml as the action server receives it (plain YAML: no rasa import here)."""
    with (ROOT / "domain.yml").open() as f:
        data: dict[str, Any] = yaml.safe_load(f)
    return data


@pytest.fixture
def dispatcher() -> CollectingDispatcher:
    return CollectingDispatcher()
