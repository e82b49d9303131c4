"""Name and company answers -> clean strings.

spaCy misses lower-case names ("my name is sophie laurent") and tags job titles as ORG
("CTO"), so the contact slots get their text cleaned here: the lead-in ("my name is",
"I work at") goes, the visitor's casing is kept unless they typed all lower case, and text
that is not a name or a company comes back as None so the bot asks again.

Company decisions: a visitor without a company ("just me", "freelance", "self-employed")
is recorded as the marker "Self-employed" (SELF_EMPLOYED), a real answer the rubric and reps
can read; "none", "n/a", "-" and refusals give None.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from bot.extract._text import (
    EVASIVE_PHRASES,
    SCALES,
    UNITS,
    clean_spaces,
    is_noise,
    normalize,
    one_edit_apart,
    phrase_regex,
    word_set,
)
from bot.extract.authority import tables as role_tables
from bot.extract.money import CURRENCIES
from bot.extract.proper_names import (
    COMPANY,
    FUNCTION_WORDS,
    LEGAL_FORMS,
    PERSON,
    Cues,
    capitalized_runs,
)
from bot.handoff.zone_names import names as place_names
from bot.handoff.zone_names import phrase as place_phrase

SELF_EMPLOYED = "Self-employed"

# ---- names --------------------------------------------------------------------------------

# Greetings and chat words before an answer, as typed ("hii", "heyy", "okk", "ofc").
_GREETING = (
    r"(?:(?:h+i+|he+y+|hello+|hiya|heya|greetings|sure|ok+|okay|yes|yeah|yea|ya|yh|yep|yup"
    r"|well|so|ofc|of\s+course|just)\b[\s,.!:-]*)*"
)
_NAME_LEAD_IN = re.compile(
    _GREETING
    + r"(?:(?:my\s+(?:full\s+|first\s+)?n[a-z]{1,4}(?:'s|\s+is)?|(?:the\s+)?name(?:'s|\s+is)"
    r"|(?:you're|you\s+are|ur)\s+(?:talking|speaking|chatting)\s+(?:to|with)"
    r"|name\s*:|i'm\s+called|im\s+called|i\s+am\s+called|iam|(?:it's|its|it\s+is)\s+me\s*[,:-]?"
    r"|i'm|i\s+am|im|this\s+is|it's|it\s+is|its"
    r"|(?:you\s+can\s+|they\s+|people\s+|just\s+)?call\s+me|i\s+go\s+by)\s*:?\s+)?",
    re.IGNORECASE,
)
# Where the name ends: "Bob from Acme", "Sophie, CTO", "Al here, thanks".
# Linear: it starts only where a run of spaces starts, and `(?<=\s)` stands for "\s+ before".
_NAME_END = re.compile(
    r"(?<!\s)\s*(?:[,;!?()]|(?<=\s)-\s|(?<=[^\W\d_]{2})\.(?:\s|$)|(?<=\s)(?:is|from|at|with|of|and"
    r"|here|heer|speaking|thanks|thank|thx|tyvm|cheers|but|working|who|i'm|i|we|my|btw|if"
    r"|nice|pleased|pleasure|glad|thats|that's)\b).*$",
    re.IGNORECASE | re.DOTALL,
)
_NAME_CHARS = re.compile(r"^[^\W\d_]+(?:[\s'.-]+[^\W\d_]+)*\.?$")
NOT_NAMES = word_set(
    """
    no nope nah yes yeah yep why what who how none na anonymous anon nobody skip pass idk ok
    okay hello hi hey test testing asdf nothing name my the a an not rather prefer say tell
    private secret unknown guest user visitor you bot human thanks thank please is am are
    looking interested just want need sales demo pricing price help question questions info
    information sure fine good later only browsing checking exploring researching curious
    wondering shopping here new back busy ready sorry confused lost bored happy excited great
    cool nice awesome thinking planning trying hoping waiting morning afternoon evening from
    work working team company business boss manager student owner founder someone somebody
    anyone everyone people person bit little lot around about maybe probably actually really
    also still already yet now today tomorrow soon asap call email phone number budget
    right alright oops whoops well so anyway honestly basically always never sometimes again
    absolutely certainly definitely indeed hmm um uh ah oh wow lol haha apologies pardon
    should would could have has had said say did does was were been got thing things
    january february september october november december
    monday tuesday wednesday thursday friday saturday sunday
    """
)
# Syllables of a name that are also chat words: "Nguyen Thi Thu Ha", "Tran Van An".
# Capitalized after the first word, they are the name's.
_SYLLABLE_NAMES = word_set("ha an ty")
# A refusal or a dodge is no name and no company: "that's confidential", "skip this".
# Checked on the answer's first clause and on the cleaned candidate, so "Sam, rather not
# give my surname" keeps "Sam".
_REFUSAL = phrase_regex(
    [
        *EVASIVE_PHRASES,
        "rather not",
        "prefer not",
        "not comfortable",
        "uncomfortable",
        "confidential",
        "classified",
        "none of your business",
        "not telling",
        "not saying",
        "not sharing",
        "won't say",
        "wont say",
        "won't share",
        "wont share",
        "can't share",
        "can't disclose",
        "not disclose",
        "not disclosing",
        "don't want to say",
        "don't want to share",
        "don't want to give",
        "not giving that",
        "not giving it",
        "keep that private",
        "keep it private",
        "that's private",
        "it's private",
        "keep that to myself",
        "keep it to myself",
        "skip it",
        "skip this one",
        "let's skip",
        "can we skip",
        "rather skip",
        "prefer to skip",
        "skip for now",
        "i'll pass",
        "i'd pass",
        "i pass",
        "not answering",
        "decline to",
        "not willing",
        "not relevant",
        "none of that",
    ]
)
# Two names asked for apart and told apart: "first name Ana, last name Silva".
_FIRST_AND_LAST = re.compile(
    r"\bfirst\s*name\s*(?:is\s+|:\s*|-\s*)?(?P<first>[^\W\d_][\w'-]{0,40})[\s,;.]{1,5}"
    r"(?:and\s+)?(?:my\s+|the\s+)?(?:last|sur|family|second)\s*name\s*(?:is\s+|:\s*|-\s*)?"
    r"(?P<last>[^\W\d_][^,;.!?]{0,40})",
    re.IGNORECASE,
)
# A first word like "browsing" or "wondering" is an activity, not a name.
_ACTIVITY = re.compile(r"^[a-z]{4,}ing$")
_INITIAL = re.compile(r"^(?:[^\W\d_]\.)+$")  # "A.", "J.R."
_PARTICLES = word_set("van von der den de da di du del della la le ten ter bin al el dos das")


def _cap(part: str) -> str:
    if _INITIAL.match(part):
        return part.upper()  # "j.r." -> "J.R."
    if part.startswith("mc") and len(part) > 2:
        return "Mc" + part[2:3].upper() + part[3:]
    return part[:1].upper() + part[1:]


def _title_name(name: str) -> str:
    """'sophie van der berg' -> 'Sophie van der Berg', "o'brien" -> "O'Brien"."""
    words = []
    for i, word in enumerate(name.split()):
        if i and word in _PARTICLES:
            words.append(word)
            continue
        word = "-".join(_cap(p) for p in word.split("-"))
        words.append("'".join(_cap(p) for p in word.split("'")))
    return " ".join(words)


def _is_role(text: str, *, whole: bool = True) -> bool:
    """The text is a job title ("CTO"); with whole=False, starts with one ("Head of
    Marketing at Acme"): spaCy's ORG and PERSON candidates often are."""
    norm = normalize(text)
    m = role_tables().role.match(norm)
    if m is None:
        return False
    return m.end() == len(norm) or (not whole and norm[m.end()] in " ,.;!?")


# Clauses of an answer typed without capitals: "hi again! carlos speaking. what else?"
_CLAUSE_BREAK = re.compile(r"[.!?…;,:]+(?=\s|$)|[^\w\s.,;:!?'’&@()\"/-]+|(?<=\s)-(?=\s)")
_LEAD_IN_CUE = re.compile(
    r"\b(?:name|names|call|called|i'm|im|i\s+am|this\s+is|it's|its|talking|speaking|here"
    r"|work|working|employed|represent|company|compnay|company's|with|at|from|@)\b|@",
    re.IGNORECASE,
)


def _clauses(text: str) -> list[str]:
    """The answer's clauses, those with a cue ("my name is", "speaking", "I work at") first."""
    parts = [p.strip() for p in _CLAUSE_BREAK.split(text) if p and p.strip()]
    return sorted(parts, key=lambda p: _LEAD_IN_CUE.search(p) is None)


def _pick(text: str, clean: Callable[[str], str | None], cues: Cues) -> str | None:
    """The best-placed name in an answer: the capitalized runs by rank, then (typed in lower
    case, or no run was a name) the whole answer, then its clauses, cue first."""
    runs = capitalized_runs(text, cues)
    for run in runs:
        if run.score > -3 and (found := clean(run.text)):
            for fuller in runs:  # "I'm Rahul, Rahul Iyer": the same name, said in full
                if fuller.text.startswith(run.text + " ") and (more := clean(fuller.text)):
                    return more
            return found
    if found := clean(text):
        return found
    for clause in _clauses(text):
        if found := clean(clause):
            return found
    return None


def clean_name(text: str) -> str | None:
    """The visitor's name from a chat answer, or None when it is not a name."""
    said = _without_emoji(text)
    if _refuses(said):
        return None
    parts = _FIRST_AND_LAST.search(said)
    if parts and (full := _clean_name(f"{parts['first']} {parts['last']}")):
        return full
    return _pick(said, _clean_name, PERSON)


def _refuses(text: str) -> bool:
    """The answer opens with a refusal: "can we skip it", "that's private, sorry" (a
    refusal later on, "Sam, rather not give my surname", refuses only that part)."""
    first = next((p for p in _CLAUSE_BREAK.split(text) if p and p.strip()), "")
    return bool(_REFUSAL.search(normalize(first)))


def _without_emoji(text: str) -> str:
    return _EMOJI.sub(" ", text).strip()


# Emoticons and pictographs a visitor adds to an answer (":)", "👋").
_EMOJI = re.compile(
    r"(?<!\w)[:;=8][-']?[()dpDP/\\|3]+(?!\w)|[\U0001F000-\U0001FAFF\u2600-\u27BF\uFE0F]+"
)


def _clean_name(text: str) -> str | None:
    name = clean_spaces(text.replace("’", "'"))
    name = _without_filler(name, names=True) or name
    name = _NAME_LEAD_IN.sub("", name, count=1)
    if _is_role(name, whole=False):
        return None
    name = _NAME_END.sub("", name).strip(" .'\"")
    if not name or len(name) > 60 or is_noise(normalize(name)) or _REFUSAL.search(normalize(name)):
        return None
    words = name.split()
    if len(words) > 5 or not _NAME_CHARS.match(name) or any(ch.isnumeric() for ch in name):
        return None
    if any(
        w.lower().strip(".") in NOT_NAMES | FUNCTION_WORDS | _ORGANISATION_WORDS
        and not _INITIAL.match(w)
        and not (i and w.istitle() and w.lower() in _SYLLABLE_NAMES)
        for i, w in enumerate(words)
    ):
        return None  # ("A." in "Kwame A. Boateng" is an initial, not the article)
    if _ACTIVITY.match(words[0].lower()) and (len(words) == 1 or name == name.lower()):
        return None
    if name == name.lower() or name == name.upper():
        return _title_name(name.lower())
    return name


# ---- companies --------------------------------------------------------------------------------

_SOLO = frozenset(
    {
        "just me",
        "only me",
        "me",
        "myself",
        "me myself",
        "freelance",
        "freelancer",
        "i'm freelance",
        "i'm a freelancer",
        "self-employed",
        "self employed",
        "i'm self-employed",
        "i'm self employed",
        "independent",
        "solo",
        "sole trader",
        "sole proprietor",
        "on my own",
        "i work for myself",
        "for myself",
        "my own",
        "personal",
        "individual",
    }
)
_NO_COMPANY = frozenset(
    {
        "none",
        "n/a",
        "na",
        "no",
        "nope",
        "no company",
        "nothing",
        "-",
        "--",
        "not telling",
        "rather not say",
        "i'd rather not say",
        "prefer not to say",
        "private",
        "confidential",
        "skip",
        "pass",
        "unemployed",
        "between jobs",
        "not applicable",
        "nowhere",
    }
)
_COMPANY_LEAD_IN = re.compile(
    r"^\s*"
    + _GREETING
    + r"(?<![\w'])(?:(?:i|we)\s+work\s+(?:at|for|with)|(?:i'm|i\s+am|im)\s+(?:at|with|from)"
    r"|we're\s+called|we\s+are\s+called|it's\s+called|its\s+called|it\s+is\s+called"
    # "we're a small startup called Looply", "a startup named Looply"
    r"|(?:(?:we're|we\s+are|it's|its|it\s+is)\s+)?(?:just\s+)?(?:a|an)\s+(?:[\w-]+\s+){0,3}?"
    r"(?:called|named)"
    r"|we're|we\s+are|it's|it\s+is|its|that's|thats|that\s+is"
    r"|(?:the|my|our)\s+company(?:\s+name)?(?:'s|\s+is)(?:\s+called|\s+named)?"
    r"|company(?:\s+name)?\s*(?:is|:)"
    r"|(?:i'm\s+)?(?:working|workin'?|employed)\s+(?:at|for|by|@)|i\s+represent|we\s+represent"
    r"|co\s*:|we\s+r"
    r"|(?:the\s+|my\s+|our\s+)?comp[a-z]{3,5}(?:\s+name)?\s*(?:is|:|=)"
    r"|(?:i|we)\s+work\s+@|@|at|for|from|with)\s*(?<=\s|@)",
    re.IGNORECASE,
)
# A legal form next: "Mbeki Solar (Pty) Ltd", "Zhongshan Parts Co., Ltd." keep their
# comma and brackets.
_LEGAL_NEXT = (
    r"\s*(?:"
    + "|".join(re.escape(form) for form in sorted(LEGAL_FORMS, key=len, reverse=True))
    + r")(?![\w])"
)
# Partners listed before a comma: "Silva, Costa e Associados", "Smith, Jones & Partners".
_PARTNERS_NEXT = r"|(?-i:\s+[A-Z][\w'-]*\s+(?:e|y|i|et|und|and|&)\s+[A-Z])"
_COMPANY_END = re.compile(  # linear, as _NAME_END
    r"(?<!\s)\s*(?:[;!?]|,(?!" + _LEGAL_NEXT + _PARTNERS_NEXT + r")|\((?!" + _LEGAL_NEXT + r"\s*\))"
    r"|\)(?!"
    + _LEGAL_NEXT
    + r")|(?<=\s)-\s|(?<!\bsp)(?<!\bco)(?<!\binc)(?<!\bltd)(?<!\bcorp)(?<!\bpvt)(?<!\bst)(?<!\bmt)"
    r"(?<!\bbros)(?<!\bintl)(?<!\be\.v)\.\s"
    # after a legal form's dot, a capitalized word opens the next sentence ("Ltd. Happy to")
    r"|(?:(?<=\bltd)|(?<=\binc)|(?<=\bllc)|(?<=\bplc)|(?<=\bcorp)|(?<=\bco))\."
    r"(?=(?-i:\s+(?!Ltd\b|Inc\b|LLC\b|PLC\b)[A-Z]))"
    r"|(?<=\s)(?:as\s+(?:a|an|the)|where|and\s+i|but|thanks"
    r"|thank\s+you|cheers|btw|lol|haha|if\s+(?:u|you|that|this|needed|it|need)"
    r"|(?:thats|that's|that\s+is|this\s+is)\s+(?:us|we|me|it|the\s+one))\b).*$",
    re.IGNORECASE | re.DOTALL,
)
_SCHEME = re.compile(r"^(?:https?://)?(?:www\.)?", re.IGNORECASE)
_DOMAIN_LIKE = re.compile(r"^[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}$")
LEGAL_SUFFIXES: dict[str, str] = {
    "inc": "Inc",
    "llc": "LLC",
    "ltd": "Ltd",
    "limited": "Limited",
    "gmbh": "GmbH",
    "ag": "AG",
    "kg": "KG",
    "ug": "UG",
    "se": "SE",
    "sa": "SA",
    "sas": "SAS",
    "sarl": "SARL",
    "srl": "SRL",
    "spa": "SpA",
    "bv": "BV",
    "nv": "NV",
    "plc": "PLC",
    "corp": "Corp",
    "co": "Co",
    "lp": "LP",
    "llp": "LLP",
    "pty": "Pty",
    "oy": "Oy",
    "ab": "AB",
    "aps": "ApS",
    "asa": "ASA",
    "pvt": "Pvt",
    "e.v": "e.V",
    "ltda": "Ltda",
    "lda": "Lda",
    "bhd": "Bhd",
    "pte": "Pte",
    "oyj": "Oyj",
    "gbr": "GbR",
    "ohg": "OHG",
    "kgaa": "KGaA",
}
_SMALL = frozenset({"and", "of", "the", "for", "de", "du", "des", "und", "&"})
# Words that describe a kind of organisation or a part of one, never name one on their
# own: "for software", "our department", "the team" are not companies.
GENERIC_WORDS = word_set(
    """
    software saas tech technology it marketing sales department dept team teams company
    companies business businesses firm agency startup start-up organisation organization org
    office group division unit family school university college hospital clinic shop store
    restaurant bakery client clients customer customers work job call decision project
    projects home website site product products service services industry retail ecommerce
    e-commerce finance healthcare education government nonprofit non-profit consulting
    consultancy research engineering operations ops support hr legal management enterprise
    corporate small big large local online digital media logistics manufacturing insurance
    bank banking real estate property b2b b2c side hobby personal private public sector
    thing stuff something everything nothing company's employer employers boss manager
    employees employee staff people members users
    """
)
# Words of an organisation, never of a person's name: "Cloudberry Studio" and
# "Logistics" (DIET's and the cues' guesses) are no one's name. GENERIC_WORDS without
# those that are also surnames ("Small", "Bank", "Little").
_ORGANISATION_WORDS = (
    GENERIC_WORDS
    - word_set("small big large local bank family home side personal private public real")
    - word_set("estate property unit work job call decision site thing stuff hobby it")
) | word_set(
    """
    studio studios consulting consultants solutions labs lab systems analytics dental
    partners associates holdings ventures industries agency ltd inc llc gmbh plc corp
    """
)
# A company is never introduced with a possessive or a pronoun: "my call", "our team".
_NOT_A_NAME_START = re.compile(
    r"^(?:my|our|your|their|his|her|its|this|that|these|those|we|i|me|us|you|they|it)\b"
)


def _title_company(name: str) -> str:
    """'acme corp' -> 'Acme Corp', 'müller gmbh' -> 'Müller GmbH'."""
    words = []
    for i, said in enumerate(name.split()):
        opened = "(" if said.startswith("(") and len(said) > 1 else ""  # "(pty)" -> "(Pty)"
        word = said[len(opened) :]
        bare = word.rstrip(".,)")
        if bare == "as" and i > 1 and i == len(name.split()) - 1:
            words.append("AS" + word[len(bare) :])  # Norwegian "Berg & Fjord AS"
        elif bare in LEGAL_SUFFIXES and i:
            words.append(opened + LEGAL_SUFFIXES[bare] + word[len(bare) :])
        elif opened:
            words.append(opened + word[:1].upper() + word[1:])
        elif word in _SMALL and i:
            words.append(word)
        elif re.fullmatch(r"[^\W\d_]{1,2}&[^\W\d_]{1,2}|\d{1,3}[^\W\d_]", word):
            words.append(word.upper())  # "r&d" -> "R&D", "3d" -> "3D"
        else:
            words.append("-".join(_title_part(p) for p in word.split("-")))
    return " ".join(words)


def _title_part(word: str) -> str:
    """ "o'brien's" -> "O'Brien's", "l'atelier" -> "L'Atelier": after a one-letter elision."""
    head, apostrophe, rest = word.partition("'")
    if apostrophe and len(head) == 1 and len(rest) > 2:
        return head.upper() + "'" + rest[:1].upper() + rest[1:]
    return word[:1].upper() + word[1:]


def _strip_role(text: str) -> str:
    """'CTO at Acme' / "I'm the CTO at Acme" -> 'Acme'."""
    lowered = text.lower()
    if len(lowered) != len(text):
        return text
    head = re.match(r"(?:i'm|i\s+am|im)\s+(?:the\s+|a\s+|an\s+)?", lowered)
    start = head.end() if head else 0
    m = role_tables().role.match(lowered, start)
    if m:
        tail = re.match(r"(?<!\s)\s+(?:at|of|for|with|in)\s+", lowered[m.end() :])
        if tail:
            return text[m.end() + tail.end() :]
    return text


def _without_descriptors(company: str) -> str:
    """ "the Lakeside Coworking space" -> "Lakeside Coworking": a "the" typed in lower case
    is not the name's ("The Green Grocer" keeps its own), and nor are the lower-case words
    after a capitalized name that say what kind of place it is (in lower case, after
    such a "the": "the lakeside coworking space")."""
    words = company.split()
    article = len(words) > 1 and words[0] == "the"
    if article:
        words = words[1:]
    if article or any(w[:1].isupper() for w in words):
        while len(words) > 1 and words[-1].strip(".,!") in _DESCRIPTORS:
            words = words[:-1]
    return " ".join(words)


def _only_generic(company: str) -> bool:
    """Nothing but words for a kind of organisation ("software", "the team"): unless the
    visitor wrote several of them capitalized, as a name ("Digital Media Group")."""
    said = [w for w in company.split() if w.lower() not in _SMALL and w.lower() not in ("a", "an")]
    words = [normalize(w) for w in said]
    # "Digital Media Group" is a name; "Logistics company" (a sentence's capital) is not
    capitalized = len(words) > 1 and all(w[:1].isupper() for w in said)
    return not capitalized and all(w in GENERIC_WORDS for w in words)


def clean_company(text: str) -> str | None:
    """The visitor's company from a chat answer; SELF_EMPLOYED for one-person answers;
    None when it is not a company (or the visitor has none / won't say)."""
    text = _without_emoji(text)
    norm = normalize(text).strip(" .!")
    if norm in _SOLO:
        return SELF_EMPLOYED
    if norm in _NO_COMPANY or _refuses(text):
        return None
    _, colon, after = text.rpartition(": ")
    if colon and (found := _pick(after, _clean_company, COMPANY)):
        return found  # "Easy one: nimbus.io": what follows the colon is the answer
    return _pick(text, _clean_company, COMPANY)


def _company_word_typos(text: str) -> str:
    """ "comapny is Acme", "wrking at Acme", "teh company" -> the lead-in's words: the
    lead-in is then recognized."""

    def repair(m: re.Match[str]) -> str:
        word = m.group().lower()
        return next((t for t in _LEAD_IN_WORDS if one_edit_apart(word, t)), m.group())

    text = re.sub(r"(?<![\w'])teh(?![\w'])", "the", text, flags=re.IGNORECASE)
    return re.sub(r"(?<![\w'])[^\W\d_]{6,8}(?![\w'])", repair, text)


_LEAD_IN_WORDS = ("company", "working")


# Chat noise around an answer: "oh, maison lumière sas sry", "Sunrise Dental Care lol".
_LEADING_FILLER = re.compile(
    r"^(?:(?:oh+|ah+|um+|uh+|er+m*|hmm+|hm|well|ok+|okay|k+|so+|yeah|yea|yh|ya|yah|yep|sure"
    r"|right|yes|sry|sorry|soz|oops|whoops|hehe\w{0,6}|haha\w{0,6}|lol)(?![\w&'’@-])"
    r"[\s,.!:-]{0,5}){1,4}",
    re.IGNORECASE,
)
_TRAILING_FILLER = re.compile(
    r"(?:[\s,.!:-]{1,5}(?:lol|lmao|ha|hah|haha\w{0,6}|hehe\w{0,6}|xd|sry|sorry|tbh|btw|thx"
    r"|thnx|thanx|tnx|ty|thanks|cheers|fyi|atm|rn|pls|plz|please|ofc|obv|tho|here|currently"
    r"|at\s+the\s+moment|right\s+now))+"
    r"[\s.!]{0,5}$",
    re.IGNORECASE,
)
# A figure is an amount, a range, a year or a day, never a company: "7k", "2028",
# "10,000", "40-50k", "1st".
_FIGURE = re.compile(r"[\d\s.,~-]{0,20}\d[\d\s.,-]{0,20}(?:[km]|st|nd|rd|th)?")
# A count of things, typed in lower case, describes the company, never names it:
# "40 trucks", "12 staff" ("99 Bikes", capitalized, may be its name).
_A_COUNT = re.compile(r"\d[\d,.]{0,12}\+?\s+(?:[a-z-]+\s+)?[a-z-]+")
# What a role is followed by in a title, abbreviated: "VP Eng", "Head of Mktg".
_DEPARTMENT_SHORT = word_set("eng engg dev devs mktg mkt biz bizdev ops fin prod cs r&d")
# Words after a capitalized name that say what kind of place it is, not its name:
# "the Lakeside Coworking space", "Looply startup".
_DESCRIPTORS = word_set(
    "space company business firm team agency startup start-up organisation organization org"
)


# The words of an amount or a span of time, never of a name: "10 weeks", "12 lakhs",
# "CAD", "two years away at least" (DIET and the "at"/"for" cues offer them as companies).
_MEASURE_WORDS = word_set(
    """
    least most about around approx approximately roughly some few couple away out weeks week
    days day months month years year yrs quarters quarter k grand lakh lakhs crore crores
    mil bucks per each time
    january february march april may june july august september october november december
    """
)
# A typed sentence about oneself, never a name: "put me through to sales please".
_PERSONAL_PRONOUNS = word_set("i i'm im me my you your we us")
_ROLE_JOIN = re.compile(r"(?<!\s)\s*(?:&|\band\b|/|,)\s*", re.IGNORECASE)  # linear


_MEASURE_VOCABULARY = frozenset(
    {*UNITS, *SCALES, *_MEASURE_WORDS, *FUNCTION_WORDS, *(n for n in CURRENCIES if " " not in n)}
)


def _is_a_measure(company: str) -> bool:
    """Only figures and words of amounts or time ("3M" is a company: its M is a capital)."""
    return all(
        re.fullmatch(r"[\d.,]+(?:[km]|st|nd|rd|th)?", word) or word.lower() in _MEASURE_VOCABULARY
        for word in company.replace("$", " ").strip(" .!?").split()
    )


def _names_no_company(company: str, norm: str) -> bool:
    """What reads as a company's shape but names something else: a place ("Hello from
    Melbourne"), an amount or a span of time, titles joined ("President & CEO"), a lone
    letter, or a sentence typed in lower case about oneself."""
    if len(company.strip(". ")) < 2 or _is_a_measure(company) or _A_COUNT.fullmatch(company):
        return True
    if place_phrase(company) in place_names():
        return True
    parts = [part for part in _ROLE_JOIN.split(company) if part]
    if len(parts) > 1 and all(_is_role(part) for part in parts):
        return True
    if _is_role(company, whole=False):  # "VP Eng": a title and its department
        role = role_tables().role.match(norm)
        rest = norm[role.end() :].split() if role else []
        if rest and all(w in _DEPARTMENT_SHORT or w in GENERIC_WORDS for w in rest):
            return True
    return company == company.lower() and any(w in _PERSONAL_PRONOUNS for w in norm.split())


def _without_filler(text: str, *, names: bool = False) -> str:
    """The answer without the chat words around it; for names, a capitalized last word is
    kept when it may be the name's ("Nguyen Thi Thu Ha" does not laugh)."""
    text = _LEADING_FILLER.sub("", text, count=1)
    trailing = _TRAILING_FILLER.search(text)
    if trailing is None:
        return text
    last = trailing.group().strip(" ,.!:-")
    if names and last.istitle() and last.lower() in _SYLLABLE_NAMES:
        return text
    return text[: trailing.start()]


def _clean_company(text: str) -> str | None:
    company = clean_spaces(_company_word_typos(text).replace("’", "'").strip(" \"'"))
    company = _without_filler(company) or company
    if _FIGURE.fullmatch(company.strip(" .!")):
        return None
    if all(w.lower().strip(".!,") in FUNCTION_WORDS for w in company.split()):
        return None  # "Oh", "one.", "me": chat words, not a name
    norm = normalize(company).strip(" .!")
    if norm in _SOLO:
        return SELF_EMPLOYED
    if norm in _NO_COMPANY or is_noise(norm) or "@" in company:
        return None
    company = _strip_role(company)
    for _ in range(3):  # "working at we're a startup called Looply": lead-ins one by one
        shorter = _COMPANY_LEAD_IN.sub("", company, count=1)
        if shorter == company:
            break
        company = shorter
    company = _COMPANY_END.sub("", company)
    described = _without_descriptors(company)
    if (
        described != company
        and len(described.split()) == 1
        and (_ACTIVITY.match(described.lower()) or normalize(described) in GENERIC_WORDS)
    ):
        return None  # "Plumbing business", "Cleaning company": a description
    company = described
    company = _SCHEME.sub("", company).strip(" !?\"'")
    if company.endswith(".") and not re.search(
        r"(?:\.[^\W\d_]{1,2}|\.\s[^\W\d_]{1,4})\.$", company
    ):
        company = company.rstrip(".").rstrip()  # a full stop, not "K.K." or "S.p.A."
    norm = normalize(company)
    if norm in _SOLO:
        return SELF_EMPLOYED
    if not company or norm in _NO_COMPANY or is_noise(norm) or len(company.split()) > 8:
        return None
    if _REFUSAL.search(norm):
        return None  # "prefer not to answer this one", "not comfortable giving that out"
    if _is_role(company) or norm in NOT_NAMES or re.match(r"(?:a|an)\s", norm):
        return None
    if _NOT_A_NAME_START.match(norm) or _only_generic(company):
        return None
    if norm.startswith("the ") and _is_role(norm[4:]):
        return None  # "the coo" is a role, not a company
    if _names_no_company(company, norm) or ": " in company:
        return None  # a colon introduces the answer: "That one's easy: kiwi.labs."
    if company == company.lower() and re.match(
        r"(?<![^\W\d_])[^\W\d_]+'(?:s|re|m|ve|ll|d)\b", company
    ):
        return None  # "here's the thing", "that's it": a clause, not a name
    if company == company.lower() and not _DOMAIN_LIKE.match(company):
        return _title_company(company)
    return company
