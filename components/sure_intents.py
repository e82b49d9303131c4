"""Intents whose action cannot be undone need a surer NLU than the rest.

`restart` wipes the conversation: every answer the visitor gave is gone. FallbackClassifier
has one threshold for every intent (0.4), and a visitor's odd answer can reach it for a
destructive intent ("the red one", asked for a budget, was restart at 0.61 and the visitor
lost the form). Below this component's threshold such an intent becomes `nlu_fallback`,
as FallbackClassifier makes it: outside the form the bot asks to rephrase, inside it the
form reads the words as an answer.
"""

from __future__ import annotations

import re
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

# What a visitor who wants to start over says, typos included ("strat", "ovr"): word
# starts, so "restarting", "again", "overwrite" count too.
RESTART_CUES = [
    "start",
    "strat",
    "strt",
    "restart",
    "reset",
    "again",
    "over",
    "ovr",
    "scratch",
    "beginning",
    "begining",
    "begin",
    "redo",
    "re-do",
    "fresh",
    "clean slate",
    "wipe",
    "scrap",
    "from zero",
    "from the top",
    "new chat",
    "new conversation",
    "ctrl z",
    "undo",
]


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class SureIntents(GraphComponent):
    """`intents` below `threshold`, or without one of their `cues`, become nlu_fallback
    (after FallbackClassifier)."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {"intents": ["restart"], "threshold": 0.8, "cues": {"restart": RESTART_CUES}}

    def __init__(self, config: dict[str, Any]) -> None:
        self.intents = frozenset(config["intents"])
        self.threshold = float(config["threshold"])
        # Words one of which the message must hold: a confidence alone was not enough
        # ("the red one" reached 0.82 after more restart examples were added).
        self.cues = {
            intent: re.compile(rf"(?<![\w'])(?:{'|'.join(map(re.escape, words))})", re.IGNORECASE)
            for intent, words in (config.get("cues") or {}).items()
        }

    def _sure(self, name: str, confidence: float, text: str) -> bool:
        cue = self.cues.get(name)
        return confidence >= self.threshold and (cue is None or bool(cue.search(text)))

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
            text = str(message.get("text") or "")
            if name in self.intents and not self._sure(str(name), confidence, text):
                fallback = {
                    INTENT_NAME_KEY: DEFAULT_NLU_FALLBACK_INTENT_NAME,
                    PREDICTED_CONFIDENCE_KEY: self.threshold,
                }
                message.data[INTENT] = fallback
                ranking = message.get(INTENT_RANKING_KEY) or []
                message.data[INTENT_RANKING_KEY] = [fallback, *ranking]
        return messages
