"""Authority answers -> `Authority` (who signs off, and the visitor's role).

The tables live in data/roles.yaml so operators can read and extend them. The reading:

1. Titles said of the visitor ("I'm the CTO", "Head of Marketing at Acme", "founder here")
   give a role and a level. Titles said of someone else ("my boss", "our CEO", "check with
   the VP", "the CEO's assistant") are not the visitor's role: they tell us someone else
   decides.
2. An explicit statement beats a title: "I need to check with my manager" -> influencer,
   "I'm a manager and I sign off" -> decision maker. Besides the phrase tables, a decision
   verb is read with its subject: "the trustees decide", "my superior will make the call",
   "the final OK comes from head office" say someone else decides (and a title in that
   subject is theirs, not the visitor's); "budget holder: me", "I have full authority" say
   the visitor does.
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
from bot.extract.need import here_for_something_else
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
# Titles that are a role only with the words before them: "the IT guy", "our sales person".
_NEEDS_MODIFIER = frozenset({"guy", "gal", "person"})
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
    # "I head up sales", "I run marketing", "I manage the front desk": the role as a verb.
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
    # A department may also qualify a title: "Revenue Operations Lead", "Talent Partner".
    mod = _alt([*data["modifiers"], *data["departments"]])
    dept = _alt(data["departments"])
    dept_run = rf"(?:{dept})(?:\s*(?:and|&|/)\s*(?:{dept}))*"
    role = re.compile(
        rf"(?<![\w'-])(?P<role>(?:(?:{mod})\s+){{0,3}}(?P<title>{_alt(list(titles))})"
        rf"(?:\s+(?:of|for)\s+(?:the\s+)?(?P<of>{dept_run})|\s+(?P<dept>{dept_run}))?)"
        rf"(?![\w'-])"
    )
    heads = re.compile(
        rf"(?<![\w'-])i\s+(?P<verb>head|lead|run|manage)(?:\s+up)?\s+(?:the\s+|our\s+)?"
        rf"(?P<dept>{dept_run})"
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
        if title in _NEEDS_MODIFIER and m.start("title") == m.start("role"):
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
    # The answer closing the message: "<a title we do not know>, so yes".
    if "," in text:
        tail = text.rsplit(",", 1)[1].split()
        if len(tail) == 2 and tail[0] in _SO:
            return t.answers.get(tail[1]) if tail[1] in _YES_NO else None
    return None


_SO = frozenset({"so", "thus", "hence", "therefore", "then"})


# Typos of the words that say who decides ("decison maker", "reccomend"), repaired first.
_VOCABULARY = frozenset(
    {
        "decision",
        "decide",
        "decides",
        "decider",
        "recommend",
        "approve",
        "approves",
        "approver",
        "purchases",
    }
)
# "I'm her assistant", "I'm the CEO's assistant": the title is the visitor's own.
_SOMEONES_TITLE = re.compile(
    r"\b(i'm|i\s+am|im)\s+(?:her|his|their|my\s+\w+'s|the\s+\w+'s|our\s+\w+'s)\s+"
)


def _normalized(text: str) -> str:
    """The text as the tables read it: normalized, typos repaired, "her assistant" ->
    "the assistant"."""
    return _SOMEONES_TITLE.sub(r"\1 the ", fix_typos(normalize(text), _VOCABULARY))


# What one owns or runs: "i own the shop", "my dad runs the business".
_BUSINESS = (
    # up to two words of what kind: "a physio clinic", "a small IT consultancy"
    r"(?:the|this|our|my|a|an)\s+(?:[\w'&-]+\s+){0,2}?"
    r"(?:company|business|shop|store|place|agency|firm|studio|practice|restaurant|bakery|cafe"
    r"|café|salon|clinic|brand|startup|franchise|hotel|gym|school|charity|show|consultancy"
    r"|surgery|garage|workshop|farm|venue|chain|group|label|brewery|bar|pub)\b"
)
# Owning the business said as a verb: the visitor's role is owner.
_OWNER = re.compile(rf"(?<![\w'-])(?:i|we)\s+(?:co-?)?own\s+{_BUSINESS}")


def owns_the_business(text: str) -> bool:
    """Whether the visitor says they own the business ("I own a physio clinic")."""
    return bool(_OWNER.search(_normalized(text)))


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


# Who decides, said with a verb: "the trustees decide", "my superior will make the decision",
# "they'll have to approve it", "the department head approves", "my dad owns the business".
# The subject is read from the words before the verb, back to the clause's start.
_DECISION_VERB = re.compile(
    r"(?<![\w'-])(?:decides?|approves?|signs?\s+off|okays"
    r"|gives?\s+(?:us\s+|it\s+)?(?:the\s+)?(?:final\s+)?(?:ok|okay|go-ahead|green\s+light|nod"
    r"|sign-off|thumbs\s+up)"
    r"|makes?\s+(?:the|that|this|these|those|a|all\s+the)\s+(?:final\s+)?(?:decisions?|calls?)"
    r"|has\s+the\s+(?:final\s+)?(?:say|word|decision)|holds\s+the\s+(?:budget|purse\s+strings)"
    rf"|(?:owns|runs)\s+{_BUSINESS})(?![\w'-])"
)
# Whose the decision is, said of the decision: "the final OK comes from head office",
# "the decision is with procurement", "it's up to the board", "sign-off sits with me".
_DECISION_LIES = re.compile(
    r"(?<![\w'-])(?:(?:(?:final\s+)?(?:decisions?|say|approval|sign-off|signoff|go-ahead|authority"
    r"|green\s+light)|final\s+(?:ok|okay|word|call|yes|nod))"
    r"\s+(?:is|sits|lies|rests|stays|comes|will\s+come|has\s+to\s+come|needs\s+to\s+come"
    r"|must\s+come|is\s+made|gets\s+made|will\s+be\s+made)\s+(?:with|from|by|up\s+to)"
    r"|(?:it's|that's)\s+up\s+to)\s+(?P<who>[\w'-]+)"
)
# Someone asked the visitor to look: "the dentist asked me to have a look", "I'm helping
# her find one". The visitor gathers; the one who asked decides.
_ON_BEHALF = re.compile(
    r"(?<![\w'-])(?:(?:asked|told|wants|wanted|sent|got)\s+me\s+to\s+(?:have\s+a\s+look|look"
    r"|find|research|check|compare|gather|collect|shortlist|get\s+(?:some\s+)?(?:info|quotes))"
    r"|helping\s+(?:him|her|them|my\s+[\w-]+|our\s+[\w-]+)\s+(?:to\s+)?(?:look|find|choose"
    r"|decide|research|pick|out))(?![\w'-])"
)
# "budget holder: me", "decision maker - me", "the approver is me".
_ROLE_IS_ME = re.compile(
    r"(?<![\w'-])(?:budget\s+(?:holder|owner)|decision[\s-]?maker|approver|signatory"
    r"|final\s+(?:say|decision))(?:\s*[:=?-]\s*|\s+(?:is|would\s+be|will\s+be)\s+)"
    r"(?:me|myself|mine|yours\s+truly)(?![\w'-])"
)
# "I have full authority to buy", "I've got sign-off", "I'm fully authorised to sign".
_AUTHORITY_MINE = re.compile(
    r"(?<![\w'-])(?:i\s+(?:have|hold)|i've\s+got|i've)\s+(?:the\s+)?"
    r"(?:(?:full|final|sole|complete|total|purchasing|buying|budget|budgetary|signing|spending)\s+)"
    r"{0,2}(?:authority|sign-off|signing\s+rights)(?![\w'-])"
    r"|(?<![\w'-])i'm\s+(?:fully\s+)?authori[sz]ed\s+to\s+(?:buy|sign|approve|purchase|spend)"
)
# Where a clause starts: its subject comes after this.
_CLAUSE_START = re.compile(
    r"[,.;:!?()]|\s-\s|\b(?:but|so|once|when|whenever|after|before|because|since|until|till"
    r"|while|though|although|if|then|whereas)\b"
)
_SELF_WORDS = frozenset(
    {"i", "i'm", "i'll", "i've", "i'd", "me", "myself", "mine", "we", "we're", "we'll", "we've",
     "we'd", "us", "ourselves"}
)  # fmt: skip
_NOT_WORDS = frozenset(
    {"no", "not", "nobody", "noone", "none", "never", "neither", "nor", "don't", "doesn't",
     "won't", "can't", "cannot", "wouldn't", "shouldn't", "didn't", "isn't", "you", "it", "who",
     "what", "which", "whoever", "this", "that"}
)  # fmt: skip
# "has to decide", "will need to approve": the verb's own auxiliaries before "to".
_BEFORE_TO = frozenset({"has", "have", "needs", "need", "going", "got", "ought", "wants"})


def _subject(norm: str, at: int) -> tuple[int, list[str]]:
    """Where the subject of the verb at `at` starts, and its words (back to the clause's
    start, at most 60 characters)."""
    lo = max(0, at - 60)
    start = lo
    for m in _CLAUSE_START.finditer(norm, lo, at):
        start = m.end()
    words = norm[start:at].split()
    skipped = len(norm[start:at]) - len(norm[start:at].lstrip())
    return start + skipped, words


def _someone_else(words: list[str]) -> bool:
    """Whether a verb's subject words name someone other than the visitor."""
    if not words or _SELF_WORDS.intersection(w.strip("'") for w in words):
        return False
    if _NOT_WORDS.intersection(words):
        return False
    return not (words[-1] == "to" and (len(words) < 2 or words[-2] not in _BEFORE_TO))


def _who_decides(norm: str) -> tuple[list[tuple[int, int]], bool]:
    """Where the text names someone else who decides (the spans of their words), and
    whether it says, in words the phrase tables cannot list, that the visitor does."""
    others: list[tuple[int, int]] = []
    for m in _DECISION_VERB.finditer(norm):
        start, words = _subject(norm, m.start())
        if _someone_else(words):
            others.append((start, m.start()))
    mine = bool(_ROLE_IS_ME.search(norm) or _AUTHORITY_MINE.search(norm))
    for m in _DECISION_LIES.finditer(norm):
        if m.group("who") in _SELF_WORDS:
            mine = True
            continue
        end = next(
            (c.start() for c in _CLAUSE_START.finditer(norm, m.end("who"), m.end() + 60)),
            min(len(norm), m.end() + 60),
        )
        others.append((m.start("who"), end))
    for m in _ON_BEHALF.finditer(norm):
        start, words = _subject(norm, m.start())
        if not _NOT_WORDS.intersection(words):  # not "you asked me to look"
            others.append((start, m.start()))
    return others, mine


def says_who_decides(text: str) -> bool:
    """Whether the words say who decides ("I sign off", "my boss approves", "not my call"),
    rather than only naming someone's title ("our CFO would kill me")."""
    norm = _normalized(text.strip())
    others, mine = _who_decides(norm)
    return bool(others) or mine or any(tables().phrases[level].search(norm) for level in _LEVELS)


def parse_authority(text: str) -> Authority | None:
    """Read an authority answer. None when the text says nothing about authority."""
    raw = text.strip()
    norm = _normalized(raw)
    t = tables()
    if is_noise(norm) and norm.strip(" .!") not in t.answers:
        return None
    others, mine_said = _who_decides(norm)
    hits = [
        _RoleHit(h.level, h.role, h.start, False, True, h.end)
        if h.self_said and any(a <= h.start < b for a, b in others)
        else h
        for h in _roles(norm, t)
    ]
    for m in t.heads.finditer(norm):
        dept = re.sub(r"\s+", " ", m.group("dept"))
        title = "manager" if m.group("verb") == "manage" else "head of"
        words = f"{dept} manager" if title == "manager" else f"head of {dept}"
        hits.append(_RoleHit(t.titles[title], _display(words, t), m.start(), True, end=m.end()))
    mine = [h for h in hits if h.self_said]
    best = max(mine, key=lambda h: (_RANK[h.level], -h.start)) if mine else None
    role = _joined_role(norm, best, mine, t) if best else None
    if role is None and _OWNER.search(norm):
        role = "Owner"  # "i own the shop", "my wife and i own the company"

    level: AuthorityLevel | None = None
    if t.phrases["influencer"].search(norm) or others:
        level = "influencer"
    elif mine_said or t.phrases["decision_maker"].search(norm):
        level = "decision_maker"
    elif any(h.decides and h.level == "decision_maker" for h in hits):
        level = "influencer"  # "head of growth, but the CEO has the final word"
    elif best:
        level = best.level
    elif role == "Owner":
        level = "decision_maker"  # "I own a physio clinic and I'm tired of ..."
    elif any(h.level == "decision_maker" for h in hits):
        level = "influencer"  # someone else's title: "our CEO decides"
    elif t.phrases["none"].search(norm):
        level = "none"
    elif t.phrases["unknown"].search(norm):
        return Authority(raw=raw, level="unknown", decision_maker=None, role=None)
    else:
        level = _answer(norm, t)
    if level is None and here_for_something_else(raw):
        level = "none"  # a job seeker, a vendor, the press: no purchase of theirs to decide
    if level is None:
        return None
    return Authority(raw=raw, level=level, decision_maker=level == "decision_maker", role=role)
