"""Where a name sits in a chatty answer: runs of capitalized words, ranked by their cues.

Asked for a name or a company, visitors rarely answer with the bare name: "Hi again! Priya
Shah speaking. What else do you need?", "I'm with Acme Robotics, we're based in Leeds".
Stripping known lead-ins works only for the lead-ins someone listed. What carries the
name in written English is its shape: a run of capitalized words (joined by "&", "of",
"van der"...) that is not merely the first word of a sentence, often right after a cue
("is", "at", "to", "with") or before one ("here", "speaking"). This module finds those
runs and ranks them; contact.py cleans and validates the best one, and falls back to
its lead-in rules for answers typed all in lower case.

Linear: one tokenizing pass, no backtracking patterns.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.extract._text import word_set

# A word: letters first, then letters, digits, apostrophes, hyphens, inner dots ("K.K").
# A number ("Vision 2030 Advisory") is a token too: it may sit inside a name.
_TOKEN = re.compile(
    r"(?<![\w'’-])[^\W\d_][\w'’-]{0,40}(?:\.[^\W\d_][\w'’-]{0,40}){0,6}\.?|&|@|:"
    r"|(?<![\w'’.,-])\d{1,6}(?:[^\W\d_][\w'’-]{0,40})?(?![\w'’-])"
)
# Legal forms, in any case, that end or continue a company's name ("Szybki Kurier Sp. z
# o.o.", "Maison Lumière sas"); their dot is not a full stop.
LEGAL_FORMS = word_set(
    "gmbh ag sa sas sarl srl spa s.p.a. bv nv ab as oy kk k.k. plc llc ltd ltd. inc inc. co co."
    " corp corp. pty pvt sp sp. o.o. s.r.o. a.s. s.a. b.v. n.v. e.v. e.v ltda lda bhd pte pte."
    " oyj gbr ohg kgaa"
)
# What may stand between a name's words and its legal form.
_LEGAL_GAPS = frozenset({"(", ")", ",", ")(", "),"})
_SENTENCE_END = re.compile(r"[.!?…\n]|[^\w\s,;:'’&@()\"-]")  # punctuation or emoji
# Small words that join the capitalized words of one name: "Finch & Partners",
# "Bank of Ireland", "Jan van der Berg", "Ferreira e Filhos".
CONNECTORS = word_set(
    "& and of the for de di da das do dos du del della la le van von der den ten ter y e et und"
    " z i bin bint ben al el"
)


@dataclass(frozen=True)
class Cues:
    """Words around a run that point at it as the name sought, or away from it."""

    before: frozenset[str]  # "My name is ...", "I work at ..."
    after: frozenset[str]  # "... here", "... speaking"
    against: frozenset[str]  # right before: another kind of name ("from Acme" is no person)
    # A company's name may open with "The" and list partners before a comma:
    # "The Green Grocer Co-op", "Silva, Costa e Associados".
    company: bool = False


PERSON = Cues(
    before=word_set("is am i'm im called me to : it's its this"),
    after=word_set("here speaking from at with"),
    against=word_set("at @ from with for"),
)
COMPANY = Cues(
    before=word_set("at @ for with from represent is called : we're it's its are company"),
    after=frozenset(),
    against=word_set("i'm im am me"),
    company=True,
)
# Capitalized only because they start a sentence, or pleasantries: never a name alone.
FUNCTION_WORDS = word_set(
    """
    i i'm im i'd i'll i've we we're we'd we'll our ours my mine me you you're your it it's its
    this that these those there here he she they them their his her hi hello hey hiya yo
    thanks thank cheers sure yes yeah yep ok okay no nope of course well so and but or if as
    at by for from in on to with what who whom which when where why how please sorry great
    good nice happy glad just also again long story short basically honestly actually
    let let's of the a an all any some every each both one dear best regards kind sincerely
    oh ah ahh um umm uh hmm hm lol ha hah heh haha sry soz sorry btw fyi ty thx tbh ps
    that's thats over under into onto via near after before ofc hii
    """
)
_ABBREVIATED = re.compile(r"^(?:[^\W\d_]\.){2,}$")  # "K.K.", "S.A."
# Abbreviations whose dot ends no sentence: "St. Mary's Hospital Trust", "Pvt. Ltd.".
_DOTTED = word_set("st mt dr mr mrs ms bros intl")
_PARTNER_JOINS = word_set("e y i et und and &")
_FIGURE_FIRST = re.compile(r"(?:^|(?<=[\s(\"]))\d{1,4}(?:[/-]\d{1,4})?\s$")


@dataclass(frozen=True)
class Run:
    """Capitalized words read as one name, with how strongly the text points at it."""

    text: str
    start: int
    end: int
    score: int
    opens_sentence: bool = False  # its capital may be only the sentence's


def _is_capitalized(word: str) -> bool:
    """ "Acme", and "4Sight" or "3M": a name that starts with a figure."""
    return word[:1].isupper() or (word[:1].isdigit() and any(c.isupper() for c in word))


def _tokens(text: str) -> list[tuple[str, int, int]]:
    out = []
    for m in _TOKEN.finditer(text):
        word, start, end = m.group(), m.start(), m.end()
        initial = len(word) == 2 and word[0].isupper()  # "J." in "J. R. R. Tolkien"
        kept = (
            initial
            or _ABBREVIATED.match(word)
            or "." in word[:-1]
            or word.lower() in LEGAL_FORMS
            or word.lower().rstrip(".") in LEGAL_FORMS | _DOTTED
        )
        if word.endswith(".") and not kept:
            word, end = word[:-1], end - 1  # a full stop, not part of "K.K."
        out.append((word, start, end))
    return out


def _partners_at(tokens: list[tuple[str, int, int]], j: int) -> bool:
    """ "Costa e Associados" after "Silva,": a partner, a join, a partner."""
    return (
        j + 2 < len(tokens)
        and _is_capitalized(tokens[j][0])
        and tokens[j + 1][0].lower() in _PARTNER_JOINS
        and _is_capitalized(tokens[j + 2][0])
    )


def _sentence_start(text: str, at: int) -> bool:
    before = text[:at].rstrip(" \t,;-\"'(")
    return not before or bool(_SENTENCE_END.match(before[-1]))


def capitalized_runs(text: str, cues: Cues) -> list[Run]:
    """Every run of capitalized words in `text`, best first (ties: the earlier)."""
    tokens = _tokens(text)
    runs: list[Run] = []
    i = 0
    while i < len(tokens):
        word, start, end = tokens[i]
        if not _is_capitalized(word):
            i += 1
            continue
        if (
            word.lower() in FUNCTION_WORDS
            and not (cues.company and word == "The")
            and i + 1 < len(tokens)
            and _is_capitalized(tokens[i + 1][0])
            and not text[end : tokens[i + 1][1]].strip()
        ):
            i += 1  # "I'm Paweł Wiśniewski": the run is the name, "I'm" its cue
            continue
        j = i + 1
        last = i
        while j < len(tokens):
            nxt, nstart, _ = tokens[j]
            gap = text[tokens[j - 1][2] : nstart]
            if gap.strip() and not (
                (gap.strip() in _LEGAL_GAPS and nxt.lower() in LEGAL_FORMS)
                or (cues.company and gap.strip() == "," and _partners_at(tokens, j))
            ):
                break  # a comma, a full stop, an emoji: the name ends, unless a legal form
                # follows: "Mbeki Solar (Pty) Ltd", "Zhongshan Parts Co., Ltd."
            if _is_capitalized(nxt) or nxt in ("&",) or nxt.lower() in LEGAL_FORMS:
                last = j
            elif nxt.lower() not in CONNECTORS and not nxt.isdigit():
                break
            j += 1
        words = [t[0] for t in tokens[i : last + 1]]
        run_end = tokens[last][2]
        figure = _FIGURE_FIRST.search(text[:start]) if cues.company else None
        if figure:
            start = figure.start()  # "24/7 Plumbing Ltd", "360 Media": a figure opens the name
        if text[start:run_end].count("(") > text[start:run_end].count(")"):
            run_end += text[run_end:].startswith(")")  # "(Pty)" closes its bracket
        score = 0
        before = tokens[i - 1][0].lower() if i else ""
        after = tokens[last + 1][0].lower() if last + 1 < len(tokens) else ""
        adjacent = not text[tokens[i - 1][2] : start].strip(" :") if i else False
        if adjacent and before in cues.before:
            score += 4
        elif adjacent and before in cues.against:
            score -= 2
        if after in cues.after:
            score += 3
        lone_opener = (
            len(words) == 1
            and _sentence_start(text, start)
            and last + 1 < len(tokens)
            and not text[run_end : tokens[last + 1][1]].strip()
            and not _is_capitalized(tokens[last + 1][0])
            and after not in cues.after
        )
        if lone_opener:  # "Happy to help": a sentence's first word, not a name
            score -= 3
        if all(w.lower() in FUNCTION_WORDS for w in words):
            score -= 10
        runs.append(Run(text[start:run_end], start, run_end, score, _sentence_start(text, start)))
        i = last + 1
    return sorted(runs, key=lambda r: (-r.score, r.start))
