"""A visitor's time zone in their own words: "I'm in London", "Berlin time", "Sydney",
"EST", "GMT+2", "+05:30", "pacific time", "we're in Portugal" -> an IANA zone.

When a place counts (names in bot.handoff.zone_names): with a cue, i.e. a preposition
before it ("in", "from", "near", "on"; "the" and "central"-like words may sit between:
"in the UK", "in central London"), a clock word after it ("London time", "CET hours"),
a clock time before an abbreviation ("3pm ET"), or the reply being the name alone, give
or take "ok", "please", "thanks" ("Sydney", "Berlin please"). A cue after a negation
("not in London") does not count. So "I'm Jordan" or "Jordan here" (a person) and "Paris
sounds nice" name no zone, while "I'm in Jordan" and "Jordan" alone do.

Offsets need a sign and "UTC"/"GMT" before them ("UTC-5", "gmt +2", "UTC+05:30") or the
colon form ("+05:30"): a bare number ("2", "the 2nd") is never an offset, it is a choice
of slot. Several names for one clock give that zone, the most specific one ("I'm in
London, GMT" in winter: Europe/London); names for different clocks give a question.

Hostile text: at most MAX_CHARS are read, with two bounded regexes and one word pattern
(all linear), then dictionary lookups of at most MAX_PHRASE words per position.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.handoff.zone_names import (
    MAX_PHRASE,
    Name,
    iana_keys,
    names,
    word_key,
    words,
    zone_with_offset,
)

MAX_CHARS = 500
Span = tuple[int, int]

_SIGN = r"[+\-\u2212]"
# "UTC+2", "gmt -05:00", "UTC+0530", "utc+5.5"; a malformed one ("UTC+25") names nothing.
_PREFIXED = re.compile(
    rf"\b(?:utc|gmt)[ \t]{{0,2}}({_SIGN})[ \t]{{0,2}}(\d{{1,2}})"
    r"(?::?(\d{2})|[.,](\d{1,2}))?(?!\d)",
    re.IGNORECASE,
)
_BARE = re.compile(rf"(?<![\w+\-\u2212:])({_SIGN})(\d{{1,2}}):(\d{{2}})(?![\d:])")
_IANA = re.compile(r"\b[A-Za-z]{2,12}(?:/[A-Za-z0-9_+\-]{1,30}){1,2}")

CUE_BEFORE = frozenset({"in", "from", "near", "on", "around", "outside", "to"})
SKIPPED_BEFORE = frozenset(
    {"the", "central", "downtown", "greater", "north", "south", "east", "west", "northern",
     "southern", "eastern", "western", "upstate", "rural", "sunny", "beautiful"}
)  # fmt: skip
CLOCK_AFTER = frozenset({"time", "timezone", "tz", "zone", "hours", "clock", "standard"})
NEGATIONS = frozenset(
    {"not", "never", "isnt", "arent", "wasnt", "werent", "dont", "doesnt", "didnt", "aint"}
)
FILLER = frozenset(
    {"ok", "okay", "please", "pls", "plz", "thanks", "thank", "you", "yes", "yeah", "yep",
     "sure", "sorry", "oh", "ah", "actually", "no", "nope", "hey", "hi", "hello", "well",
     "um", "uh", "so", "and", "but", "then", "the", "time", "zone", "timezone", "tz", "my",
     "is", "its", "standard"}
)  # fmt: skip
# The first is taken when names for the same clock meet.
SPECIFIC = {"iana": 0, "city": 1, "country": 2, "region": 3, "abbreviation": 4, "offset": 5}


@dataclass(frozen=True)
class ZoneReading:
    """What the words say. `zone` None: they name several clocks, `options` says which
    (ask). Else `options` are the other meanings of the words the zone was read from
    (IST: also Asia/Jerusalem, Europe/Dublin). `spans` are where the zone words are, so
    a caller reads the rest of the text (a slot choice, a day) without them."""

    zone: ZoneInfo | None
    options: tuple[str, ...]
    spans: tuple[Span, ...]


@dataclass(frozen=True)
class _Found:
    zones: tuple[str, ...]
    decided: bool
    kind: str
    span: Span


@dataclass(frozen=True)
class _Word:
    key: str
    text: str
    span: Span


def _offsets(text: str) -> list[tuple[Span, timedelta | None]]:
    found: list[tuple[Span, timedelta | None]] = []
    for pattern in (_PREFIXED, _BARE):
        for match in pattern.finditer(text):
            sign = -1 if match.group(1) in "-\u2212" else 1
            hours, minutes = int(match.group(2)), int(match.group(3) or 0)
            if pattern is _PREFIXED and match.group(4):
                minutes = {"5": 30, "50": 30, "75": 45}.get(match.group(4), -1)
            valid = hours <= 14 and minutes in (0, 30, 45)
            offset = sign * timedelta(hours=hours, minutes=minutes) if valid else None
            found.append((match.span(), offset))
    return found


def _overlaps(span: Span, taken: Sequence[Span]) -> bool:
    return any(start < span[1] and span[0] < end for start, end in taken)


def _has_cue(tokens: Sequence[_Word], first: int, last: int, text: str, needs: str) -> bool:
    """Is the name at tokens[first:last] meant as a zone (see the module's rules)?"""
    after = tokens[last].key if last < len(tokens) else None
    if after in CLOCK_AFTER or any(t.key in CLOCK_AFTER for t in tokens[first:last]):
        return not (first > 0 and tokens[first - 1].key in NEGATIONS)
    if needs in ("caps", "clock"):
        before = text[: tokens[first].span[0]].rstrip()
        if before[-1:].isdigit() or (first > 0 and tokens[first - 1].key in ("am", "pm")):
            return True
        if needs == "clock":
            return False
    at = first - 1
    while at >= 0 and first - at <= 2 and tokens[at].key in SKIPPED_BEFORE:
        at -= 1
    if at < 0 or tokens[at].key not in CUE_BEFORE:
        return False
    return not (at > 0 and tokens[at - 1].key in NEGATIONS)


def _names_in(text: str, taken: list[Span]) -> list[tuple[int, int, Name]]:
    """Longest names first, left to right; tokens inside `taken` spans are skipped."""
    tokens = [
        _Word(word_key(m.group()), m.group(), m.span())
        for m in words(text)
        if not _overlaps(m.span(), taken)
    ]
    table = names()
    found: list[tuple[int, int, Name]] = []
    i = 0
    while i < len(tokens):
        for length in range(min(MAX_PHRASE, len(tokens) - i), 0, -1):
            name = table.get(tuple(t.key for t in tokens[i : i + length]))
            if name is not None:
                found.append((i, i + length, name))
                i += length
                break
        else:
            i += 1
    # a region word before a place only describes it ("central London")
    found = [
        f for n, f in enumerate(found)
        if not (f[2].kind == "region" and n + 1 < len(found) and found[n + 1][0] == f[1])
    ]  # fmt: skip
    covered = {k for first, last, _ in found for k in range(first, last)}
    alone = all(t.key in FILLER for k, t in enumerate(tokens) if k not in covered)
    kept = []
    for first, last, name in found:
        if name.kind == "none":
            continue
        upper = all(t.text.isupper() for t in tokens[first:last])
        if name.needs == "upper":
            if upper:
                kept.append((tokens[first].span[0], tokens[last - 1].span[1], name))
            continue
        if (
            name.needs == "anywhere"
            or (name.needs == "caps" and upper and len(tokens[first].text) > 1)
            or alone
            or _has_cue(tokens, first, last, text, name.needs)
        ):
            kept.append((tokens[first].span[0], tokens[last - 1].span[1], name))
    return kept


def _found(text: str, now: datetime) -> list[_Found]:
    found: list[_Found] = []
    taken: list[Span] = []
    for match in _IANA.finditer(text):
        key = iana_keys().get(match.group().lower())
        if key is not None:
            found.append(_Found((key,), True, "iana", match.span()))
            taken.append(match.span())
    for span, offset in _offsets(text):
        if _overlaps(span, taken):
            continue
        taken.append(span)
        zone = zone_with_offset(offset, now) if offset is not None else None
        if zone is not None:
            found.append(_Found((zone,), True, "offset", span))
    for start, end, name in _names_in(text, taken):
        found.append(_Found(name.zones, name.decided, name.kind, (start, end)))
    return found


def _offset(zone: str, now: datetime) -> timedelta | None:
    return now.astimezone(ZoneInfo(zone)).utcoffset()


def read_zone(text: str, now: datetime) -> ZoneReading | None:
    """The zone the text names, a question between zones, or None if it names none."""
    text = text[:MAX_CHARS]
    found = _found(text, now)
    if not found:
        return None
    spans = tuple(sorted(f.span for f in found))
    decided = sorted((f for f in found if f.decided), key=lambda f: (SPECIFIC[f.kind], f.span[0]))
    if not decided:
        return ZoneReading(None, found[0].zones, spans)
    choices = list(dict.fromkeys(f.zones[0] for f in decided))
    best = decided[0]
    if len(choices) > 1 and len({_offset(zone, now) for zone in choices}) > 1:
        return ZoneReading(None, tuple(choices), spans)
    pinned = len(choices) == 1 and any(len(f.zones) == 1 for f in decided)
    options = () if pinned else best.zones[1:]
    return ZoneReading(ZoneInfo(best.zones[0]), options, spans)


def without(text: str, spans: Sequence[Span]) -> str:
    """The text with the zone words blanked out (same length, so other spans still fit)."""
    chars = list(text)
    for start, end in spans:
        chars[start:end] = " " * (end - start)
    return "".join(chars)
