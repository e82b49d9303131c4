"""components/ (our Rasa graph components) behave as the Rasa components they replace.

The checks import rasa and spaCy, so they run in the rasa environment as a subprocess
(tests/rasa_env/check_components.py); these tests run them and report their output.
"""

from __future__ import annotations

import pytest

from tests.support.rasa_env import ROOT, needs_rasa_env, run_ok
from tests.support.stack import trained_model

CHECK = str(ROOT / "tests" / "rasa_env" / "check_components.py")


@needs_rasa_env
def test_the_lean_spacy_pipeline_and_ner_only_extractor_match_rasas_own() -> None:
    """Same tokens, tags, lemmas and vectors without parser and NER; the same entities as
    Rasa's SpacyEntityExtractor on the full pipeline."""
    run_ok(CHECK, "spacy")


@pytest.mark.rasa
@needs_rasa_env
def test_the_response_selector_answers_faq_messages_only() -> None:
    model = trained_model()
    if model is None:
        pytest.skip("no trained model: run `scripts/train.sh`")
    run_ok(CHECK, "selector", str(model))


@needs_rasa_env
def test_an_unsure_restart_is_not_understood_rather_than_wiping_the_answers() -> None:
    run_ok(CHECK, "sure_intents")
