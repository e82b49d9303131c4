"""Checks of components/ that must run inside the rasa environment (rasa isn't importable
in the app environment, where pytest runs). tests/unit/test_components.py runs them:

    .venv/rasa/bin/python tests/rasa_env/check_components.py spacy
    .venv/rasa/bin/python tests/rasa_env/check_components.py selector MODEL.tar.gz
    .venv/rasa/bin/python tests/rasa_env/check_components.py sure_intents

Each prints "ok" last, or fails with an AssertionError saying what differs.
"""

from __future__ import annotations

import asyncio
import runpy
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

# Chat text with names, companies, money, dates and numbers, in the cases visitors type.
SENTENCES = (
    "I'm Sam Lee, CTO at Acme Corp. We have $50k and need it by March.",
    "i'm the head of sales at globex, about 20k a year",
    "Jane Doe from Initech here, budget is EUR 80.000, go live in Q2 2027",
    "we are 25 people, need something in 3 months",
    "Maria Garcia",
    "Example Corp",
    "sam.lee@examplecorp.com",
    "between 20 and 40 thousand dollars per year",
    "no budget yet, maybe next year",
    "",
)


def check_spacy() -> None:
    import numpy as np
    import spacy
    from rasa.nlu.extractors.spacy_entity_extractor import SpacyEntityExtractor
    from rasa.nlu.utils.spacy_utils import SpacyModel
    from rasa.shared.nlu.constants import ENTITIES, TEXT
    from rasa.shared.nlu.training_data.message import Message

    from components.spacy_entities import SpacyNerEntityExtractor

    full = spacy.load(
        runpy.run_path(str(ROOT / "scripts" / "spacy_model.py"))["installed_model_dir"]()
    )
    lean = spacy.load(ROOT / "var" / "spacy" / "en_core_web_sm")
    assert not {"parser", "ner"} & set(lean.pipe_names), lean.pipe_names
    assert {"parser", "ner"} <= set(lean.component_names), lean.component_names

    # SpacyNLP (case_sensitive: false) feeds the lower-cased text: same vectors, tags, lemmas.
    for text in SENTENCES:
        a, b = full(text.lower()), lean(text.lower())
        assert [t.text for t in a] == [t.text for t in b], text
        assert [t.tag_ for t in a] == [t.tag_ for t in b], text
        assert [t.lemma_ for t in a] == [t.lemma_ for t in b], text
        assert np.allclose(a.tensor, b.tensor), text

    # The entities: ours on the lean pipeline == Rasa's extractor on the full one.
    config: dict[str, Any] = {"dimensions": ["PERSON", "ORG", "MONEY", "DATE", "CARDINAL"]}
    stock = SpacyEntityExtractor(config)
    ours = SpacyNerEntityExtractor(config)
    found_any = 0
    for text in SENTENCES:
        expected = stock.process([Message({TEXT: text})], SpacyModel(full, "full"))[0]
        got = ours.process([Message({TEXT: text})], SpacyModel(lean, "lean"))[0]
        strip = [{k: v for k, v in e.items() if k != "extractor"} for e in expected.get(ENTITIES)]
        assert strip == [
            {k: v for k, v in e.items() if k != "extractor"} for e in got.get(ENTITIES)
        ], text
        assert all(e["extractor"] == "SpacyNerEntityExtractor" for e in got.get(ENTITIES))
        found_any += len(strip)
    assert found_any >= 8, f"the sentences should hold entities, found {found_any}"


def check_selector(model: Path) -> None:
    from rasa.core.agent import Agent

    agent = Agent.load(str(model))

    async def parse(text: str) -> dict[str, Any]:
        return await agent.parse_message(text)  # type: ignore[no-any-return]

    for text in ("is my data safe with you", "does it integrate with hubspot"):
        result = asyncio.run(parse(text))
        assert result["intent"]["name"] == "faq", (text, result["intent"])
        selected = result["response_selector"]["faq"]["response"]
        assert selected["intent_response_key"].startswith("faq/"), selected
        assert selected["responses"], selected
    for text in ("about 20k a year", "hi", "I'm the head of sales"):
        result = asyncio.run(parse(text))
        assert result["intent"]["name"] != "faq", (text, result["intent"])
        assert "faq" not in result.get("response_selector", {}), (text, result)


def check_sure_intents() -> None:
    """Restart below 80 % becomes nlu_fallback; at 80 % and above, and other intents at
    any confidence, are left as they are."""
    from rasa.shared.nlu.training_data.message import Message

    from components.sure_intents import SureIntents

    guard = SureIntents(SureIntents.get_default_config())

    def after(name: str, confidence: float, text: str = "start over please") -> str:
        message = Message(data={"text": text, "intent": {"name": name, "confidence": confidence}})
        return str(guard.process([message])[0].get("intent")["name"])

    assert after("restart", 0.61) == "nlu_fallback"
    assert after("restart", 0.95) == "restart"
    assert after("restart", 0.96, "the red one") == "nlu_fallback"  # no word of starting over
    assert after("restart", 0.95, "can we strat ovr") == "restart"
    assert after("inform", 0.41) == "inform"


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else ""
    if command == "spacy":
        check_spacy()
    elif command == "sure_intents":
        check_sure_intents()
    elif command == "selector" and len(sys.argv) == 3:
        check_selector(Path(sys.argv[2]))
    else:
        sys.exit(__doc__)
    print("ok")
