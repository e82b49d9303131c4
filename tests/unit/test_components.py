"""components/ (our Rasa graph components) behave as the Rasa components they replace.

The checks import rasa and spaCy, so they run in the rasa environment as a subprocess
(tests/rasa_env/check_components.py); these tests run them and report their output.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from tests.support.stack import trained_model

ROOT = Path(__file__).resolve().parents[2]
RASA_PY = ROOT / ".venv" / "rasa" / "bin" / "python"
CHECK = ROOT / "tests" / "rasa_env" / "check_components.py"

needs_rasa_env = pytest.mark.skipif(
    not RASA_PY.exists(), reason="no rasa environment: run `make setup`"
)


def _run_check(*args: str) -> None:
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2", PYTHONWARNINGS="ignore")
    result = subprocess.run(
        [str(RASA_PY), str(CHECK), *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.strip().endswith("ok"), result.stdout[-2000:]


@needs_rasa_env
def test_the_lean_spacy_pipeline_and_ner_only_extractor_match_rasas_own() -> None:
    """Same tokens, tags, lemmas and vectors without parser and NER; the same entities as
    Rasa's SpacyEntityExtractor on the full pipeline."""
    _run_check("spacy")


@pytest.mark.rasa
@needs_rasa_env
def test_the_response_selector_answers_faq_messages_only() -> None:
    model = trained_model()
    if model is None:
        pytest.skip("no trained model: run `scripts/train.sh`")
    _run_check("selector", str(model))
