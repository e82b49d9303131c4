"""Budget answers -> `Budget`.

Visitors write budgets every way: "$50k", "EUR 80.000", "between 20 and 40 thousand",
"about 15 grand", "no budget yet", "rather not say". spaCy's MONEY entity misses most of
these (ARCHITECTURE.md, Known pitfalls), so this module reads the text itself:

* a small regex finds each figure with its currency and multiplier ("k", "million",
  "grand"); price-parser turns the digits into a Decimal, which settles "80.000" vs "2.5"
  vs "1,5" (thousands or decimal separator) better than a hand-written guess;
* tables decide the answers without a figure: "no budget" -> none, "not sure" -> unknown.

A figure is only ever taken from the text: no midpoints, no defaults. A range keeps both
ends. Bare numbers get no currency (the rubric decides the default); "$" means USD.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal, getcontext

from babel import Locale
from babel.numbers import get_currency_name, get_currency_symbol, get_territory_currencies
from price_parser import Price

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
from bot.facts import Budget, Period

# ---- tables -------------------------------------------------------------------------

# Currency words and symbols -> ISO 4217. "$" alone is USD; "C$", "A$"... win because
# the regex tries longer tokens first.
_SAID_CURRENCIES: dict[str, str] = {
    "$": "USD",
    "us$": "USD",
    "usd": "USD",
    "dollar": "USD",
    "dollars": "USD",
    "us dollars": "USD",
    "bucks": "USD",
    "c$": "CAD",
    "ca$": "CAD",
    "cad": "CAD",
    "canadian dollars": "CAD",
    "a$": "AUD",
    "au$": "AUD",
    "aud": "AUD",
    "australian dollars": "AUD",
    "nz$": "NZD",
    "nzd": "NZD",
    "s$": "SGD",
    "sgd": "SGD",
    "hk$": "HKD",
    "hkd": "HKD",
    "r$": "BRL",
    "brl": "BRL",
    "reais": "BRL",
    "mxn": "MXN",
    "€": "EUR",
    "eur": "EUR",
    "euro": "EUR",
    "euros": "EUR",
    "£": "GBP",
    "gbp": "GBP",
    "pound": "GBP",
    "pounds": "GBP",
    "pounds sterling": "GBP",
    "quid": "GBP",
    "chf": "CHF",
    "swiss franc": "CHF",
    "swiss francs": "CHF",
    "francs": "CHF",
    "¥": "JPY",
    "jpy": "JPY",
    "yen": "JPY",
    "cny": "CNY",
    "rmb": "CNY",
    "yuan": "CNY",
    "₹": "INR",
    "inr": "INR",
    "rupees": "INR",
    "rupee": "INR",
    "rs": "INR",
    "rs.": "INR",
    "sek": "SEK",
    "nok": "NOK",
    "dkk": "DKK",
    "pln": "PLN",
    "zł": "PLN",
    "zloty": "PLN",
    "czk": "CZK",
    "huf": "HUF",
    "zar": "ZAR",
    "₪": "ILS",
    "ils": "ILS",
    "₩": "KRW",
    "krw": "KRW",
    "aed": "AED",
    "sterling": "GBP",
    "rand": "ZAR",
    "kč": "CZK",
    "rouble": "RUB",
    "roubles": "RUB",
}

# Said right after a figure only ("3 million won", "50k koruna"): currency words short of
# their full name, which in other places are English words or other things ("we won").
# Where CLDR's short name fits several currencies, the one most people mean.
_FIGURE_ONLY_CURRENCIES: dict[str, str] = {
    "won": "KRW",
    "lei": "RON",
    "leu": "RON",
    "riyal": "SAR",
    "riyals": "SAR",
    "dirham": "AED",
    "dirhams": "AED",
    "ruble": "RUB",
    "rubles": "RUB",
    "lire": "TRY",
}
# ISO codes that are English words or names: never read as a currency.
_WORD_CODES = frozenset({"all", "bam", "bob", "cop", "cup", "gel", "mad", "mop", "pen", "sos"})
_WORD_CODES |= {"top", "try"}
# CLDR short names that are English words: "50 marks", "5 gold stars".
_WORD_NAMES = frozenset({"mark", "marks", "real", "reals", "gold", "sol", "soles", "kip", "kips"})


def _current_currencies() -> list[str]:
    today = date.today()
    return sorted(
        {
            code
            for territory in map(str, Locale("en").territories)
            for code in get_territory_currencies(territory, today)
        }
    )


def _currency_names() -> dict[str, str]:
    """English names of the currencies in use today, singular and plural, from Babel's
    CLDR data ("Mexican pesos", "South African rand", "Swiss francs"), so that a budget in
    any currency's name keeps its currency; the table above adds symbols and slang."""
    names: dict[str, str] = {}
    for code in _current_currencies():
        for count in (1, 2):
            name = get_currency_name(code, count=count, locale="en").lower()
            if re.fullmatch(r"[a-z][a-z .'-]*[a-z]", name):
                names[name] = code
    return names


def _currency_short_forms() -> dict[str, str]:
    """What is said only beside a figure, for every currency in use today: its ISO code
    ("30 000 czk", "krw 3,000,000"), its own symbol ("₩", "₫"), and the last word of its
    name where that word names no other currency ("forint", "koruna", "baht")."""
    codes = _current_currencies()
    forms: dict[str, str] = {c.lower(): c for c in codes if c.lower() not in _WORD_CODES}
    symbols: dict[str, set[str]] = {}
    tails: dict[str, set[str]] = {}
    for code in codes:
        symbols.setdefault(get_currency_symbol(code, locale="en").lower(), set()).add(code)
        for count in (1, 2):
            name = get_currency_name(code, count=count, locale="en").lower()
            tails.setdefault(name.split()[-1], set()).add(code)
    for symbol, found in symbols.items():
        if (
            len(found) == 1
            and not symbol.isascii()
            and " " not in symbol
            and "\u202f" not in symbol
        ):
            forms[symbol] = found.pop()
    for tail, found in tails.items():
        if len(found) == 1 and re.fullmatch(r"[^\W\d_]{3,}", tail) and tail not in _WORD_NAMES:
            forms[tail] = found.pop()
    return {**forms, **_FIGURE_ONLY_CURRENCIES}


# Anywhere in a budget answer ("budget in euros: 5k"): names, symbols, the usual codes.
SAID_ANYWHERE: dict[str, str] = {**_currency_names(), **_SAID_CURRENCIES}
CURRENCIES: dict[str, str] = {**_currency_short_forms(), **SAID_ANYWHERE}
# Multipliers said only of one currency: "2 lakh" is rupees.
CURRENCY_OF_MULTIPLIER: dict[str, str] = {
    "lakh": "INR",
    "lakhs": "INR",
    "lac": "INR",
    "lacs": "INR",
    "crore": "INR",
    "crores": "INR",
}

MULTIPLIERS: dict[str, int] = {
    "k": 1_000,
    "thousand": 1_000,
    "thousands": 1_000,
    "grand": 1_000,
    "lakh": 100_000,
    "lakhs": 100_000,
    "lac": 100_000,
    "lacs": 100_000,
    "m": 1_000_000,
    "mm": 1_000_000,
    "mn": 1_000_000,
    "mil": 1_000_000,
    "mill": 1_000_000,
    "mio": 1_000_000,
    "million": 1_000_000,
    "millions": 1_000_000,
    "crore": 10_000_000,
    "crores": 10_000_000,
    "bn": 1_000_000_000,
    "billion": 1_000_000_000,
}

# Said with no figure at all. Checked in this order: none, then unknown, then budget talk.
NONE_PATTERNS = re.compile(
    r"|".join(
        (
            r"\bno\s+(?:real\s+|actual\s+|dedicated\s+|set\s+|fixed\s+|allocated\s+)?budget\b"
            r"(?!\s+(?:limit|cap|constraints?|ceiling|issues?|problems?|concerns?))",
            r"\bzero\b(?!\s+(?:idea|clue))",
            r"\bnothing\b(?!\s+(?:decided|specific|fixed|final|concrete|set|definite|firm|"
            r"in\s+mind|yet\s+decided))"
            # "nothing crazy", "nothing huge": a modest budget, not none
            r"(?!\s+(?:too\s+|very\s+|that\s+|super\s+)?(?:crazy|fancy|big|huge|major|much|special|"
            r"extravagant|massive|wild|insane|over\s+the\s+top|outrageous|enormous|silly|mad)\b)",
            r"\b(?:don't|doesn't|haven't|didn't)\s+(?:have|got|get)\s+(?:a\s+|any\s+)?"
            r"(?:budget|money|funds|funding)\b",
            r"\bhaven't\s+(?:got\s+)?(?:a\s+|any\s+)?budget\b",
            r"\bno\s+(?:money|funds|funding|cash)\b",
            r"\bnone\b(?!\s+of)",
            r"\bnot\s+(?:allocated|budgeted|funded)\b",
            r"\bunfunded\b",
            r"\bnada\b",
            r"\bzilch\b",
            r"\bbroke\b",
            r"\b(?:only\s+)?free(?:mium)?\b(?!\s*(?:trial|demo|to))",
        )
    )
)
# Asked for the budget, "we haven't set one": a budget to come, its amount not known.
NOT_SET_YET = re.compile(
    r"(?<![\w'])(?:haven't|havent|have\s+not|hasn't|has\s+not|didn't|did\s+not|not\s+yet)\s+"
    r"(?:\w+\s+)?(?:set|agreed|fixed|decided|defined|allocated|settled)\s+(?:on\s+)?"
    r"(?:one|it|that|anything|a\s+figure|a\s+number|an\s+amount)(?![\w'])"
)
UNKNOWN_PHRASES = phrase_regex(
    (
        *UNDECIDED_PHRASES,
        *EVASIVE_PHRASES,
        "zero idea",
        "won't say",
        "cannot say",
        "not telling",
        "confidential",
        "private",
        "not defined",
        "not set",
        "nothing decided",
        "nothing specific",
        "nothing fixed",
        "nothing final",
        "negotiable",
        "varies",
        "n/a",
        "pass",
        "skip",
        "still figuring",
        "figuring it out",
        "working on it",
        "need to check",
        "have to check",
        "let me check",
        "need to ask",
        "ask my boss",
        "no limit",
        "unlimited",
        "no budget limit",
        "whatever it takes",
        "not an issue",
        "not a problem",
        "no object",
    )
)
UNDECIDED = phrase_regex(UNDECIDED_PHRASES)
# Talk about money without a figure ("a lot", "big budget"): we know the visitor answered,
# but not what. Never turned into a number.
BUDGET_TALK = phrase_regex(
    (
        "budget",
        "budgets",
        "a lot",
        "lots",
        "plenty",
        "big",
        "large",
        "huge",
        "small",
        "tiny",
        "tight",
        "limited",
        "modest",
        "decent",
        "reasonable",
        "cheap",
        "affordable",
        "expensive",
        "money",
        "spend",
        "spending",
        "afford",
        "price",
        "prices",
        "pricing",
        "figure",
        "quote",
        "quotes",
        "cost",
        "costs",
        "funds",
        "funding",
        "enough",
        "some",
        "grand",
        "low",
        "high",
        "medium",
        "thousands",
        "millions",
        "hundreds",
        "five figures",
        "six figures",
        "seven figures",
    )
)

# Typos repaired before reading: number words, and the period and currency words people
# misspell ("montly", "anually", "dolars").
BUDGET_VOCABULARY = NUMBER_VOCABULARY | frozenset(
    {"monthly", "month", "months", "yearly", "annually", "annual", "dollars", "euros", "pounds"}
)

PERIODS: tuple[tuple[Period, re.Pattern[str]], ...] = (
    (
        "month",
        re.compile(
            r"(?:\bper|\ba|\beach|\bevery|/)\s*(?:month|mo|mth|mnth)s?\b|\bmonthly\b"
            r"|\bp/?m\b|/\s*m\b|\bmrr\b|\bpcm\b|\bper\s+calendar\s+month\b"
            # the same said in French, German, Spanish, Portuguese, Italian
            r"|\b(?:par|pro|por|al|im|ao|al)\s+(?:mois|monat|mes|mês)\b|\bmensuel(?:le)?\b"
            r"|\bmonatlich\b|\bmensual\b|\bmensile\b"
        ),
    ),
    (
        "year",
        re.compile(
            r"(?:\bper|\ba|\ban|\beach|\bevery|/)\s*(?:year|yr|annum)s?\b|\bannual(?:ly)?\b"
            r"|\bfor\s+(?:one|1|a|the|the\s+first|the\s+whole|first|this)\s+year\b"
            r"|\b(?:for|over)\s+(?:the\s+)?(?:first\s+)?(?:12|twelve)\s+months\b"
            r"|\bthis\s+year\b|\byear\s+one\b|\bover\s+(?:the|a|one|1)\s+year\b"
            r"|\byearly\b|\bp\.a\.?|\bpa\b|/\s*y\b|\bfy\b|\barr\b"
            r"|\b(?:par|pro|por|al|im|ao)\s+(?:an|jahr|año|ano|anno)\b|\bannuel(?:le)?\b"
            r"|\bj(?:ä|ae)hrlich\b|\banual\b|\bannuale\b"
        ),
    ),
    (
        "one_time",
        re.compile(
            r"\bone[\s-]?(?:off|time|shot)\b|\bonce\b|\btotal\b|\boverall\b|\bup-?front\b"
            r"|\blump[\s-]?sum\b|\bfor\s+the\s+(?:whole\s+|entire\s+)?project\b"
            # "one payment", "a single fee", "in one go", "non-recurring"
            r"|\b(?:one|a\s+single|single)\s+(?:payment|fee|purchase|charge|invoice|installment)\b"
            r"|\bin\s+one\s+go\b|\bnon-?recurring\b|\bone\s+and\s+done\b"
        ),
    ),
)

# ---- the figure regex -----------------------------------------------------------------


def _alternation(tokens: list[str]) -> str:
    alpha = sorted((t for t in tokens if t[0].isalpha()), key=len, reverse=True)
    other = sorted((t for t in tokens if not t[0].isalpha()), key=len, reverse=True)
    parts = []
    if alpha:
        words = "|".join(re.escape(t).replace(r"\ ", r"\s+") for t in alpha)
        # a code glued to a symbol ("us$") is in `other`; words need word boundaries.
        parts.append(rf"(?<![^\W\d_])(?:{words})(?![^\W\d_])")
    if other:
        parts.append("|".join(re.escape(t) for t in other))
    return "|".join(parts)


# Before a figure: what is said anywhere, ISO codes and symbols ("krw 3,000,000", "₫50m");
# a currency's short name only after it ("3 million won").
_CUR_BEFORE = _alternation(
    [
        t
        for t, code in CURRENCIES.items()
        if t in SAID_ANYWHERE or t == code.lower() or not t.isalpha()
    ]
)
_CUR = _alternation(list(CURRENCIES))
_MULT = "|".join(sorted(MULTIPLIERS, key=len, reverse=True))
# 80.000 / 10,000 / 5'000 / 10 000 / 2.5 / 1,5 — price-parser reads the separators.
# 2,00,000 / 1,50,00,000: the Indian grouping (lakh, crore) first, then the usual ones.
_DIGITS = (
    r"\d{1,2}(?:,\d{2}){1,3},\d{3}(?!\d)"
    r"|\d{1,3}(?:(?:[.,']|\s(?=\d{3}(?!\d)))\d{3})+(?:[.,]\d+)?|\d+(?:[.,]\d+)?"
)
_FIGURE = re.compile(
    rf"""
    (?<![\w.,'/])
    (?:(?P<pre>{_CUR_BEFORE})\s?)?
    (?P<num>{_DIGITS}|half\s+a\s+million|a(?=\s+grand\b)|{WORD_NUMBER})
    (?P<half>\s+and\s+a\s+half(?=\s?(?:{_MULT})(?![^\W\d_])))?
    (?:\s?(?P<mult>{_MULT})(?![^\W\d_]))?
    (?:\s?(?P<post>{_CUR}))?
    (?![^\W_])
    """,
    re.VERBOSE,
)
_CURRENCY_ANYWHERE = re.compile(_alternation(list(SAID_ANYWHERE)))
# Numbers that count something else, or are part of "24/7" or a date.
_NOT_MONEY_AFTER = re.compile(
    r"\s*(?:%|percent\b|per\s*cent\b|people\b|persons?\b|users?\b|seats?\b|licen[cs]es?\b"
    r"|employees?\b|staff\b|reps?\b|agents?\b|members?\b|months?\b|weeks?\b|days?\b|years?\b"
    r"|yrs?\b|hours?\b|hrs?\b|min(?:ute)?s?\b|leads?\b|visitors?\b|chats?\b|customers?\b"
    r"|clients?\b|times\b|x\b|st\b|nd\b|rd\b|th\b|/\d"
    r"|visits?\b|views?\b|page\s*views?\b|sessions?\b|calls?\b|tickets?\b|messages?\b"
    r"|emails?\b|enquir(?:y|ies)\b|inquir(?:y|ies)\b|requests?\b|orders?\b|locations?\b"
    r"|outlets?\b|stores?\b|shops?\b|sites?\b|offices?\b|students?\b|patients?\b|m2\b|sq)"
)
# A bare figure right before a plural noun counts that noun ("a hundred things", "2,000 of
# them"): checked in code against the words that name money ("500 pesos", "2000 tops").
_NOUN_AFTER = re.compile(
    r"(?<!\s)\s+(?:of\s+(?P<of>them|those|these|which)\b|(?P<noun>[^\W\d_]{3,}s)\b)"
)
_NOT_A_COUNTED_NOUN = frozenset(
    {"tops", "plus", "thanks", "this", "thus", "bucks", "less", "minus", "yes", "was", "has"}
    | {"pls", "its", "is", "as", "us", "ish", "yrs", "mos", "hrs"}
)
_MONEY_WORDS = frozenset(
    word
    for name in (
        *CURRENCIES,
        *(get_currency_name(c, count=2, locale="en") for c in _current_currencies()),
    )
    for word in name.lower().split()
)


def _counts_a_noun(norm: str, end: int) -> bool:
    """Whether the figure ending at `end` counts a noun after it ("a hundred things")."""
    m = _NOUN_AFTER.match(norm, end)
    if m is None:
        return False
    noun = m.group("noun")
    return noun is None or (
        noun not in _NOT_A_COUNTED_NOUN and noun not in _MONEY_WORDS and noun not in MULTIPLIERS
    )


_YEAR_CONTEXT = re.compile(
    r"(?:\bin|\bfor|\bby|\bsince|\buntil|\bof|\bfy|\bq[1-4]|\byear|\bfrom|\bbefore|\bafter"
    r"|\bduring|\bend|\bearly|\bmid|\blate)\s*$"
)
_DATE = re.compile(r"\b\d{1,4}[-./]\d{1,2}[-./]\d{2,4}\b|\b\d{1,2}/\d{2,4}\b")
_RANGE_GAP = re.compile(r"(?<!\s)\s*(?:-|to|and|or|till|until|up\s+to)\s*")
_BETWEEN = re.compile(r"\b(?:between|from|range|ranging)\s*(?:of\s+)?(?:about\s+|around\s+)?$")


@dataclass(frozen=True)
class _Figure:
    start: int
    end: int
    value: Decimal
    base: Decimal
    mult: int | None
    currency: str | None
    strong: bool
    # "one", "twenty": only a budget as the low end of a range ("twenty to forty thousand")
    bare_words: bool = False
    mult_word: str | None = None


def _to_decimal(digits: str) -> Decimal | None:
    amount = Price.fromstring(digits).amount
    return None if amount is None else Decimal(amount)


def _tidy(value: Decimal) -> Decimal:
    """80000.0 -> 80000, keeps real cents (12.50 -> 12.5). A figure longer than Decimal's
    28 digits of precision is kept as typed: quantizing it would raise."""
    if value.adjusted() >= getcontext().prec:
        return value
    if value == value.to_integral_value():
        return value.quantize(Decimal(1))
    return value.normalize()


def _figures(norm: str) -> list[_Figure]:
    found: list[_Figure] = []
    dates = [d.span() for d in _DATE.finditer(norm)]
    for m in _FIGURE.finditer(norm):
        num = m.group("num")
        mult_word = m.group("mult")
        mult = MULTIPLIERS[mult_word] if mult_word else None
        cur_tok = m.group("pre") or m.group("post")
        currency = CURRENCIES[re.sub(r"\s+", " ", cur_tok)] if cur_tok else None
        if num[0].isdigit():
            base = _to_decimal(num)
            is_words = False
        elif num.startswith("half"):
            base, mult, is_words = Decimal("0.5"), MULTIPLIERS["million"], True
        else:
            base = words_to_number(num)
            is_words = True
            last = num.split()[-1].split("-")[-1]
            if base is not None and mult is None and last in MULTIPLIERS and base > 0:
                mult, mult_word = MULTIPLIERS[last], last
                base = base / mult
        if base is None:
            continue
        if is_words and currency is None and num.split()[0] == "hundred":
            continue  # "[twenty five] hundred a month" cut short: a fragment, not 100
        if m.group("half"):
            base += Decimal("0.5")  # "two and a half grand"
        if is_words and " hundred" in f" {num}" and base >= 100:
            is_words = False  # "fifteen hundred": said as an amount, not a bare "twenty"
        strong = currency is not None or mult is not None
        if currency is None and _NOT_MONEY_AFTER.match(norm, m.end()):
            continue  # "20k visits a month", "14 people": a count, not an amount
        if not strong and _counts_a_noun(norm, m.end()):
            continue  # "depends on a hundred things": a count, not an amount
        if not strong and not is_words:
            if _NOT_MONEY_AFTER.match(norm, m.end()) or any(
                start <= m.start() < end for start, end in dates
            ):
                continue
            before = norm[max(0, m.start() - 20) : m.start()]
            if re.fullmatch(r"(?:19|20)\d\d", num) and _YEAR_CONTEXT.search(before):
                continue
        value = base * mult if mult else base
        found.append(
            _Figure(
                m.start(),
                m.end(),
                value,
                base,
                mult,
                currency,
                strong,
                bare_words=is_words,
                mult_word=mult_word,
            )
        )
    return found


def _as_range(norm: str, low: _Figure, high: _Figure) -> tuple[_Figure, _Figure] | None:
    """The two figures as one range ("20-40k", "between 20 and 40 thousand"), or None."""
    gap = norm[low.end : high.start]
    if not _RANGE_GAP.fullmatch(gap):
        return None
    if "and" in gap and not _BETWEEN.search(norm[max(0, low.start - 40) : low.start]):
        return None
    if low.mult is None and high.mult is not None and low.base * high.mult <= high.value:
        low = replace(low, value=low.base * high.mult, mult=high.mult, strong=True)
    if low.value >= high.value:
        return None
    currency = low.currency or high.currency
    low = replace(low, currency=currency, strong=low.strong or high.strong, bare_words=False)
    return low, replace(high, currency=currency)


def _items(norm: str, figures: list[_Figure]) -> list[tuple[_Figure, _Figure | None]]:
    """Figures in text order, adjacent pairs that form a range merged into one item."""
    items: list[tuple[_Figure, _Figure | None]] = []
    i = 0
    while i < len(figures):
        pair = _as_range(norm, figures[i], figures[i + 1]) if i + 1 < len(figures) else None
        if pair:
            items.append(pair)
            i += 2
        else:
            items.append((figures[i], None))
            i += 1
    return [(lo, hi) for lo, hi in items if hi or lo.strong or not lo.bare_words]


def _period(norm: str, start: int, end: int) -> Period | None:
    """The period said right after the figure, else anywhere in the text."""
    for lo, hi in ((start, end), (0, len(norm))):
        hits = [(m.start(), p) for p, rx in PERIODS if (m := rx.search(norm, lo, hi))]
        if hits:
            return min(hits)[1]
    return None


def said_as_money(message: str, text: str) -> bool:
    """Whether an amount found in passing (not asked for) was said as money: with a
    currency or a multiplier ("40k", "$500"), or in a message that talks budget, and not
    followed by what it counts ("20k visits a month", "14 people")."""
    said = normalize(text.strip())
    whole = normalize(message)
    at = whole.find(said) if said else -1
    if at >= 0 and _NOT_MONEY_AFTER.match(whole, at + len(said)):
        return False
    figures = _figures(said)
    if any(f.currency or f.mult for f in figures):
        return True
    return bool(BUDGET_TALK.search(whole) or _CURRENCY_ANYWHERE.search(whole))


# Right after a figure: a hyphen joining it to a word, as in "a million-dollar question" or
# "six-figure salary": the figure describes a noun, it is no amount the visitor has.
_A_COMPOUND_ADJECTIVE = re.compile(r"(?:-[a-z]+)?-[a-z]{2,}\s+(?!budget)[a-z]")


def only_qualifies_a_noun(text: str) -> bool:
    """Whether every figure with a currency or multiplier in `text` only describes a noun
    ("million-dollar question"): such a text, alone, is no budget the visitor has."""
    norm = fix_typos(normalize(text.strip()), BUDGET_VOCABULARY)
    strong = [lo for lo, _ in _items(norm, _figures(norm)) if lo.strong]
    return bool(strong) and all(_A_COMPOUND_ADJECTIVE.match(norm, f.end) for f in strong)


def parse_budget(text: str) -> Budget | None:
    """Read a budget answer. None only when the text says nothing about a budget."""
    raw = text.strip()
    norm = fix_typos(normalize(raw), BUDGET_VOCABULARY)
    if is_noise(norm):
        return None
    # A figure that only qualifies a noun ("the million-dollar question") is no amount.
    items = [
        (lo, hi)
        for lo, hi in _items(norm, _figures(norm))
        if not (lo.strong and _A_COMPOUND_ADJECTIVE.match(norm, lo.end))
    ]
    if items:
        # The first figure with a currency or multiplier wins over bare numbers.
        strong = [i for i, (lo, _) in enumerate(items) if lo.strong]
        pick = (strong or [0])[0]
        low, high = items[pick]
        span_end = items[pick + 1][0].start if pick + 1 < len(items) else len(norm)
        currency = low.currency
        if currency is None and (c := _CURRENCY_ANYWHERE.search(norm)):
            currency = CURRENCIES[re.sub(r"\s+", " ", c.group(0))]
        if currency is None:
            # "2 lakh per month": only rupees are counted in lakhs and crores
            said = (f.mult_word for f in (low, high) if f is not None)
            currency = next(
                (CURRENCY_OF_MULTIPLIER[w] for w in said if w in CURRENCY_OF_MULTIPLIER), None
            )
        if low.value == 0 and high is None:
            return Budget(raw=raw, status="none", amount=Decimal(0), currency=currency)
        return Budget(
            raw=raw,
            status="amount",
            amount=_tidy(low.value),
            amount_max=_tidy(high.value) if high else None,
            currency=currency,
            period=_period(norm, low.start, span_end),
        )
    if NONE_PATTERNS.search(norm) and not UNDECIDED.search(norm):
        # "no budget yet, it depends what it costs" is undecided, not "no budget"
        return Budget(raw=raw, status="none", amount=Decimal(0))
    if UNKNOWN_PHRASES.search(norm) or BUDGET_TALK.search(norm) or NOT_SET_YET.search(norm):
        return Budget(raw=raw, status="unknown")
    return None
