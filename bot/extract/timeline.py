"""Timeline answers -> `Timeline` (months from today).

"When would you like a solution in place?" gets answers like "ASAP", "in two weeks",
"by Q2", "end of summer", "mid 2027", "no plans". Small tables and regexes read the common
shapes cheaply; dateparser reads explicit calendar dates ("by 15 March", "03/15/2027",
"next friday"), and only after the tables found nothing, because it is the slow part.

Decisions (one reading for every named period, so answers compare fairly):
* A named period said as a deadline counts by its *end* ("by Q2" -> 30 June, "end of
  summer" -> 31 August); "before X" means X's first day ("before 2028" -> 1 January 2028).
  A month after a bare "by" is the exception: "by March" -> 1 March, by the time March
  comes, as every blind writer of the phrasing sets counted it ("by the end of March" and
  "before March is out" still mean 31 March);
  said plainly ("Q2", "next month", "in January") it means "sometime in it": its middle,
  as for a whole year below. Its end read "next month" as two months away, which is not
  what people who say it mean.
  Qualifiers move the point: "start/beginning of" -> first day, "early" -> a quarter of the
  way in, "mid" -> halfway, "late/end of/by" -> last day (a month after "by": above).
* A whole *other* year said without a qualifier ("next year", "in 2027") means its middle
  (2 July): "sometime next year". Its end would rank it below "in 12 months" and its start
  would rank it as urgent as "in 6 weeks". "This year" and "by 2027" mean the year's end.
* A period is its next occurrence: "by March" said in November is next March; "Q1" after Q1
  is next year's Q1. Seasons are northern-hemisphere (summer = June-August).
* A range of durations ("3-6 months") gives the later end: the deadline the visitor named.
* Dates in the past ("yesterday", "last month") count as 0: needed now.
* months = whole calendar months + remaining days / 30.4375, rounded to 1 decimal, so
  "in 3 months" is exactly 3.0 and "in two weeks" is 0.5.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import Literal

from dateparser.date import DateDataParser

from bot.extract._text import (
    EVASIVE_PHRASES,
    NUMBER_VOCABULARY,
    UNDECIDED_PHRASES,
    WORD_NUMBER,
    fix_typos,
    is_noise,
    normalize,
    phrase_regex,
    words_to_number,
)
from bot.facts import Timeline

DAYS_PER_MONTH = 30.4375
Qualifier = Literal["start", "early", "mid", "end"]
Interval = tuple[dt.date, dt.date]

# ---- phrase tables ----------------------------------------------------------------------

# Said plainly: no purchase planned. Checked before any date so "right now we're just
# looking" is not read as "now".
NO_PLANS = phrase_regex(
    (
        "no plans",
        "no plan",
        "no timeline",
        "no time line",
        "no timeframe",
        "no time frame",
        "nothing planned",
        "not planned",
        "not planning",
        "no intention",
        "not anytime soon",
        "not any time soon",
        "not soon",
        "not now",
        "not right now",
        "not at the moment",
        "not currently",
        "not looking",
        "not in the market",
        "never",
        "not in the foreseeable future",
    )
)
# "Never" said of something else: "if all goes to plan (it never does)", "never mind".
NEVER_ASIDE = re.compile(
    r"\b(?:it|that|which|things?|plans?)\s+never\s+(?:does|do|did|works?|goes|go|happens?)\b"
    r"|\bnever\s+(?:mind|know)\b|\byou\s+never\b"
)
# No timeline *yet*: one to come, its date not known ("there's no timeline yet").
NONE_YET = re.compile(
    r"\bno\s+(?:real\s+|fixed\s+|set\s+|firm\s+|concrete\s+)?(?:timeline|time\s*line|time\s*frame"
    r"|timeframe|date)\s+(?:yet|so\s+far|for\s+now|as\s+of\s+now|decided|agreed)\b"
)
# What is said after "realistically" stands over a wish before it ("we wanted this ages
# ago, but realistically in 4 months"; "a lot on our plate right now, so realistically
# not sure"): only the words after it are read.
REALISTICALLY = re.compile(
    r"\b(?:realistically|genuinely|in\s+reality|truthfully|in\s+practice|practically\s+speaking)\b"
)
# A dodge says nothing about when, whatever time words frame it ("right now we're just
# looking"): unknown, read before the dates.
DODGE = phrase_regex(("just looking", "just browsing", "just curious", "only browsing"))
# Torn between two dates, no choice made: "maybe this year maybe next", "this year or
# next": unknown, read before the dates (either would be a guess).
TORN = re.compile(
    r"\bmaybe\s+(?:this|next)\s+(?:year|month|quarter)\W+(?:or\s+)?maybe\s+(?:next|the)\b"
    r"|\b(?:this|next)\s+(?:year|month|quarter)\s+or\s+(?:next|the\s+(?:one|year)\s+after)\b"
)
# The same day a year on, counted from today (not next year's middle).
THIS_TIME_NEXT_YEAR = re.compile(r"\b(?:this|same)\s+time\s+next\s+year\b")
# A purchase put off without a date: read after the dates, so "someday, maybe next year"
# keeps its date.
SOFT_NO_PLANS = phrase_regex(
    (
        "not a priority",
        "someday",
        "some day",
        "one day",
        "eventually",
        "at some point",
        "long term",
        "long-term",
    )
)
UNKNOWN = phrase_regex(
    (
        *UNDECIDED_PHRASES,
        *EVASIVE_PHRASES,
        # No hurry is not "no plans" (the rubric's 0 points): they would start any time,
        # and when is not said. The blind phrasings label it unknown ("no rush",
        # "whenever, there's no deadline").
        "no rush",
        "no hurry",
        "not urgent",
        "nothing urgent",
        "no fixed timeline",
        "no fixed date",
        "no set timeline",
        "no set date",
        "no specific date",
        "no firm date",
        "no deadline",
        "no timeline yet",
        "open-ended",
        "open ended",
        "whenever",
        "hard to say",
        "we'll see",
        "soon",
        "soonish",
        "shortly",
        "later",
        "open",
    )
)
# Words whose typos are repaired before matching ("monhts", "weesk", "quater").
TYPO_VOCABULARY = NUMBER_VOCABULARY | frozenset(
    {"weeks", "month", "months", "years", "quarter", "quarters", "christmas", "summer", "autumn"}
    | {"immediately", "immediate", "urgently", "tomorrow", "yesterday"}
)

ASAP = re.compile(
    r"\basap\b|\ba\.s\.a\.p\b|\bas\s+(?:soon|fast|quickly)\s+as\s+(?:[a-z]+ly\s+)?(?:possible|we\s+can)\b"
    r"|\bright\s+away\b|\bimmediate(?:ly)?\b|\burgent(?:ly)?\b|\byesterday\b|\btoday\b"
    r"|\btonight\b|\btomorrow\b|\bthis\s+week\b|\bend\s+of\s+(?:the\s+|this\s+)?week\b"
    r"|\bstraight\s+away\b|\bat\s+once\b|\bpronto\b|\boverdue\b|\balready\s+late\b"
    r"|\bnow\b|\beod\b|\bthis\s+(?:very\s+)?(?:minute|instant|second)\b"
    # needed in the past: needed now ("we needed it last month")
    r"|\b(?:needed|wanted)\s+(?:it|this|one|that)?\s*(?:since\s+)?(?:last\s+(?:week|month|year)"
    r"|ages\s+ago|months\s+ago|weeks\s+ago)\b"
)

MONTHS: dict[str, int] = {
    "january": 1,
    "jan": 1,
    "janurary": 1,
    "february": 2,
    "feb": 2,
    "febuary": 2,
    "feburary": 2,
    "march": 3,
    "mar": 3,
    "april": 4,
    "apr": 4,
    "may": 5,
    "june": 6,
    "jun": 6,
    "july": 7,
    "jul": 7,
    "august": 8,
    "aug": 8,
    "agust": 8,
    "september": 9,
    "sep": 9,
    "sept": 9,
    "setember": 9,
    "october": 10,
    "oct": 10,
    "november": 11,
    "nov": 11,
    "december": 12,
    "dec": 12,
}
# (first month, last month); winter runs over the new year.
SEASONS: dict[str, tuple[int, int]] = {
    "spring": (3, 5),
    "summer": (6, 8),
    "autumn": (9, 11),
    "fall": (9, 11),
    "winter": (12, 2),
}
UNIT_MONTHS: dict[str, float] = {
    "day": 1 / DAYS_PER_MONTH,
    "week": 7 / DAYS_PER_MONTH,
    "wk": 7 / DAYS_PER_MONTH,
    "fortnight": 14 / DAYS_PER_MONTH,
    "month": 1.0,
    "mo": 1.0,
    "mth": 1.0,
    "quarter": 3.0,
    "year": 12.0,
    "yr": 12.0,
}
VAGUE_COUNTS: dict[str, float] = {
    "a": 1,
    "an": 1,
    "one": 1,
    "a couple": 2,
    "a couple of": 2,
    "couple": 2,
    "couple of": 2,
    "a few": 3,
    "few": 3,
    "several": 3,
    "half a": 0.5,
    "half an": 0.5,
    "the next": 1,
    "another": 1,
}

# ---- regexes ------------------------------------------------------------------------------


def _alt(words: Iterable[str]) -> str:
    return "|".join(
        re.escape(w).replace(r"\ ", r"\s+") for w in sorted(words, key=len, reverse=True)
    )


_COUNT = rf"\d+(?:[.,]\d+)?|{WORD_NUMBER}|{_alt(VAGUE_COUNTS)}"
_UNIT = r"(?P<unit>days?|weeks?|wks?|fortnights?|months?|mos?|mths?|quarters?|years?|yrs?)"
DURATION = re.compile(
    rf"(?<![\w.])(?P<n1>{_COUNT})(?:\s*(?:-|to|or)\s*(?P<n2>{_COUNT}))?\s*{_UNIT}\b"
    rf"(?P<half>\s+and\s+a\s+half)?(?:\s*-\s*ish\b|ish\b)?"
)
_NOT_AHEAD_BEFORE = re.compile(r"(?:\bfor|\bsince|\bpast|\blast|\bprevious)\s+(?:the\s+)?$")
# A figure and what it counts just before "a month": "300 chats a month" is a rate.
_RATE_BEFORE = re.compile(
    r"(?<![\d.,'])\d[\d.,']*(?:\s\d{3})*\s*(?:[^\W\d_]{1,12}\s+){0,2}"
    r"(?<!\bin\s)(?<!\bfor\s)(?<!\bby\s)(?<!\bthan\s)(?<!\bover\s)(?<!\babout\s)(?<!\bafter\s)"
    r"(?<!\bwithin\s)(?<!\baround\s)(?<!\bunder\s)(?<!\binside\s)$"
)
# "for" that looks ahead: "hoping for two months", "not for 18 months".
_AHEAD_FOR = re.compile(
    r"\b(?:hop\w*|aim\w*|plan\w*|target\w*|shoot\w*|not|ready|wait\w*|go(?:ing)?)\s+for\s+(?:the\s+)?$"
)
_NOT_AHEAD_AFTER = re.compile(r"(?<!\s)\s+(?:ago|already|now)\b")

_REL = r"this|next|the\s+next|coming|the\s+coming|current|following"
_QUAL = (
    r"(?:(?:the\s+)?(?P<q>start|beginning|early|mid|middle|late|end)(?:\s*-\s*|\s+)"
    r"(?:of\s+)?(?:the\s+)?)?"
)
_YEAR_SUFFIX = (
    r"(?:,?\s+(?:of\s+)?(?:(?P<yr>20\d\d)|'(?P<yy>\d\d))|\s+(?P<yrrel>next|this)\s+year)?"
)
QUARTER = re.compile(
    rf"{_QUAL}(?:\bq(?P<qn>[1-4])\b(?:\s*[/-]?\s*(?:(?P<qyr>20\d\d)|'?(?P<qyy>\d\d)\b))?"
    rf"|\b(?P<qord>first|1st|second|2nd|third|3rd|fourth|4th|last)\s+quarter\b)"
    rf"{_YEAR_SUFFIX}"
)
QUARTER_YEAR_FIRST = re.compile(rf"{_QUAL}\b(?P<yr>20\d\d)\s*[/-]?\s*q(?P<qn>[1-4])\b")
HALF = re.compile(
    rf"{_QUAL}(?:\bh(?P<hn>[12])\b|\b(?P<hord>first|second)\s+half\b)(?:\s+of)?{_YEAR_SUFFIX}"
)
REL_PERIOD = re.compile(rf"{_QUAL}\b(?P<rel>{_REL})\s+(?P<per>week|month|quarter)\b")
END_OF_PERIOD = re.compile(
    r"\b(?P<q>end|close)\s+of\s+(?:the\s+)?(?P<per>month|quarter|year)\b"
    r"|\b(?P<per2>month|quarter|year)[\s-]end\b|\beo(?P<per3>m|q|y)\b"
)
MONTH = re.compile(
    rf"(?P<prep>\b(?:by|in|before|until|till|through|around|about|during|for)\s+)?{_QUAL}"
    rf"\b(?P<mon>{_alt(MONTHS)})\b\.?{_YEAR_SUFFIX}"
)
SEASON = re.compile(
    rf"{_QUAL}\b(?:(?P<rel>this|next|coming|the\s+coming)\s+)?(?P<season>{_alt(SEASONS)})\b"
    rf"{_YEAR_SUFFIX}"
)
YEAR = re.compile(
    rf"(?P<by>\b(?:by|before|until|till|no\s+later\s+than)\s+)?{_QUAL}\b"
    rf"(?:(?P<rel>{_REL})\s+year|(?P<after>the\s+)?year\s+after\s+next"
    rf"|(?P<yr>20\d\d)(?![\d/.-]))\b"
)
NUMERIC_MONTH = re.compile(r"\b(?P<m>0?[1-9]|1[0-2])\s*[/.-]\s*(?P<yr>20\d\d)\b")
# Only spans like these go to dateparser: a day number, a numeric date or a weekday.
_MON = _alt(MONTHS)
EXPLICIT_DATE = re.compile(
    rf"\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?(?:{_MON})\b\.?(?:,?\s+20\d\d)?"
    rf"|\b(?:{_MON})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?\b(?:,?\s+20\d\d)?"
    r"|\b\d{4}-\d{1,2}-\d{1,2}\b|\b\d{1,2}[/.]\d{1,2}[/.]\d{2,4}\b"
    r"|\b(?:next\s+|this\s+)?(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b"
)

# ---- date arithmetic ----------------------------------------------------------------------


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _months_between(today: dt.date, target: dt.date) -> float:
    months = (
        (target.year - today.year) * 12
        + (target.month - today.month)
        + (target.day - today.day) / DAYS_PER_MONTH
    )
    return round(max(months, 0.0), 1)


_QUALIFIERS: dict[str, Qualifier] = {
    "start": "start",
    "beginning": "start",
    "early": "early",
    "mid": "mid",
    "middle": "mid",
    "late": "end",
    "end": "end",
}


def _point(
    interval: Interval, qualifier: str | None, default: Qualifier, today: dt.date
) -> dt.date:
    """The day a qualifier picks in a period (see the module docstring). "Early" and "mid"
    count in what is left of a period already under way ("this quarter" is not past)."""
    start, end = interval
    if _QUALIFIERS.get(qualifier or "", default) in ("early", "mid"):
        start = max(start, min(today, end))
    q = _QUALIFIERS.get(qualifier or "", default)
    span = (end - start).days
    if q == "start":
        return start
    if q == "early":
        return start + dt.timedelta(days=round(span / 4))
    if q == "mid":
        return start + dt.timedelta(days=round(span / 2))
    return end


# Said right after a period: the period's last day. The look-behind keeps a search over a
# long run of spaces linear (only the run's first space may start a match).
PERIOD_OVER = re.compile(
    r"(?<!\s)(?:\s*(?:is|'s)\s+(?:out|over|done|through|finished)\b|\s+ends\b)"
)


def _qualifier(m: re.Match[str], norm: str) -> str | None:
    """The said qualifier ("mid", "end of"...); "before X" means X's first day."""
    groups = m.groupdict()
    if groups.get("q"):
        return groups["q"]
    prefix = norm[: m.start()] + (groups.get("prep") or groups.get("by") or "")
    if PERIOD_OVER.match(norm, m.end()):
        return "end"  # "before January is out", "until the summer is over"
    if re.search(r"\bbefore\s*$", prefix):
        return "start"
    if re.search(
        r"\b(?:by|until|till|til|latest|no\s+later\s+than|deadline(?:\s+is)?)\s*$", prefix
    ):
        return "end"
    return None


def _year_of(m: re.Match[str], today: dt.date) -> int | None:
    """An explicit year after the period ("March 2027", "Q2 '27", "summer next year")."""
    groups = m.groupdict()
    if groups.get("yr"):
        return int(groups["yr"])
    if groups.get("yy"):
        return 2000 + int(groups["yy"])
    if groups.get("yrrel"):
        return today.year + (1 if groups["yrrel"] == "next" else 0)
    return None


def _next_occurrence(
    make: Callable[[int], Interval], today: dt.date, year: int | None, skip_current: bool = False
) -> Interval:
    """The interval in `year`, or else the first one not yet over (the next after the
    current one when `skip_current`, for "next summer")."""
    if year is not None:
        return make(year)
    for y in (today.year - 1, today.year, today.year + 1, today.year + 2):
        start, end = make(y)
        if end < today:
            continue
        if skip_current and start <= today:
            continue
        return start, end
    return make(today.year + 1)  # pragma: no cover - a period always recurs within 2 years


def _valid_year(year: int | None, today: dt.date) -> bool:
    return year is None or today.year <= year <= today.year + 10


# ---- matchers: each returns months or None ---------------------------------------------------


def _count(token: str) -> float | None:
    token = re.sub(r"\s+", " ", token)
    if token in VAGUE_COUNTS:
        return VAGUE_COUNTS[token]
    if token[0].isdigit():
        return float(token.replace(",", "."))
    value = words_to_number(token)
    return None if value is None else float(value)


def _duration(norm: str, today: dt.date) -> float | None:
    for m in DURATION.finditer(norm):
        before = norm[max(0, m.start() - 30) : m.start()]
        looks_back = _NOT_AHEAD_BEFORE.search(before) and not (
            _AHEAD_FOR.search(before) or m.group("n1") == "another"
        )
        if looks_back or _NOT_AHEAD_AFTER.match(norm, m.end()):
            continue
        if m.group("n1") in ("a", "an") and _RATE_BEFORE.search(before):
            continue  # "30 000 czk a month", "300 chats a month": a rate, not a deadline
        n = _count(m.group("n2") or m.group("n1"))
        if n is None:
            continue
        if m.group("half"):
            n += 0.5
        unit = m.group("unit").rstrip("s")
        months = n * UNIT_MONTHS[unit]
        if months > 12 * 20:
            continue
        return round(months, 1)
    return None


def _quarter_interval(year: int, quarter: int) -> Interval:
    first = 3 * (quarter - 1) + 1
    return dt.date(year, first, 1), _month_end(year, first + 2)


_ORDINALS = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3}
_ORDINALS |= {"fourth": 4, "4th": 4, "last": 4}


def _quarter(norm: str, today: dt.date) -> float | None:
    m = QUARTER_YEAR_FIRST.search(norm) or QUARTER.search(norm)
    if not m:
        return None
    groups = m.groupdict()
    quarter = int(groups["qn"]) if groups.get("qn") else _ORDINALS[groups["qord"]]
    year = _year_of(m, today)
    if groups.get("qyr"):
        year = int(groups["qyr"])
    elif groups.get("qyy"):
        year = 2000 + int(groups["qyy"])
    if not _valid_year(year, today):
        return None
    interval = _next_occurrence(lambda y: _quarter_interval(y, quarter), today, year)
    return _months_between(today, _point(interval, _qualifier(m, norm), "mid", today))


def _half(norm: str, today: dt.date) -> float | None:
    m = HALF.search(norm)
    if not m:
        return None
    half = int(m.group("hn")) if m.group("hn") else (1 if m.group("hord") == "first" else 2)
    year = _year_of(m, today)
    if not _valid_year(year, today):
        return None

    def make(y: int) -> Interval:
        if half == 1:
            return dt.date(y, 1, 1), dt.date(y, 6, 30)
        return dt.date(y, 7, 1), dt.date(y, 12, 31)

    interval = _next_occurrence(make, today, year)
    return _months_between(today, _point(interval, _qualifier(m, norm), "mid", today))


def _current_quarter(today: dt.date) -> int:
    return (today.month - 1) // 3 + 1


def _relative_period(norm: str, today: dt.date) -> float | None:
    """Periods named from today: "next month", "this quarter", "end of the month"."""
    m = REL_PERIOD.search(norm)
    if m:
        ahead = 0 if m.group("rel") in ("this", "current") else 1
        if m.group("per") == "week":
            return _months_between(today, today + dt.timedelta(days=7 * ahead))
        if m.group("per") == "month":
            index = today.year * 12 + today.month - 1 + ahead
            year, month = divmod(index, 12)
            interval = (dt.date(year, month + 1, 1), _month_end(year, month + 1))
        else:
            index = today.year * 4 + _current_quarter(today) - 1 + ahead
            year, q0 = divmod(index, 4)
            interval = _quarter_interval(year, q0 + 1)
        return _months_between(today, _point(interval, _qualifier(m, norm), "mid", today))
    m = END_OF_PERIOD.search(norm)
    if m:
        per = (
            m.group("per")
            or m.group("per2")
            or {"m": "month", "q": "quarter", "y": "year"}[m.group("per3")]
        )
        if per == "month":
            return _months_between(today, _month_end(today.year, today.month))
        if per == "quarter":
            return _months_between(today, _quarter_interval(today.year, _current_quarter(today))[1])
        return _months_between(today, dt.date(today.year, 12, 31))
    return None


def _numeric_month(norm: str, today: dt.date) -> float | None:
    m = NUMERIC_MONTH.search(norm)
    if not m or not _valid_year(int(m.group("yr")), today):
        return None
    return _months_between(today, _month_end(int(m.group("yr")), int(m.group("m"))))


def _month_interval(month: int) -> Callable[[int], Interval]:
    def make(year: int) -> Interval:
        return dt.date(year, month, 1), _month_end(year, month)

    return make


def _month(norm: str, today: dt.date) -> float | None:
    for m in MONTH.finditer(norm):
        name = m.group("mon")
        explicit = m.group("prep") or m.group("q") or m.group("yr") or m.group("yy")
        # "may" is a month only where a month is expected: "by may", "may 2027", or alone.
        if name == "may" and not (explicit or m.group("yrrel") or norm.strip(" .!") == "may"):
            continue
        if name == "mar" and not explicit and norm.strip(" .!") != "mar":
            continue
        month = MONTHS[name]
        year = _year_of(m, today)
        if not _valid_year(year, today):
            continue
        interval = _next_occurrence(_month_interval(month), today, year)
        qualifier = _qualifier(m, norm)
        if qualifier == "end" and not m.group("q") and not PERIOD_OVER.match(norm, m.end()):
            qualifier = "start"  # "by March": by the time March comes, as people count it
        return _months_between(today, _point(interval, qualifier, "mid", today))
    return None


def _season(norm: str, today: dt.date) -> float | None:
    m = SEASON.search(norm)
    if not m:
        return None
    first, last = SEASONS[m.group("season")]

    def make(y: int) -> Interval:
        end_year = y + 1 if last < first else y
        return dt.date(y, first, 1), _month_end(end_year, last)

    year = _year_of(m, today)
    if not _valid_year(year, today):
        return None
    interval = _next_occurrence(make, today, year, skip_current=m.group("rel") == "next")
    return _months_between(today, _point(interval, _qualifier(m, norm), "mid", today))


def _year(norm: str, today: dt.date) -> float | None:
    m = YEAR.search(norm)
    if not m:
        return None
    if m.group("yr"):
        year = int(m.group("yr"))
    elif m.group("rel"):
        year = today.year + (0 if m.group("rel") in ("this", "current") else 1)
    else:
        year = today.year + 2
    if not _valid_year(year, today):
        return None
    default: Qualifier = "end" if year == today.year or m.group("by") else "mid"
    interval = (dt.date(year, 1, 1), dt.date(year, 12, 31))
    return _months_between(today, _point(interval, _qualifier(m, norm), default, today))


@lru_cache(maxsize=8)
def _date_parser(today: dt.date) -> DateDataParser:
    """One dateparser per `today`: building its settings is the expensive part."""
    base = dt.datetime(today.year, today.month, today.day)
    return DateDataParser(
        languages=["en"],
        settings={"PREFER_DATES_FROM": "future", "RELATIVE_BASE": base},
    )


# A weekday that recurs or names an event ("every friday", "our monday meeting"): no date.
_NOT_A_DAY_BEFORE = re.compile(r"\b(?:every|each|most|our|the|a|last|on\s+a)\s+$")


def _explicit_date(norm: str, today: dt.date) -> float | None:
    m = EXPLICIT_DATE.search(norm)
    while (
        m
        and m.group(0).isalpha()
        and _NOT_A_DAY_BEFORE.search(norm[max(0, m.start() - 12) : m.start()])
    ):
        m = EXPLICIT_DATE.search(norm, m.end())
    if not m:
        return None
    found = _date_parser(today).get_date_data(m.group(0)).date_obj
    if found is None or not _valid_year(found.year, today):
        return None
    return _months_between(today, found.date())


_NEGATED = re.compile(r"\b(?:not|no|nothing|isn't|aren't|never)\s+(?:very\s+|that\s+|super\s+)?$")
_NOT_ASAP_NOW = re.compile(r"\b(?:for|until|till|from|than)\s+$")
# A time counted from a point ("a year and a half from " today / now): any duration this
# module reads, then "from". "Starting from today" is today.
COUNTED_FROM = re.compile(rf"(?:{DURATION.pattern})\s+from\s+$")


def _asap(norm: str, today: dt.date) -> float | None:
    for m in ASAP.finditer(norm):
        before = norm[max(0, m.start() - 30) : m.start()]
        if (
            _NEGATED.search(before)
            or (m.group(0) == "now" and _NOT_ASAP_NOW.search(before))
            or (m.group(0) == "today" and COUNTED_FROM.search(before))
        ):
            continue
        return 0.0
    return None


# Holidays people plan around, as (month, day); Easter moves, so its usual mid-April.
HOLIDAYS: dict[str, tuple[int, int]] = {
    "christmas": (12, 25),
    "the holidays": (12, 24),
    "new year": (1, 1),
    "new year's": (1, 1),
    "the new year": (1, 1),
    "black friday": (11, 27),
    "thanksgiving": (11, 26),
    "easter": (4, 12),
    "halloween": (10, 31),
}
HOLIDAY = re.compile(
    rf"(?P<prep>\b(?:by|before|until|till|for|around|in|at|after|over)\s+)?\b(?P<day>{_alt(HOLIDAYS)})\b"
)


def _holiday(norm: str, today: dt.date) -> float | None:
    """ "Before Christmas", "after the holidays": the day itself (after: a week later)."""
    m = HOLIDAY.search(norm)
    if not m:
        return None
    month, day = HOLIDAYS[re.sub(r"\s+", " ", m.group("day"))]
    when = dt.date(today.year, month, day)
    if when < today:
        when = dt.date(today.year + 1, month, day)
    if (m.group("prep") or "").strip() == "after":
        when += dt.timedelta(days=7)
    return _months_between(today, when)


MATCHERS: tuple[Callable[[str, dt.date], float | None], ...] = (
    _asap,
    _duration,
    _holiday,
    _quarter,
    _half,
    _numeric_month,
    _explicit_date,
    _relative_period,
    _month,
    _season,
    _year,
)


def parse_timeline(text: str, today: dt.date) -> Timeline | None:
    """Read a timeline answer relative to `today`. None when the text says nothing
    about timing (the bot asks again)."""
    raw = text.strip()
    norm = fix_typos(normalize(raw), TYPO_VOCABULARY)
    if is_noise(norm):
        return None
    said = REALISTICALLY.search(norm)
    if said and norm[said.end() :].strip(" ,.!:;-"):
        norm = norm[said.end() :]
    if NONE_YET.search(norm):
        return Timeline(raw=raw, status="unknown")
    if NO_PLANS.search(NEVER_ASIDE.sub(" ", norm)):
        return Timeline(raw=raw, status="none")
    if DODGE.search(norm) or TORN.search(norm):
        return Timeline(raw=raw, status="unknown")
    norm = THIS_TIME_NEXT_YEAR.sub("in 12 months", norm)
    for matcher in MATCHERS:
        months = matcher(norm, today)
        if months is not None:
            return Timeline(raw=raw, status="date", months=months)
    if SOFT_NO_PLANS.search(norm):
        return Timeline(raw=raw, status="none")
    if UNKNOWN.search(norm):
        return Timeline(raw=raw, status="unknown")
    return None
