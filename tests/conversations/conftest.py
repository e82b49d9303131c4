"""One real Rasa + action server for the whole session (see tests/support/stack.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.stack import RASA_PY, Stack, running_stack, trained_model


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    model = trained_model()
    if model is None or not model.exists() or not RASA_PY.exists():
        pytest.skip("no trained model or rasa environment: run `make train` (make test does)")
    with running_stack(model, tmp_path_factory.mktemp("stack")) as running:
        yield running
