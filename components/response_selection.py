"""A ResponseSelector that selects an answer only for messages of its retrieval intent.

Rasa's ResponseSelector runs its network on every message, though its answer is used only
when the message's intent is the retrieval intent (`faq`: the `utter_faq` action reads it).
Skipping it for every other message saves about 5 ms of CPU on most turns. An FAQ message
gets exactly the answer the stock component would give.
"""

from __future__ import annotations

import warnings

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.selectors.response_selector import ResponseSelector
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY
from rasa.shared.nlu.training_data.message import Message

# Rasa's training check looks for the exact ResponseSelector class and, seeing this subclass
# instead, warns that the faq examples have no response selector. They have: this one.
warnings.filterwarnings(
    "ignore",
    message="You have defined training data with examples for training a response selector",
    category=UserWarning,
)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class RetrievalIntentResponseSelector(ResponseSelector):
    """ResponseSelector gated on the intent the classifier before it predicted."""

    def process(self, messages: list[Message]) -> list[Message]:
        wanted = [message for message in messages if self._is_for_us(message)]
        if wanted:
            super().process(wanted)
        return messages

    def _is_for_us(self, message: Message) -> bool:
        if not self.retrieval_intent:
            return True  # a selector for all retrieval intents: nothing to gate on
        intent = message.get(INTENT) or {}
        name = intent.get(INTENT_NAME_KEY)
        # No intent yet (no classifier before us): behave like the stock component.
        return name is None or name == self.retrieval_intent
