"""One real Rasa (through scripts/rasa_serve.py) + action server for the reliability tests
that need only those two (the door, the hostile-input run), started once per session, with
a fresh migrated SQLite lead store. The chaos test starts its own supervised stack."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.leads.migrate import upgrade
from tests.support.stack import RASA_PY, Stack, running_stack, trained_model


@pytest.fixture(scope="session")
def model() -> Path:
    found = trained_model()
    if found is None or not found.exists() or not RASA_PY.exists():
        pytest.skip("no trained model or rasa environment: run `make train` (make test does)")
    return found


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory, model: Path) -> Iterator[Stack]:
    workdir: Path = tmp_path_factory.mktemp("door")
    leads = f"sqlite:///{workdir / 'leads.db'}"
    upgrade(leads)
    env = {"DATABASE_URL": leads, "LEADBOT_SPOOL_DIR": str(workdir / "spool")}
    with running_stack(model, workdir, env=env) as running:
        yield running
