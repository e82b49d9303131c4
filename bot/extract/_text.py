"""Small text helpers shared by the normalizers.

Chat answers arrive in every shape: curly quotes, "I am" / "I'm" / "im", double spaces,
trailing emoji. The normalizers match their tables against one canonical lower-case form
so each table lists a phrase once.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import Decimal

_QUOTES = str.maketrans({"’": "'", "‘": "'", "`": "'", "´": "'", "“": '"', "”": '"'})
_DASHES = str.maketrans({"–": "-", "—": "-", "‑": "-", "−": "-"})
_SPACES = re.compile(r"\s+")
# Contractions people type without the apostrophe or spelled out.
_CONTRACTIONS = (
    (re.compile(r"\bi\s+am\b"), "i'm"),
    (re.compile(r"\bim\b"), "i'm"),
    (re.compile(r"\bit\s+is\b"), "it's"),
    (re.compile(r"\bits\b"), "it's"),
    (re.compile(r"\bdo\s+not\b"), "don't"),
    (re.compile(r"\bdont\b"), "don't"),
    (re.compile(r"\bdoes\s+not\b"), "doesn't"),
    (re.compile(r"\bcan\s*not\b"), "can't"),
    (re.compile(r"\bcant\b"), "can't"),
    (re.compile(r"\bwe\s+are\b"), "we're"),
)
# Chat shorthand, written out so each table lists a phrase once ("nxt wk" -> "next week").
# Whole words only; "u"/"r" not inside "u.s." or "r&d".
_SHORTHAND: dict[str, str] = {
    "nxt": "next",
    "wk": "week",
    "wks": "weeks",
    "mnth": "month",
    "mnths": "months",
    "mth": "month",
    "mths": "months",
    "yr": "year",
    "yrs": "years",
    "qtr": "quarter",
    "tmrw": "tomorrow",
    "tmr": "tomorrow",
    "tmrow": "tomorrow",
    "2moro": "tomorrow",
    "2morrow": "tomorrow",
    "2day": "today",
    "b4": "before",
    "bc": "because",
    "b/c": "because",
    "cuz": "because",
    "coz": "because",
    "bcoz": "because",
    "u": "you",
    "ur": "your",
    "r": "are",
    "pls": "please",
    "plz": "please",
    "abt": "about",
    "thru": "through",
    "w/": "with",
    "w/o": "without",
    "gonna": "going to",
    "wanna": "want to",
    "xmas": "christmas",
    "atm": "at the moment",
    "rn": "right now",
    "tho": "though",
}
_SHORTHAND_WORD = re.compile(
    r"(?<![\w.&/'$])(?:"
    + "|".join(re.escape(k) for k in sorted(_SHORTHAND, key=len, reverse=True))
    + r")(?![\w.&'$])"
)


def word_set(words: str) -> frozenset[str]:
    """A set of words written as one white-space separated string (compact tables)."""
    return frozenset(words.split())


def clean_spaces(text: str) -> str:
    """Collapse runs of white space and trim: the visitor's words, tidied for display."""
    return _SPACES.sub(" ", text).strip()


def normalize(text: str) -> str:
    """Canonical form for table matching: lower case, straight quotes, plain dashes,
    single spaces and the common contractions written one way."""
    out = clean_spaces(text.translate(_QUOTES).translate(_DASHES).lower())
    out = _SHORTHAND_WORD.sub(lambda m: _SHORTHAND[m.group(0)], out)
    for pattern, repl in _CONTRACTIONS:
        out = pattern.sub(repl, out)
    return out


def one_edit_apart(word: str, target: str) -> bool:
    """True when `word` becomes `target` by one inserted, deleted, replaced or swapped
    (adjacent) letter: the typos people make ("thousnd", "thousnad", "milion")."""
    if word == target or abs(len(word) - len(target)) > 1:
        return False
    if len(word) == len(target):
        diff = [i for i, (a, b) in enumerate(zip(word, target, strict=True)) if a != b]
        if len(diff) == 1:
            return True
        i = diff[0]
        return diff == [i, i + 1] and word[i] == target[i + 1] and word[i + 1] == target[i]
    short, long_ = (word, target) if len(word) < len(target) else (target, word)
    i = next((k for k, (a, b) in enumerate(zip(short, long_, strict=False)) if a != b), len(short))
    return short[i:] == long_[i + 1 :]


def fix_typos(norm: str, vocabulary: frozenset[str]) -> str:
    """Each word of five letters or more that is one typo away from a word of
    `vocabulary` (and starts with the same letter) is replaced by it. Only for the
    small closed vocabularies the normalizers read (number words, time units)."""

    def repair(m: re.Match[str]) -> str:
        word = m.group(0)
        if word in vocabulary or len(word) < 5 or word.endswith("th"):
            return word  # "seventh" is an ordinal, not a typo of "seventy"
        return next(
            (t for t in sorted(vocabulary) if t[0] == word[0] and one_edit_apart(word, t)), word
        )

    return re.sub(r"[a-z]+", repair, norm)


def phrase_regex(phrases: Iterable[str]) -> re.Pattern[str]:
    """One regex matching any of `phrases` as whole words, longest first, so the
    tables stay plain lists of phrases instead of hand-written patterns."""
    parts = sorted({p.strip().lower() for p in phrases if p.strip()}, key=len, reverse=True)
    body = "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in parts)
    return re.compile(rf"(?<![\w'])(?:{body})(?![\w'])")


# "Not decided yet" in any of its forms: budget and timeline both read these as unknown.
# Dodges that fit any question: the visitor answers without saying anything. Each
# normalizer reads them as "unknown" (said, not known), so the form moves on.
EVASIVE_PHRASES: tuple[str, ...] = (
    "get back to you",
    "get back to u",
    "come back to that",
    "come back to you",
    "get to that later",
    "talk about that later",
    "tell you later",
    "figure it out",
    "figure that out",
    "we'll see",
    "we will see",
    "let's see how it goes",
    "maybe, maybe not",
    "maybe maybe not",
    "who knows",
    "not important",
    "doesn't matter",
    "does not matter",
    "no comment",
    "next question",
    "skip this",
    "skip that",
    "pass on that",
    "not going to tell",
    "won't tell",
    "let's move on",
)

UNDECIDED_PHRASES: tuple[str, ...] = (
    "not sure",
    "unsure",
    "no idea",
    "no clue",
    "don't know",
    "doesn't know",
    "dunno",
    "idk",
    "depends",
    "it depends",
    "rather not",
    "prefer not",
    "can't say",
    "tbd",
    "tba",
    "to be determined",
    "to be decided",
    "not decided",
    "undecided",
    "haven't decided",
    "flexible",
    "hard to say",
    "difficult to say",
    "too early to say",
    "too early to tell",
    "too soon to say",
    "too soon to tell",
    "not yet known",
    "haven't thought",
    "haven't figured",
    "not figured out",
    "haven't worked out",
    "no clue",
)


# Visitors who answer a question with a question or a shrug word: the bot should re-ask.
DEFLECTIONS = frozenset(
    {
        "why",
        "why?",
        "what",
        "what?",
        "huh",
        "huh?",
        "?",
        "??",
        "what do you mean",
        "what do you mean?",
        "pardon",
        "sorry?",
        "come again",
        "hello",
        "hi",
        "hey",
        "test",
        "testing",
        "ok",
        "okay",
        "k",
    }
)
_MASH = re.compile(r"^(?:asdf\w*|qwer\w*|zxcv\w*|hjkl|jkl;?|sdf|fdsa|([^\W\d_])\1{2,})$")


def is_noise(norm: str) -> bool:
    """True for text that carries no answer at all: empty, punctuation, a deflection,
    or keyboard mash. Expects `normalize()`d text."""
    stripped = norm.strip(" .!?,;:-_*~\"'()[]")
    if not stripped or norm in DEFLECTIONS or stripped in DEFLECTIONS:
        return True
    if not re.search(r"[^\W\d_]|\d", stripped):
        return True
    words = stripped.split()
    return all(_MASH.match(w) for w in words)


# ---- number words -------------------------------------------------------------------

UNITS: dict[str, int] = {
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fourty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
SCALES: dict[str, int] = {
    "hundred": 100,
    "thousand": 1_000,
    "million": 1_000_000,
    "billion": 1_000_000_000,
}
_NUMBER_WORD = "|".join(sorted([*UNITS, *SCALES], key=len, reverse=True))
# "one hundred and fifty thousand", "twenty-five", "a million"
WORD_NUMBER = (
    rf"(?:\ba\s+(?=(?:{'|'.join(SCALES)})\b))?"
    rf"\b(?:{_NUMBER_WORD})(?:(?:(?<=hundred)\s+and\s+|\s+|-)(?:{_NUMBER_WORD}))*\b"
)


def words_to_number(text: str) -> Decimal | None:
    """Value of an English number phrase ("two hundred and fifty thousand" -> 250000).

    Returns None when the words do not form one number ("twenty forty", "thousand million")."""
    tokens = [t for t in re.split(r"[\s-]+", text.lower()) if t and t != "and"]
    if tokens and tokens[0] == "a":
        tokens[0] = "one"
    total = current = 0
    last_scale = 10**12
    last_unit: int | None = None
    for tok in tokens:
        if tok in UNITS:
            value = UNITS[tok]
            # "twenty five" is a number, "five twenty" and "twenty forty" are not.
            if last_unit is not None and not (last_unit % 10 == 0 and last_unit >= 20 > value):
                return None
            current += value
            last_unit = value
            continue
        last_unit = None
        if tok == "hundred":
            current = (current or 1) * 100
        elif tok in SCALES and SCALES[tok] < last_scale:
            total += (current or 1) * SCALES[tok]
            current = 0
            last_scale = SCALES[tok]
        else:
            return None
    return Decimal(total + current) if tokens else None


# Number words that typos are repaired towards (short ones like "one" are too risky).
NUMBER_VOCABULARY = frozenset(
    [w for w in UNITS if len(w) >= 5] + [*SCALES, "thousands", "millions", "hundreds"]
)
