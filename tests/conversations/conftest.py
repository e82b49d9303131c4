"""One real Rasa + action server for the whole session (see tests/support/stack.py),
with the action server writing leads to a fresh, migrated SQLite lead store."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.leads.migrate import upgrade
from tests.support.stack import RASA_PY, Stack, running_stack, trained_model


@pytest.fixture(scope="session")
def lead_store_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('leads') / 'leads.db'}"
    upgrade(url)
    return url


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory, lead_store_url: str) -> Iterator[Stack]:
    model = trained_model()
    if model is None or not model.exists() or not RASA_PY.exists():
        pytest.skip("no trained model or rasa environment: run `make train` (make test does)")
    workdir: Path = tmp_path_factory.mktemp("stack")
    env = {"DATABASE_URL": lead_store_url, "LEADBOT_SPOOL_DIR": str(workdir / "spool")}
    with running_stack(model, workdir, env=env) as running:
        yield running
