"""Signed tokens for everything a visitor or a recipient holds (links, widget token).

One secret (LEADBOT_SECRET_KEY), one salt per purpose, so a token made for one kind of
link is refused by every other kind.
"""

from __future__ import annotations

from enum import Enum
from typing import Any

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer


class Purpose(str, Enum):
    BOOKING = "leadbot.booking"
    UNSUBSCRIBE = "leadbot.unsubscribe"
    VISITOR = "leadbot.visitor"


class InvalidToken(ValueError):
    """The token was altered, made for another purpose, or has expired."""


class Signer:
    def __init__(self, secret_key: str) -> None:
        self._secret_key = secret_key

    def _serializer(self, purpose: Purpose) -> URLSafeTimedSerializer:
        return URLSafeTimedSerializer(self._secret_key, salt=purpose.value)

    def sign(self, purpose: Purpose, data: Any) -> str:
        return self._serializer(purpose).dumps(data)

    def load(self, purpose: Purpose, token: str, *, max_age: int | None = None) -> Any:
        """The signed data; `max_age` in seconds bounds how old the token may be."""
        try:
            return self._serializer(purpose).loads(token, max_age=max_age)
        except SignatureExpired as error:
            raise InvalidToken("the link has expired") from error
        except BadSignature as error:
            raise InvalidToken("the link is not valid") from error
