"""Visitor tokens: the browser holds a signed token, Rasa only ever sees the id inside it.

The id is made here (`v` + 32 hex digits), so no string a browser sent reaches Rasa as a
sender id (a lone surrogate in one stops Rasa 3.6's SQL tracker store; ARCHITECTURE.md).
"""

from __future__ import annotations

import re
import uuid

from bot.signing import InvalidToken, Purpose, Signer

CONVERSATION_ID = re.compile(r"^v[0-9a-f]{32}$")
TOKEN_MAX_AGE_SECONDS = 180 * 24 * 3600  # a returning visitor resumes for half a year


def is_conversation_id(value: str) -> bool:
    return bool(CONVERSATION_ID.match(value))


class VisitorTokens:
    def __init__(self, signer: Signer) -> None:
        self._signer = signer

    def issue(self) -> tuple[str, str]:
        """A new conversation: (conversation id, token for the browser)."""
        conversation_id = "v" + uuid.uuid4().hex
        return conversation_id, self._signer.sign(Purpose.VISITOR, {"c": conversation_id})

    def conversation_of(self, token: object) -> str | None:
        """The conversation a token names, or None for anything not signed by us."""
        if not isinstance(token, str) or not token or len(token) > 512:
            return None
        try:
            data = self._signer.load(Purpose.VISITOR, token, max_age=TOKEN_MAX_AGE_SECONDS)
        except InvalidToken:
            return None
        conversation_id = data.get("c") if isinstance(data, dict) else None
        if not isinstance(conversation_id, str) or not is_conversation_id(conversation_id):
            return None
        return conversation_id
