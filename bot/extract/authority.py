"""Authority answers -> `Authority` (who signs off, and the visitor's role).

The tables live in data/roles.yaml so operators can read and extend them. The reading:

1. Titles said of the visitor ("I'm the CTO", "Head of Marketing at Acme", "founder here")
   give a role and a level. Titles said of someone else ("my boss", "our CEO", "check with
   the VP", "the CEO's assistant") are not the visitor's role: they tell us someone else
   decides.
2. An explicit statement beats a title: "I need to check with my manager" -> influencer,
   "I'm a manager and I sign off" -> decision maker.
3. Then no-authority phrases ("just curious"), "rather not say" -> unknown, and finally a
   bare "yes"/"no" answer to "are you the one who signs off?".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any, cast

import yaml

from bot.extract._text import EVASIVE_PHRASES, fix_typos, is_noise, normalize, phrase_regex
from bot.facts import Authority, AuthorityLevel

_RANK: dict[str, int] = {"decision_maker": 3, "influencer": 2, "none": 1}
_LEVELS: tuple[AuthorityLevel, ...] = ("decision_maker", "influencer", "none")
# Titles after which a department may follow directly: "VP Sales", "Director Marketing".
_DEPT_TITLES = frozenset(
    {"vp", "svp", "evp", "avp", "vice president", "head of", "director", "chief", "president"}
)
# Answers that may open a longer reply: "yes I am", "no my boss does".
_YES_NO = frozenset({"yes", "yeah", "yep", "yup", "no", "nope", "nah"})
_SMALL_WORDS = frozenset({"of", "and", "for", "the", "&", "/", "to"})
# Words after "head of" that end the department ("Head of Growth at Acme").
_STOP = frozenset(
    {
        "at",
        "in",
        "for",
        "with",
        "and",
        "but",
        "so",
        "here",
        "a",
        "an",
        "the",
        "our",
        "my",
        "who",
        "which",
        "i",
        "we",
        "i'm",
        "we're",
        "it's",
        "from",
        "of",
        "to",
        "on",
    }
)
# Words before a title that point at someone else: "my boss", "report to the CEO".
_OTHER_BEFORE = re.compile(
    r"(?:\b(?:my|our|their|his|her|your|whose)\s+(?:\w+\s+)?"
    r"|\b(?:to|with|from|by|for|ask|asking|tell|convince|involve|loop\s+in|cc)\s+"
    r"(?:the\s+|a\s+|an\s+|our\s+|my\s+)?"
    r"|\b(?:boss|manager|he|she|they|who)\s+is\s+(?:the\s+|a\s+|an\s+|our\s+)?"
    r"|\bbut\s+the\s+)$"
)
# `(?<!\s)`: tried once per run of spaces, not from each of them (linear).
_DECIDES = (
    r"(?<!\s)\s+(?:decides|signs|approves|has\s+the\s+(?:final\s+(?:say|word)|last\s+word|budget)"
    r"|holds\s+the\s+(?:budget|purse\s+strings)|makes\s+the\s+(?:call|decision)"
    r"|will\s+decide|needs\s+to\s+(?:approve|sign)|does\b)"
)
_OTHER_AFTER = re.compile(r"'s\b|" + _DECIDES)
# "the CEO has the final word": someone else decides, whatever the visitor's own title.
_SOMEONE_ELSE_DECIDES = re.compile(_DECIDES)
_LEAD_NOT_ROLE = re.compile(
    r"(?<!\s)\s+(?:gen|generation|qualification|scoring|magnets?|forms?|management|nurturing|routing)\b"
)


@dataclass(frozen=True)
class _Tables:
    titles: dict[str, AuthorityLevel]
    role: re.Pattern[str]
    phrases: dict[AuthorityLevel, re.Pattern[str]]
    answers: dict[str, AuthorityLevel]
    acronyms: frozenset[str]
    spellings: dict[str, str]
    # "I head up sales", "I run marketing": the role said as a verb.
    heads: re.Pattern[str]


def _alt(words: list[str]) -> str:
    ordered = sorted({w.lower() for w in words}, key=len, reverse=True)
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in ordered)


@lru_cache(maxsize=1)
def tables() -> _Tables:
    """Load data/roles.yaml once and compile its regexes."""
    text = resources.files("bot.extract").joinpath("data/roles.yaml").read_text("utf-8")
    data = cast(dict[str, Any], yaml.safe_load(text))
    for section, allowed in (("titles", _LEVELS), ("phrases", (*_LEVELS, "unknown"))):
        unknown = set(data[section]) - set(allowed)
        if unknown:
            raise ValueError(f"roles.yaml: {section}: unknown level(s) {sorted(unknown)}")
    titles: dict[str, AuthorityLevel] = {}
    for level in _LEVELS:
        for title in data["titles"].get(level, []):
            titles[str(title).lower()] = level
    mod = _alt(data["modifiers"])
    dept = _alt(data["departments"])
    dept_run = rf"(?:{dept})(?:\s*(?:and|&|/)\s*(?:{dept}))*"
    role = re.compile(
        rf"(?<![\w'-])(?P<role>(?:(?:{mod})\s+){{0,3}}(?P<title>{_alt(list(titles))})"
        rf"(?:\s+(?:of|for)\s+(?:the\s+)?(?P<of>{dept_run})|\s+(?P<dept>{dept_run}))?)"
        rf"(?![\w'-])"
    )
    heads = re.compile(
        rf"(?<![\w'-])i\s+(?:head|lead|run)(?:\s+up)?\s+(?:the\s+|our\s+)?(?P<dept>{dept_run})"
        rf"(?![\w'-])"
    )
    phrases = {
        level: phrase_regex(str(p) for p in data["phrases"].get(level, [])) for level in _LEVELS
    }
    phrases["unknown"] = phrase_regex(
        [*(str(p) for p in data["phrases"].get("unknown", [])), *EVASIVE_PHRASES]
    )
    answers: dict[str, AuthorityLevel] = {}
    answer_levels: tuple[AuthorityLevel, ...] = ("decision_maker", "influencer")
    for level in answer_levels:
        for answer in data["answers"].get(level, []):
            answers[normalize(str(answer))] = level
    return _Tables(
        titles=titles,
        role=role,
        phrases=phrases,
        answers=answers,
        acronyms=frozenset(str(a).lower() for a in data["acronyms"]),
        spellings={str(k).lower(): str(v) for k, v in data.get("spellings", {}).items()},
        heads=heads,
    )


@dataclass(frozen=True)
class _RoleHit:
    level: AuthorityLevel
    role: str
    start: int
    self_said: bool
    decides: bool = False  # someone else's title, said to decide
    end: int = 0  # where the title's words end in the normalized text


def _display(words: str, t: _Tables) -> str:
    """'head of marketing' -> 'Head of Marketing', 'vp sales' -> 'VP Sales'."""
    out = []
    for i, word in enumerate(words.split()):
        if word in t.spellings:
            out.append(t.spellings[word])
        elif word in t.acronyms:
            out.append(word.upper())
        elif word in _SMALL_WORDS and i > 0:
            out.append(word)
        else:
            out.append("-".join(part[:1].upper() + part[1:] for part in word.split("-")))
    return " ".join(out)


def _head_of_tail(norm: str, pos: int) -> str:
    """The words after "head of" that name what is headed (up to 3, stopping at "at")."""
    words: list[str] = []
    for tok in re.findall(r"[^\W\d_][\w&'-]*|\d+|[^\w\s]", norm[pos:]):
        if len(words) == 3 or not tok[0].isalpha() or tok in _STOP:
            break
        words.append(tok)
    return " ".join(words)


def _roles(norm: str, t: _Tables) -> list[_RoleHit]:
    hits = []
    for m in t.role.finditer(norm):
        title = re.sub(r"\s+", " ", m.group("title"))
        # "product owner" is a title of its own, not "product" + "owner".
        before_title = norm[m.start("role") : m.start("title")].split()
        for k in range(len(before_title)):
            longer = " ".join([*before_title[k:], title])
            if longer in t.titles:
                title = longer
                break
        if title == "lead" and _LEAD_NOT_ROLE.match(norm, m.end("title")):
            continue
        end = m.end()
        words = re.sub(r"\s+", " ", m.group("role"))
        if m.group("dept") and title not in _DEPT_TITLES:
            end = m.end("title")
            words = re.sub(r"\s+", " ", norm[m.start("role") : end])
        if title == "head of" and not (m.group("dept") or m.group("of")):
            tail = _head_of_tail(norm, m.end("title"))
            if not tail:
                continue
            words = f"{words} {tail}"
            last = tail.split()[-1]
            said_end = norm.find(last, m.end("title")) + len(last)
        else:
            said_end = end
        self_said = not (
            _OTHER_BEFORE.search(norm[max(0, m.start() - 40) : m.start()])
            or _OTHER_AFTER.match(norm, end)
        )
        decides = not self_said and bool(_SOMEONE_ELSE_DECIDES.match(norm, end))
        hits.append(
            _RoleHit(
                t.titles[title], _display(words, t), m.start(), self_said, decides, end=said_end
            )
        )
    return hits


def _answer(norm: str, t: _Tables) -> AuthorityLevel | None:
    """A bare yes/no to "are you the one who signs off?" (also "yes, ..." / "no - ...")."""
    text = norm.strip(" .!")
    if text in t.answers:
        return t.answers[text]
    for answer, level in t.answers.items():
        after = r"(?:[,.!;:-]|\s)" if answer in _YES_NO else r"\s*[,.!;:-]"
        if len(answer) > 1 and re.match(rf"{re.escape(answer)}{after}", text):
            return level
    return None


# Typos of the words that say who decides ("decison maker", "reccomend"), repaired first.
_VOCABULARY = frozenset(
    {"decision", "decide", "decides", "decider", "recommend", "approve", "approves", "purchases"}
)
# "I'm her assistant", "I'm the CEO's assistant": the title is the visitor's own.
_SOMEONES_TITLE = re.compile(
    r"\b(i'm|i\s+am|im)\s+(?:her|his|their|my\s+\w+'s|the\s+\w+'s|our\s+\w+'s)\s+"
)


def _normalized(text: str) -> str:
    """The text as the tables read it: normalized, typos repaired, "her assistant" ->
    "the assistant"."""
    return _SOMEONES_TITLE.sub(r"\1 the ", fix_typos(normalize(text), _VOCABULARY))


def says_who_decides(text: str) -> bool:
    """Whether the words say who decides ("I sign off", "my boss approves", "not my call"),
    rather than only naming someone's title ("our CFO would kill me")."""
    norm = _normalized(text.strip())
    return any(tables().phrases[level].search(norm) for level in _LEVELS)


# Owning the business said as a verb: the visitor's role is owner.
_OWNER = re.compile(
    r"(?<![\w'-])(?:i|we)\s+(?:co-?)?own\s+(?:the|this|our|my|a)\s+(?:little\s+|small\s+)?"
    r"(?:company|business|shop|store|place|agency|firm|studio|practice|restaurant|bakery|cafe"
    r"|café|salon|clinic|brand|startup|franchise|hotel|gym)\b"
)
# Two titles of one person: "co-founder and cto", "president & ceo", "owner/director".
_TITLE_JOIN = re.compile(r"(?<!\s)\s*(&|and|/)\s*")  # look-behind: linear
# Whose assistant: "assistant to the md", "pa to our managing director".
_ASSISTANT_TITLES = frozenset({"assistant", "pa", "personal assistant", "executive assistant"})
_TO_WHOM = re.compile(r"(?<!\s)\s+to\s+(?:the|our|my)\s+")


def _joined_role(norm: str, best: _RoleHit, mine: list[_RoleHit], t: _Tables) -> str:
    """The best title, with a second one joined to it and whose assistant the visitor is."""
    role = best.role
    end = best.end
    if best.role.lower() in _ASSISTANT_TITLES and (to := _TO_WHOM.match(norm, end)):
        boss = t.role.match(norm, to.end())
        if boss:
            whom = _display(re.sub(r"\s+", " ", boss.group("role")), t)
            return f"{role} to the {whom}"
    join = _TITLE_JOIN.match(norm, end)
    if join:
        second = next((h for h in mine if h.start == join.end()), None)
        if second:
            return f"{role} {join.group(1)} {second.role}".replace(" / ", "/")
    return role


def parse_authority(text: str) -> Authority | None:
    """Read an authority answer. None when the text says nothing about authority."""
    raw = text.strip()
    norm = _normalized(raw)
    t = tables()
    if is_noise(norm) and norm.strip(" .!") not in t.answers:
        return None
    hits = _roles(norm, t)
    for m in t.heads.finditer(norm):
        words = "head of " + re.sub(r"\s+", " ", m.group("dept"))
        hits.append(_RoleHit(t.titles["head of"], _display(words, t), m.start(), True, end=m.end()))
    mine = [h for h in hits if h.self_said]
    best = max(mine, key=lambda h: (_RANK[h.level], -h.start)) if mine else None
    role = _joined_role(norm, best, mine, t) if best else None
    if role is None and _OWNER.search(norm):
        role = "Owner"  # "i own the shop", "my wife and i own the company"

    level: AuthorityLevel | None = None
    if t.phrases["influencer"].search(norm):
        level = "influencer"
    elif t.phrases["decision_maker"].search(norm):
        level = "decision_maker"
    elif any(h.decides and h.level == "decision_maker" for h in hits):
        level = "influencer"  # "head of growth, but the CEO has the final word"
    elif best:
        level = best.level
    elif any(h.level == "decision_maker" for h in hits):
        level = "influencer"  # someone else's title: "our CEO decides"
    elif t.phrases["none"].search(norm):
        level = "none"
    elif t.phrases["unknown"].search(norm):
        return Authority(raw=raw, level="unknown", decision_maker=None, role=None)
    else:
        level = _answer(norm, t)
    if level is None:
        return None
    return Authority(raw=raw, level=level, decision_maker=level == "decision_maker", role=role)
