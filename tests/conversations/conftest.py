"""One real Rasa + action server for the whole session (see tests/support/stack.py),
with the action server writing leads to a fresh, migrated SQLite lead store."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.leads.migrate import upgrade
from tests.support.stack import RASA_PY, Stack, free_port, running_stack, trained_model

# handoff (issue 12): the action server routes hot leads to one rep, at work around the clock,
# whose webhook is a receiver the handoff tests start on this port.
HANDOFF_WEBHOOK_SECRET = "whsec-conversations-0123456789"
_EVERY_DAY = ", ".join(
    f'{d}: ["00:00-24:00"]' for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
)


@pytest.fixture(scope="session")
def handoff_webhook_port() -> int:
    return free_port()


def _reps_file(path: Path, port: int) -> Path:
    path.write_text(
        f"""version: 1
defaults: {{min_notice_minutes: 60, buffer_minutes: 0}}
reps:
  - id: ana
    name: Ana Souza
    email: ana@example.com
    time_zone: Europe/Paris
    working_hours: {{{_EVERY_DAY}}}
    channels:
      - type: webhook
        url: http://127.0.0.1:{port}/crm
        secret_env: LEADBOT_CONVERSATIONS_WEBHOOK_SECRET
routing:
  fallback_rep: ana
"""
    )
    return path


@pytest.fixture(scope="session")
def lead_store_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('leads') / 'leads.db'}"
    upgrade(url)
    return url


@pytest.fixture(scope="session")
def stack(
    tmp_path_factory: pytest.TempPathFactory, lead_store_url: str, handoff_webhook_port: int
) -> Iterator[Stack]:
    model = trained_model()
    if model is None or not model.exists() or not RASA_PY.exists():
        pytest.skip("no trained model or rasa environment: run `make train` (make test does)")
    workdir: Path = tmp_path_factory.mktemp("stack")
    env = {
        "DATABASE_URL": lead_store_url,
        "LEADBOT_SPOOL_DIR": str(workdir / "spool"),
        "LEADBOT_REPS_FILE": str(_reps_file(workdir / "reps.yml", handoff_webhook_port)),
        "LEADBOT_CONVERSATIONS_WEBHOOK_SECRET": HANDOFF_WEBHOOK_SECRET,
    }
    with running_stack(model, workdir, env=env) as running:
        yield running
