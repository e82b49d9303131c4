"""Visitor message ids already taken, per conversation: a re-send after a reconnect is
recognised and not forwarded twice (the widget makes the id before the first try)."""

from __future__ import annotations

from collections import OrderedDict

PER_CONVERSATION = 64
CONVERSATIONS = 50_000


class SeenIds:
    def __init__(self) -> None:
        self._seen: OrderedDict[str, OrderedDict[str, None]] = OrderedDict()

    def claim(self, conversation_id: str, message_id: str) -> bool:
        """True the first time this id is seen in this conversation, False after."""
        ids = self._seen.pop(conversation_id, None) or OrderedDict()
        self._seen[conversation_id] = ids
        if len(self._seen) > CONVERSATIONS:
            self._seen.popitem(last=False)
        if message_id in ids:
            return False
        ids[message_id] = None
        if len(ids) > PER_CONVERSATION:
            ids.popitem(last=False)
        return True

    def release(self, conversation_id: str, message_id: str) -> None:
        """The message was not delivered (Rasa down): a retry with the same id may pass."""
        ids = self._seen.get(conversation_id)
        if ids is not None:
            ids.pop(message_id, None)
