"""spaCy's named entities (PERSON, ORG, MONEY, DATE, CARDINAL) from its NER pipe alone.

Rasa's SpacyEntityExtractor runs the whole spaCy pipeline a second time on every message,
because the doc SpacyNLP made is lower-cased (bad for names). In en_core_web_sm the NER pipe
has its own token-to-vector layer and reads nothing the tagger or parser set, so running it
alone on the original text gives the same entities for about a third of the time. That also
lets SpacyNLP skip the parser and NER (see scripts/spacy_model.py).
"""

from __future__ import annotations

from typing import Any

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.extractors.spacy_entity_extractor import SpacyEntityExtractor
from rasa.nlu.utils.spacy_utils import SpacyModel
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR,
    is_trainable=False,
    model_from="SpacyNLP",
)
class SpacyNerEntityExtractor(SpacyEntityExtractor):
    """SpacyEntityExtractor that runs only spaCy's `ner` pipe, on the text as typed."""

    def process(self, messages: list[Message], model: SpacyModel) -> list[Message]:
        nlp = model.model
        # get_pipe finds the pipe whether or not the loaded pipeline has it disabled.
        ner = nlp.get_pipe("ner")
        dimensions = self._config["dimensions"]
        for message in messages:
            doc = ner(nlp.make_doc(message.get(TEXT) or ""))
            found: list[dict[str, Any]] = self.add_extractor_name(self._extract_entities(doc))
            extracted = self.filter_irrelevant_entities(found, dimensions)
            message.set(ENTITIES, message.get(ENTITIES, []) + extracted, add_to_output=True)
        return messages
