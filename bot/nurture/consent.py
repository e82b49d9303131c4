"""The visitor's answer to "may we email you?": yes, no, or not clear yet.

Pure: the chat's intent (affirm / deny) when the words don't settle it, and plain-word
patterns first, because "no problem" and "why not" are yeses and "not sure" is neither.
"""

from __future__ import annotations

import re
from typing import Literal

Verdict = Literal["granted", "declined"]

_UNSURE = re.compile(
    r"\b(not sure|maybe|perhaps|depends|how often|how many|what kind|which emails|what emails"
    r"|what would you send|let me think|dunno|don'?t know)\b|\?\s*$",
    re.IGNORECASE,
)
_YES_WITH_NEGATION = re.compile(
    r"\b(why not|no problem|not a problem|no objection|don'?t mind|do not mind|wouldn'?t mind)\b",
    re.IGNORECASE,
)
_NO = re.compile(
    r"\b(no|nope|nah|never|don'?t|do not|rather not|not interested|no thanks|no thank you"
    r"|unsubscribe|stop|not now|pass)\b",
    re.IGNORECASE,
)
_YES = re.compile(
    r"\b(yes|yeah|yep|yup|sure|ok|okay|fine|please do|go ahead|sounds good|of course"
    r"|absolutely|definitely|alright|happy to|why not|great|gladly|send them|keep me posted|y)\b",
    re.IGNORECASE,
)


def classify_answer(text: str | None, intent: str | None) -> Verdict | None:
    """granted | declined, or None when the answer is not clear (ask once more)."""
    words = (text or "").strip()
    if _UNSURE.search(words):
        return None
    if _YES_WITH_NEGATION.search(words):
        return "granted"
    if _NO.search(words):
        return "declined"
    if _YES.search(words):
        return "granted"
    if intent == "affirm":
        return "granted"
    if intent == "deny":
        return "declined"
    return None
