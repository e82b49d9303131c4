"""Intents whose action cannot be undone need a surer NLU than the rest.

`restart` wipes the conversation: every answer the visitor gave is gone. FallbackClassifier
has one threshold for every intent (0.4), and a visitor's odd answer can reach it for a
destructive intent ("the red one", asked for a budget, was restart at 0.61 and the visitor
lost the form). Below this component's threshold such an intent becomes `nlu_fallback`,
as FallbackClassifier makes it: outside the form the bot asks to rephrase, inside it the
form reads the words as an answer.
"""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.constants import DEFAULT_NLU_FALLBACK_INTENT_NAME
from rasa.shared.nlu.constants import (
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
)
from rasa.shared.nlu.training_data.message import Message


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class SureIntents(GraphComponent):
    """`intents` below `threshold` become nlu_fallback (after FallbackClassifier)."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {"intents": ["restart"], "threshold": 0.8}

    def __init__(self, config: dict[str, Any]) -> None:
        self.intents = frozenset(config["intents"])
        self.threshold = float(config["threshold"])

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> SureIntents:
        return cls(config)

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            intent = message.get(INTENT) or {}
            name = intent.get(INTENT_NAME_KEY)
            confidence = intent.get(PREDICTED_CONFIDENCE_KEY) or 0.0
            if name in self.intents and confidence < self.threshold:
                fallback = {
                    INTENT_NAME_KEY: DEFAULT_NLU_FALLBACK_INTENT_NAME,
                    PREDICTED_CONFIDENCE_KEY: self.threshold,
                }
                message.data[INTENT] = fallback
                ranking = message.get(INTENT_RANKING_KEY) or []
                message.data[INTENT_RANKING_KEY] = [fallback, *ranking]
        return messages
