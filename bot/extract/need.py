"""Need answers -> `Need` (how concrete the visitor's problem is, and a short summary).

Leadbot qualifies leads for any business, so the test is about the *shape* of the answer,
not its subject: a concrete need names a goal or a pain ("replace X", "we lose leads",
"need to automate Y") with enough words to say what; a vague one hedges ("just exploring",
"something for sales maybe"). The tables below are the whole heuristic:

    score = goal points (2 per specific goal or pain, 1 per wanting or general aim
            such as "want to", "grow", "improve"; at most 4) + 1 x specifics (numbers: at
            most 2) + detail (content words: 5-7 -> 1, 8-10 -> 2, 11+ -> 3) - 3 x hedges
    concrete when score >= CONCRETE_AT (3).

The answer's frame is cut first: clauses at its start or end made only of discourse
("Good question.", "..., that's the gist", "Hope that makes sense!"), and sentences before
the first one that tells a goal, a pain or a specific. Wrapping blind needs in blind answer
templates showed frames moving needs a level either way (dev5: 74.6 % -> 93.0 % right over
every template and need; the unwrapped needs 76.8 % -> 94.7 %).

A long, specific, unhedged statement of the visitor's situation is concrete even without a
listed goal or pain word: visitors describe problems in their own words, and tables of
those words never cover them (on blind phrasings a goal word was required: 54 % right;
the detail score instead: 71 %). Hedges are a small closed class and weigh more, the modals
of a need that may come ("might", "at some point") among them. Goal verbs count in any
inflection ("qualified", "routes"), a plain "need" counts unless negated, and not knowing
who or which ("sales has no idea who to call") is a pain, not a hedge (held-out: 73 -> 82 %).

Order: "rather not say", or a dodge alone ("just curious", "nothing specific") -> unknown;
a question to us -> None; "nothing urgent" -> vague; nothing to solve, or here
for something other than buying (a student, a journalist, an invoice) -> none; concrete;
"nothing really" -> none; anything else that is words -> vague; noise -> None.
"""

from __future__ import annotations

import itertools
import re

from bot.extract._text import (
    EVASIVE_PHRASES,
    clean_spaces,
    is_noise,
    normalize,
    phrase_regex,
    word_set,
)
from bot.facts import Need

SUMMARY_MAX = 120

UNKNOWN = phrase_regex(
    (
        *EVASIVE_PHRASES,
        "rather not say",
        "rather not",
        "prefer not to say",
        "prefer not",
        "not telling",
        "confidential",
        "it's private",
        "none of your business",
    )
)
# Only as the whole answer: "pass" in "can it pass a chat to a person?" is no refusal.
UNKNOWN_ALONE = re.compile(
    r"^(?:(?:i'll|i)\s+)?(?:n/a|skip|pass)(?:\s+(?:please|thanks|on that))?[\s.!]*$"
    # "can't say" refuses alone; "can't say it's urgent, but..." hedges a need it then tells
    r"|^(?:(?:sorry|i)[\s,]+)*(?:can't|cannot|can\s+not)\s+say(?:\s+(?:sorry|really))?[\s.!]*$"
)
# A need denied, with the adverbs people put inside ("don't really need anything").
# The adjective of a denied need or problem: "no real need", "no particular problem".
_DENIED_KIND = r"(?:real|actual|particular|big|urgent|specific|immediate|business|pressing)"
NEED_DENIED = re.compile(
    r"(?<![\w'])(?:don't|doesn't|do\s+not|no\s+longer)\s+(?:\w+\s+){0,2}?need\s+"
    r"(?:anything|a\s+thing|it|one|this|that|any)(?![\w'])"
    r"|^(?:nah|nope|no|not\s+really|nothing)[\s.!,]*$"
    # the need as a noun, denied: "we don't have a need", "no real need, ..."
    r"|(?<![\w'])(?:don't|doesn't|do\s+not|not)\s+(?:\w+\s+){0,1}?(?:have|see|feel)\s+"
    r"(?:a|any|an\s+\w+|much|the)\s+(?:\w+\s+)?need(?![\w'])"
    # after a short lead-in at most ("umm", "I'd say", "tl;dr", "problem is")
    r"|(?:^(?:\S{1,12}[\s,]+){0,4}|[,;:]\s*)"
    rf"no\s+(?:{_DENIED_KIND}\s+)?(?:needs?|requirements?)(?!\s+(?:for|to)\b)(?![\w'])"
    # a problem denied with its adjective ("no particular problem"; a bare "no problem" is
    # often only politeness: "no problem, we lose leads at night though")
    r"|(?:^(?:\S{1,12}[\s,]+){0,4}|[,;:]\s*)"
    rf"no\s+{_DENIED_KIND}\s+(?:problems?|pains?|issues?|use\s+cases?)(?!\s+(?:for|to|with)\b)"
    r"(?![\w'])"
    # solved already, said in a few words: "we already solved it in-house"
    r"|(?:^|[:;,.!?]\s+)(?:\S+\s+){0,4}already\s+(?:solved|sorted|fixed|handled|covered)"
    r"(?:\s+[^\s.!?]+){0,4}[.!]*$"
    # no volume for a lead tool to serve: "we don't really get inbound leads"
    r"|(?<![\w'])(?:don't|doesn't|do\s+not|never|barely|hardly)\s+(?:\w+\s+){0,1}?(?:get|have|see)"
    r"\s+(?:any|many|much|a\s+lot\s+of)?\s*(?:inbound\s+|web\s+|website\s+)?(?:leads|enquiries|"
    r"inquiries|traffic|visitors)(?![\w'])"
)
# Not knowing, and nothing more ("dunno", "idk", "not sure yet"): no answer about the need,
# so it is unknown like any dodge, as a budget's "I don't know" is; "not sure, maybe more
# leads" says something and stays vague.
DONT_KNOW_ALONE = re.compile(
    r"^(?:(?:um+|hmm+|well|honestly|tbh|sorry)[\s,]+)?(?:i\s+)?(?:dunno|idk|no\s+idea|not\s+sure|"
    r"don't\s+know|do\s+not\s+know|no\s+clue|unsure|hard\s+to\s+say|couldn't\s+say)"
    r"(?:[\s,]+(?:yet|really|tbh|honestly|sorry|tbf|atm|right\s+now))*[\s.!?…]*$"
)
# "Nothing" that hedges rather than denies a need: vague, not none.
NOTHING_YET = phrase_regex(
    (
        "nothing specific",
        "nothing decided",
        "nothing concrete",
        "nothing in particular",
        "nothing urgent",
        "nothing pressing",
        "not a specific problem",
        "not a particular problem",
        "not one specific problem",
        "a general wish",
    )
)
NONE = phrase_regex(
    (
        "nothing",
        "nothing really",
        "nothing at all",
        "no need",
        "no needs",
        "don't need anything",
        "don't need it",
        "we're fine",
        "we're good",
        "all good",
        "just browsing",
        "only browsing",
        "just looking",
        "not looking for anything",
        "not interested",
        "no problem",
        "no problems",
        "none",
        "no pain",
    )
)
# Wanting something done: the frame of a goal ("we need to ...", "looking to ...").
WANTING: tuple[str, ...] = (
    "need to",
    "needs to",
    "want to",
    "wants to",
    "looking to",
    "trying to",
    "have to",
    "hoping to",
    "plan to",
    "planning to",
    "would like to",
    "'d like to",
    "goal is",
    "aim to",
)
# Aims any business has: a goal, but not which one.
AIMS: tuple[str, ...] = (
    "improve",
    "improving",
    "grow",
    "growing",
    "scale",
    "scaling",
    "increase",
    "increasing",
)
# A goal or a pain: the core of a concrete need (2 points each).
GOAL_OR_PAIN = phrase_regex(
    (
        # goals
        "response time",
        "response times",
        *WANTING,
        "replace",
        "replacing",
        "replacement",
        "switch",
        "switching",
        "migrate",
        "migrating",
        "move away from",
        "moving away from",
        "automate",
        "automating",
        "automatically",
        "automation",
        "reduce",
        "reducing",
        "cut",
        "cutting",
        *AIMS,
        "fix",
        "solve",
        "integrate",
        "integrating",
        "integration",
        "connect",
        "sync",
        "track",
        "tracking",
        "qualify",
        "qualifying",
        "book",
        "booking",
        "schedule",
        "scheduling",
        "capture",
        "capturing",
        "convert",
        "converting",
        "route",
        "routing",
        "respond",
        "answer",
        "answers",
        "handle",
        "handling",
        "follow up",
        "follow-up",
        "streamline",
        "consolidate",
        "speed up",
        "save time",
        "free up",
        "get rid of",
        "launch",
        "onboard",
        "onboarding",
        "support",
        # pains
        "lose",
        "losing",
        "lost",
        "miss",
        "missing",
        "missed",
        "waste",
        "wasting",
        "struggle",
        "struggling",
        "can't",
        "cannot",
        "unable",
        "too slow",
        "slow",
        "too expensive",
        "expensive",
        "costly",
        "costs too much",
        "manual",
        "manually",
        "broken",
        "outdated",
        "clunky",
        "nobody",
        "no one",
        "overwhelmed",
        "bottleneck",
        "churn",
        "drop off",
        "dropping",
        "complaints",
        "frustrated",
        "painful",
        "pain point",
        "problem",
        "problems",
        "issue",
        "issues",
        "takes too long",
        "spend hours",
        "backlog",
        "errors",
        "mistakes",
        "falling through the cracks",
        "better",
        "faster",
        "cheaper",
        "go cold",
        "goes cold",
        "going cold",
        "get lost",
        "gets lost",
        "getting lost",
        "unanswered",
        "ignored",
        "nobody follows up",
        "no one follows up",
        "before anyone",
        "nobody answers",
        "no one answers",
        # time eaten, and leads that are not buyers
        "eat up",
        "eats up",
        "take up",
        "takes up",
        "whole day",
        "all day",
        "half of them",
        "most of them",
        "competitors",
        "spam",
        "junk",
        "unqualified",
        "time wasters",
        "time-wasters",
        "tire kickers",
        "tire-kickers",
        "we need",
        "i need",
        "right away",
        "within minutes",
        "delays",
        "too long",
        "sit in",
        "sits in",
        "sitting in",
        "for days",
        "for weeks",
        "pile up",
        "piles up",
        "piling up",
        "nobody sees",
        "no one sees",
        "takes days",
        "nobody follows up",
        "never get back",
        "slip through",
        # repetition, overload and re-keying: the pain is in how often, or how by hand
        "over and over",
        "again and again",
        "constantly",
        "all the time",
        "every time",
        "drowning",
        "buried",
        "swamped",
        "retype",
        "re-type",
        "re-enter",
        "copy paste",
        "copy-paste",
        "by hand",
        "for months",
        "blind",
        "double bookings",
        "double booking",
        "voicemail",
        # how it feels: a pain named by its cost to the people who bear it
        "chaos",
        "chaotic",
        "a mess",
        "messy",
        "nightmare",
        "headache",
        "hassle",
        "tedious",
        "annoying",
        "time-consuming",
        "time consuming",
        "hard to",
        "difficult to",
        "stop doing",
        "keep asking",
        "keeps asking",
        "the same stuff",
        "the same things",
        "go unanswered",
        "never",
    )
)
# Details that make a need specific (1 point each).
SPECIFICS = phrase_regex(
    (
        "because",
        "so that",
        "so we",
        "instead of",
        "per day",
        "per week",
        "per month",
        "a day",
        "a week",
        "a month",
        "every day",
        "at night",
        "after hours",
        "weekends",
        "on weekends",
        "currently",
        "right now",
        "we use",
        "we're using",
        "our",
        "inbound",
        "outbound",
    )
)
HEDGES = phrase_regex(
    (
        "just exploring",
        "exploring",
        "looking around",
        "browsing",
        "curious",
        "maybe",
        "perhaps",
        "possibly",
        "not sure",
        "no idea",
        "don't know",
        "in general",
        "general interest",
        "just checking",
        "checking out",
        "check out",
        "see what",
        "what you do",
        "what you offer",
        "learn more",
        "learning",
        "research",
        "researching",
        "ideas",
        "options",
        "kind of",
        "sort of",
        "i guess",
        "idk",
        "stuff",
        "things",
        "whatever",
        "looking for ways",
        "ways to",
        "could be better",
        "ok but",
        "would be nice",
        "nice to have",
        "might want",
        "still early",
        "early days",
        "for now",
        # the modal of a need that may come, not one that is here
        "may",
        "might",
        "at some point",
        "some day",
        "someday",
        "one day",
        "eventually",
        "down the road",
        "in the future",
        "something like this",
        "something like that",
        "thinking about",
        "considering",
        "wondering",
        "do more",
        "a little",
        "a bit",
        # the adverbs and frames of a wish with no problem behind it
        "generally",
        "probably",
        "see if",
        "open to",
        "no specific",
        "nothing urgent",
        "nothing specific",
        "could help",
        "could fit",
        # exploring in any form, vagueness adverbs, and hearsay about what bots do
        "explore",
        "explored",
        "somehow",
        "broadly",
        "in some way",
        "one way or another",
        "we've heard",
        "we heard",
        "i've heard",
        "i heard",
        "supposedly",
        "working out what",
        "figuring out what",
        "work out what",
        "figure out what",
        "part of that",
    )
)
# The verbs of a goal in any inflection ("qualified", "routes", "pushing"): a visitor
# says what must happen in whichever form the sentence needs, and the phrase table above
# lists only some. Matched as word starts (2 points each, counted with GOAL_OR_PAIN).
GOAL_STEMS = re.compile(
    r"(?<![\w'])(?:qualif|automat|integrat|replac|migrat|consolidat|streamlin|"
    r"prioriti|filter|scor(?=e|i)|rout(?=e|i)|push|forward|assign|notif|alert|captur|"
    r"convert|schedul|sync|respond|repl(?=y|i)|follow(?=s|ed|ing)|escalat|triag|"
    r"segment|enrich|nurtur|personali)[a-z]{0,12}(?![\w'])"
)
# "need" stated, not denied: "need a chat where..." counts, "we don't really need one" not.
# "need it by March" names no thing needed: only when, so it is no need stated.
_NEED_WORD = re.compile(
    r"(?<![\w'])needs?(?![\w'])(?!\s+(?:it|this|that|them|one|something|sth|smth)(?![\w']))"
)
_NEGATION = re.compile(r"(?<![\w'])(?:no|not|never|nothing|n't|without)(?![\w'])|n't(?![\w'])")


def _stated_needs(norm: str) -> list[tuple[int, int]]:
    """Where "need" is said as a need: no negation among the three words before it."""
    return [
        m.span()
        for m in _NEED_WORD.finditer(norm)
        if not _NEGATION.search(" ".join(norm[: m.start()].split()[-3:]))
    ]


# Wanting itself ("we want to", "need to", "looking to") and aims any business has
# ("grow", "improve", "better") say that there is a goal, not which: alone they make a
# vague need ("we want to grow", "we'd like to improve our pipeline"), and weigh half.
WANTING_OR_AIM = phrase_regex(
    (
        *WANTING,
        "we need",
        "i need",
        *AIMS,
        "better",
        "faster",
        "cheaper",
        "launch",
    )
)


def _goal_points(norm: str) -> int:
    """2 for each specific goal or pain, 1 for wanting or a general aim; at most 4."""
    wanting = sum(1 for m in WANTING_OR_AIM.finditer(norm))
    specific = max(0, _goal_count(norm) - wanting)
    return min(4, 2 * specific + wanting)


def _goal_count(norm: str) -> int:
    """Goal and pain phrases of every table, a phrase that several tables match once."""
    spans = sorted(
        [m.span() for m in GOAL_OR_PAIN.finditer(norm)]
        + [m.span() for m in GOAL_STEMS.finditer(norm)]
        + _stated_needs(norm)
    )
    count, end = 0, -1
    for start, stop in spans:
        if start >= end:
            count += 1
        end = max(end, stop)
    return count


CONCRETE_AT = 3
# The visitor is here for something other than buying: nothing for sales to solve.
# Here for something other than buying: a student, the press, a job, selling to us,
# support for something else, trying the bot out. Such a visitor has no purchase to
# decide either, so the authority reader takes it as no authority (never asked again).
NOT_HERE_TO_BUY = phrase_regex(
    (
        "i'm a student",
        "master's student",
        "masters student",
        "phd student",
        "grad student",
        "dissertation",
        "coursework",
        "university project",
        "killing time",
        "lunch break",
        "just nosy",
        "being nosy",
        "nosing around",
        "as a student",
        "student project",
        "thesis",
        "school project",
        "homework",
        "assignment",
        "journalist",
        "reporter",
        "writing about",
        "writing an article",
        "writing a blog",
        "blog post",
        "research paper",
        "competitor",
        "reach your marketing",
        "reach your sales",
        "partnership",
        "partner with you",
        "invoice",
        "billing question",
        "billing issue",
        "refund",
        "charged twice",
        "credit card",
        "cancel my",
        "cancel our",
        "my subscription",
        "my account",
        "password",
        "log in",
        "login",
        "wrong site",
        "wrong page",
        "existing customer",
        "already a customer",
        # a job seeker or a recruiter, not a "job" a visitor loses or a hiring freeze
        "looking for a job",
        "a job at",
        "job opening",
        "job openings",
        "job application",
        "open roles",
        "open positions",
        "are you hiring",
        "recruiter",
        "career",
        "careers",
        "apply for",
        # selling to us, or here for the press
        "pitch you",
        "to pitch",
        "offer them to you",
        "offer you our",
        "i'm selling",
        "we're selling",
        "who handles purchasing",
        "podcast",
        "as a guest",
        "my own startup",
        "report a",
        "typo",
        "how yours works",
        "how this widget is built",
        "how it's built",
        "build bots myself",
        # here for something other than buying: selling to us, a stand or an ad to sell us
        "sell you",
        "offer you",
        "who handles your",
        "your head of",
        "i'm a vendor",
        "we're a vendor",
        "book a stand",
        "trade fair",
        "sponsorship",
        # support for something else, a parcel or an order
        "support line",
        "track my",
        "my parcel",
        "my package",
        "my order",
        "my delivery",
        "internet is down",
        # a job, or teaching, a hobby, retirement, research for others
        "job posting",
        "job post",
        "job ad",
        "vacancy",
        "internship",
        "for my class",
        "showing my class",
        "show my class",
        "my students are",
        "hobbyist",
        "a hobby",
        "for fun",
        "retired",
        "market research",
        "researching the market",
        "investor report",
        "for a report",
        "contribute to the repo",
        "contribute to the project",
        "contribute code",
        "not a customer",
        "not buying anything",
        "not going to buy",
        "project was cancelled",
        "project got cancelled",
        # trying out the bot itself
        "testing what",
        "testing how",
        "testing if",
        "testing whether",
        "testing this bot",
        "testing the bot",
        "testing your bot",
        "test the bot",
        "test this bot",
        "if the bot is",
        "playing with chatbots",
        "playing with chat",
        "playing with the bot",
        "play with the bot",
    )
)
# Content with what they have: no need, though they may well decide purchases.
SATISFIED = phrase_regex(
    (
        "not looking to buy",
        "no plans to change",
        "works great",
        "satisfied with",
        "happy with what we have",
        "happy with our",
        "don't have a problem",
        "no problem really",
        "our sales process is fine",
        "is fine",
        "are fine",
    )
)


def _not_a_buyer(norm: str) -> bool:
    return bool(NOT_HERE_TO_BUY.search(norm) or SATISFIED.search(norm))


def here_for_something_else(text: str) -> bool:
    """Whether the visitor says they are here for something other than buying."""
    return bool(NOT_HERE_TO_BUY.search(normalize(text)))


# Said first, these mean there is nothing to solve, whatever follows.
NOTHING_TO_SOLVE = phrase_regex(
    (
        "nothing to solve",
        "nothing to fix",
        "nothing that needs fixing",
        "nothing broken",
        "no problem to solve",
        "no problems to solve",
        "nothing really",
        "nothing at the moment",
        "nothing atm",
        "nothing right now",
        "none at the moment",
        "none right now",
        "all good on our side",
        "works fine",
        "happy with it",
        "happy with our current",
        "zero need",
        "not needed",
        "not really anything",
        "can't think of anything",
        "cannot think of anything",
        "nothing we need",
    )
)
# A thing denied as needed ("we don't need lead qualification, we have 3 customers"):
# no need, unless what follows states one ("..., we need our leads answered in minutes").
_THING_DENIED = re.compile(
    r"(?<![\w'])(?:don't|doesn't|do\s+not|does\s+not)\s+(?:really\s+|actually\s+)?need\s+(?!to\b)"
)


def _denies_a_thing(norm: str) -> bool:
    denial = _THING_DENIED.search(norm)
    if denial is None:
        return False
    end = _CLAUSE_END.search(norm, denial.end())
    rest = norm[end.end() :] if end else ""
    return not names_a_goal_or_pain(rest) and not _stated_needs(rest)


_STOPWORDS = word_set(
    """
    the and for with that this our are was were you your they them their have has had but not
    all any can will would could should just really very also from into onto about what which
    who whom when where why how its it's i'm we're we'd i'd there here some more most much many
    such than then too
    """
)
# Leading filler removed from the summary ("we need to qualify..." -> "Qualify...").
_FILLER = re.compile(
    r"^(?:(?:hi|hello|hey|well|so|um+|uh+|basically|honestly|ok|okay|yeah|yes|sure|mainly|"
    r"mostly|i\s+think|i\s+guess)\b[\s,.!:-]*"
    r"|(?:we|i)(?:'re|\s+are|'m|\s+am)\s+(?:looking|trying|hoping|planning)\s+(?:for|to)\s+"
    r"|(?:we|i)\s+(?:really\s+)?(?:need|want|require)(?:\s+to)?\s+"
    r"|(?:we|i)(?:'d|\s+would)\s+like(?:\s+to)?\s+"
    r"|(?:our|my)\s+(?:main\s+)?(?:goal|need|problem|issue)\s+is(?:\s+to)?\s+"
    r"|(?:looking|trying|hoping)\s+(?:for|to)\s+|(?:need|want)(?:\s+to)?\s+)",
    re.IGNORECASE,
)
# Starts only where a run of these starts: linear (`[...]+$` alone retries from each one).
_TRAILING = re.compile(r"(?<![\s.,;:!?…\-])[\s.,;:!?…\-]+$")


def summarize(text: str) -> str:
    """The need in a few words: filler and trailing punctuation gone, first letter
    capitalized, at most SUMMARY_MAX characters (cut at a word)."""
    said = _TRAILING.sub("", clean_spaces(text))
    out = said
    while (stripped := _FILLER.sub("", out, count=1)) != out:
        out = stripped
    out = _TRAILING.sub("", out) or said  # all filler ("we need"): keep the words
    if len(out) > SUMMARY_MAX:
        cut = out[: SUMMARY_MAX - 1].rsplit(" ", 1)[0]
        out = _TRAILING.sub("", cut) + "…"
    return out[:1].upper() + out[1:]


# Where a chatty preamble hands over to the answer: "Long story short: ...", "to fix — ...".
_PREAMBLE_END = re.compile(r":(?=\s)|\s[-—]+\s|→")


# Wanting the product itself ("we want to try it", "I want to buy this", "we want to get
# going in 3 months", "looking for a tool for Acme") is a request to buy or start, not a
# problem to solve: it names no goal, whatever goal word frames it. Cut out before scoring.
ADOPTION = re.compile(
    r"(?<![\w'])(?:(?:want|wants|need|needs|looking|hoping|planning|plan|like|keen|ready|"
    r"trying|going)\s+to\s+)"
    r"(?:get\s+going|get\s+started|start(?:\s+using)?|begin|try(?:\s+out)?|test|buy|"
    r"purchase|sign\s+up|go\s+ahead|move\s+forward|get\s+in\s+touch|talk|chat|speak|"
    r"see\s+a\s+demo|get\s+a\s+demo|get\s+a\s+quote|use)"
    r"(?:\s+(?:it|this|that|one|leadbot|you|your\s+(?:product|tool|bot|service)|out|now|soon|"
    r"asap|with\s+you|for\s+(?:our|my)\s+(?:company|team|business|firm)|for\s+us|"
    r"(?:to|with)\s+(?:(?:your|the|a|an|some|one\s+of\s+your)\s+)?(?:sales(?:\s+team)?|team|"
    r"reps?|people|person|someone|somebody|human|expert)))*"
    r"(?=[\s.,;:!?]*(?:$|,|\.|please|in\s|by\s|within|next|this|budget|about\s))"
    r"|(?<![\w'])(?:looking|searching)\s+for\s+(?:a|an|some)\s+(?:tool|solution|product|"
    r"platform|chat\s*bot|bot|software|vendor)(?:\s+for(?:\s+(?:our|my)\s+\w+)?)?[\s.,;:!?]*$"
)


# Not knowing *who* or *which* is the pain itself ("sales has no idea who is worth calling"),
# not the visitor hedging: said of someone else, or of a wh-question about their leads.
UNKNOWING_PAIN = re.compile(
    r"(?<![\w'])(?:has|have|had|with)\s+no\s+(?:idea|clue|way\s+to\s+(?:know|tell|see))\s+"
    r"(?:who|which|whether|if|where|when|how\s+many)(?![\w'])"
    r"|(?<![\w'])(?:we|they|sales|reps|nobody|no\s+one)\s+(?:don't|doesn't|can't|cannot|do\s+not|"
    r"does\s+not|never)\s+(?:know|tell|see)\s+(?:who|which|whether|if|where|when|how\s+many)"
    r"(?![\w'])"
)


# A hedge said of other people ("filter buyers from people just browsing", "visitors who are
# only looking around") describes the visitor's leads, not the visitor: no hedge, no "none".
OTHERS_HEDGING = re.compile(
    r"(?<![\w'])(?:people|visitors|users|customers|buyers|leads|prospects|ones|those|who|them|"
    r"folks|tire-kickers|students)\s+(?:(?:are|is|that|who|just|only|simply|merely)\s+){0,2}"
    r"(?:browsing|exploring|looking\s+around|curious|checking\s+out|researching)(?![\w'])"
)


def _score(norm: str) -> int:
    """The concreteness score of the module docstring, of what follows a preamble ("Thanks
    for asking, some context first. Anyway: ..."): its words are not detail. Hedges count
    anywhere."""
    norm = OTHERS_HEDGING.sub(" leads ", ADOPTION.sub(" ", norm))
    pains = len(UNKNOWING_PAIN.findall(norm))
    norm = UNKNOWING_PAIN.sub(" ", norm)
    parts = _PREAMBLE_END.split(norm)
    tail = parts[-1] if len(parts) > 1 and len(parts[-1].split()) >= 3 else norm
    hedges = len(HEDGES.findall(_SAME_AGAIN.sub(" ", norm)))
    return _detail_score(_telling(tail)) + 2 * min(pains, 1) - 3 * hedges


# "the same things" again and again is repetition, not the hedge "things".
_SAME_AGAIN = phrase_regex(("the same stuff", "the same things", "same old stuff"))


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def _telling(norm: str) -> str:
    """From the first sentence that tells the need (a goal, a pain, a specific, a question
    about what the product can do) on: a
    sentence before it ("Funny you ask, we talked about this over lunch today.") adds
    words, not detail. All of them when none tells one."""
    sentences = _SENTENCE_END.split(norm)
    for first, sentence in enumerate(sentences):
        if _goal_count(sentence) or SPECIFICS.search(sentence) or re.search(r"[\d?]", sentence):
            return " ".join(sentences[first:])
    return norm


def _detail_score(norm: str) -> int:
    goals = _goal_points(norm)
    specifics = len(SPECIFICS.findall(norm)) + min(2, len(re.findall(r"\d+", norm)))
    words = [
        w
        for w in re.findall(r"[^\W\d_][\w'-]*", norm)
        if w not in _STOPWORDS and w not in _DISCOURSE_WORDS
    ]
    content = sum(1 for w in words if len(w) >= 3)
    detail = min(3, max(0, (content - 2) // 3))  # 5-7 content words: 1, 8-10: 2, 11+: 3
    return goals + specifics + detail


# Curiosity, browsing, "no reason": said *instead of* a need. An answer made only of these
# (and words that carry nothing) tells no need at all, so it is unknown, like any dodge; with
# a subject it is a vague need ("just exploring lead qualification tools"), and with a
# "nothing" a denied one ("nothing really, just browsing"). On the blind phrasings, such
# answers were stored as vague or none where the visitor had said nothing (15 of 300).
DODGE = phrase_regex(
    (
        "nothing specific",
        "nothing in particular",
        "nothing particular",
        "nothing concrete",
        "nothing decided",
        "curious",
        "curiosity",
        "that's all",
        "thats all",
        "no reason",
        "no particular reason",
        "no real reason",
        "browsing",
        "browse",
        "looking around",
        "just looking",
        "having a look",
        "taking a look",
        "a look",
        "poking around",
        "checking",
        "checking out",
        "checking things out",
        "things out",
        "exploring",
        "what's out there",
        "wanted to see",
        "want to see",
        "wanna see",
        "what this is",
        "what it is",
        "what you do",
        "what you guys do",
        "what you offer",
        "how it works",
        "how this works",
        "for now",
        "maybe later",
        "think about it",
        "think about that",
        "think about this",
        "think it over",
        "mull it over",
        "sleep on it",
        "let me think",
        # deferring or handing the question back: no need said
        "you tell me",
        "pass on this",
        "pass on that",
        "i'll pass",
        "move on",
        "skip this",
        "skip that",
        "next question",
        "get back to that",
        "get back to you",
        "come back to that",
        "come back to this",
        "eh",
        "meh",
        "hmm",
        "hm",
        "um",
        "uh",
    )
)
# Words that, around a dodge, still say nothing ("honestly i'm just curious, that's all").
_EMPTY_WORDS = word_set(
    """
    i im i'm i'll i'd we'll me my we us it is am was be do did just only simply merely
    really honestly well so ok okay oh yeah yes sure a an the to of at on in around atm rn
    tbh lol haha right now going to want let mind if one can could please pls rather
    """
)
# A question to us ("how does the scoring work?", "what's the price?"): not the visitor's
# need, unless it names a goal or a pain ("can it answer visitors at night?"). Asked in the
# question's own order: a statement ending in "?" hedges ("our site feels dead, maybe this
# helps?") and is a need.
_QUESTION = re.compile(
    r"^(?:how|what|what's|whats|which|why|where|when|who)\b"
    r"|^(?:is|are|does|do|can|could|will|would)\s+(?:you|it|this|that|there|i|we|leadbot|your"
    r"|anyone|anybody|someone|somebody|he|she|they)\b"
)


# A stall or a reaction to the question ("brb", "interesting question...", "hold on"):
# the visitor has not answered yet, so the bot asks again.
_STALL_WORDS = word_set(
    """
    brb bbl sec secs second moment min minute hold on wait gimme give me interesting
    question good great tough tricky hard fair point hmm hm um umm uh er erm ah
    """
)


# Words that frame an answer and carry nothing about the need: the discourse around it
# ("good question", "long story short", "that's the gist", "hope that makes sense", "if you
# know what I mean"). They are no detail, and a clause made only of them is cut before the
# answer is read: on blind answer templates wrapped around the same needs, such frames
# turned concrete needs vague (a closing "- that's about it" was read as the answer) and
# vague ones concrete (the frame's words counted as detail).
_DISCOURSE_WORDS = word_set(
    """
    thanks thank thx ty honestly frankly basically basicaly basicly mostly mostyl mainly
    pretty lol haha ha hah heh tldr tl;dr okay ok alright anyway anyways yeah yep yup gist
    nutshell hmm hm um umm uh er erm ah oh eh
    """
)
# Words that make a frame only when a whole clause is made of them and the words above
# ("Let me think how to put it...", "I suppose the short version", "hope that makes
# sense"): elsewhere they carry the need ("we only see it on monday").
_FRAME_WORDS = word_set(
    """
    begin start honest answer story simply simple put sense hope makes make mean know
    that's thats all so well right explain context background bit first let me think see
    way guess suppose sure colleague friend pointed here you what where how say said words
    version summary essence short whole
    """
)
# Frames said in words that elsewhere carry a need ("visitors ask the same questions"):
# cut as whole phrases only.
_FRAME_PHRASES = phrase_regex(
    (
        "good question",
        "great question",
        "fair question",
        "tough question",
        "tricky question",
        "interesting question",
        "hard question",
        "thanks for asking",
        "thank you for asking",
        "long story short",
        "to cut a long story short",
        "short version",
        "in short",
        "in a nutshell",
        "where to begin",
        "where to start",
        "where do i start",
        "where do i begin",
        "the main thing",
        "main thing",
        "pretty much",
        "that's about it",
        "that's the gist",
        "that's the whole story",
        "makes sense",
        "if you know what i mean",
        "you know what i mean",
        "pointed me here",
        "sent me here",
        "in other words",
        "to be honest",
        "to be fair",
    )
)
# Closing a list: "..., nothing more", "..., nothing else", "that's it": only after words.
_CLOSING = phrase_regex(("nothing more", "nothing else", "that's it", "that is it", "that's all"))
# Where one clause of an answer ends and the next begins.
_CLAUSE_END = re.compile(
    r"(?<![.!?;…])[.!?;…]+(?:\s+|$)|,\s+|:\s+|\s[-—]+\s|(?<!\s)\s*→\s*"
)  # look-behind: linear


def _is_frame(clause: str, closing: bool) -> bool:
    """A clause that says nothing about the need: no figure, and only frame phrases,
    discourse and empty words."""
    if re.search(r"\d", clause):
        return False
    rest = _FRAME_PHRASES.sub(" ", _CLOSING.sub(" ", clause) if closing else clause)
    words = re.findall(r"[^\W\d_][\w';]*", rest)
    frame = _DISCOURSE_WORDS | _FRAME_WORDS | _EMPTY_WORDS | _STOPWORDS | _STALL_WORDS
    return all(w in frame for w in words)


def _without_frames(norm: str) -> str:
    """The answer without the clauses that frame it, at its start or its end. A frame
    at the start never holds a negation ("nothing, I'm a student" keeps its "nothing");
    a closing one may ("..., nothing more")."""
    cuts = [0, *(m.end() for m in _CLAUSE_END.finditer(norm)), len(norm)]
    clauses = [norm[a:b] for a, b in itertools.pairwise(cuts) if a < b]
    while len(clauses) > 1 and not _NEGATION.search(clauses[0]) and _is_frame(clauses[0], False):
        clauses.pop(0)
    while len(clauses) > 1 and _is_frame(clauses[-1], True):
        clauses.pop()
    core = "".join(clauses).strip(" ,;:-—")
    return core or norm


def _stalls(norm: str) -> bool:
    words = re.findall(r"[^\W\d_][\w']*", norm)
    return bool(words) and all(w in _STALL_WORDS or w in _EMPTY_WORDS for w in words)


def _dodges(norm: str) -> bool:
    """Only dodge phrases and empty words: the visitor said nothing about a need."""
    if not DODGE.search(norm):
        return False
    rest = re.findall(r"[^\W\d_][\w']*", DODGE.sub(" ", norm))
    return all(
        w in _EMPTY_WORDS or w in _STOPWORDS or w in _DISCOURSE_WORDS or w in _DEFERRING
        for w in rest
    )


# The helpers of a deferral ("I would need to think about that", "have to think it over
# first"): with a dodge, still no need said.
_DEFERRING = word_set("need have got gotta first more bit one i'd i'll")


# A wh-word before its subject is a statement ("what we want is something simple", "how
# we work now is..."), not a question, unless it ends in one.
_WH_STATEMENT = re.compile(r"^(?:how|what|which|why|where|when|who)\s+(?:we|i|our|my|they)\b")


def _asks_us(norm: str) -> bool:
    return (
        bool(_QUESTION.search(norm))
        and not (_WH_STATEMENT.search(norm) and not norm.rstrip().endswith("?"))
        and not GOAL_OR_PAIN.search(norm)
    )


def names_a_goal_or_pain(text: str) -> bool:
    """Whether the words name something to get done or a pain, once wanting the product
    itself is cut out: what makes a need told in passing a need, however many words or
    figures are around it ("we're bootstrapped, not for another two years" names none)."""
    norm = ADOPTION.sub(" ", normalize(text))
    return _goal_count(norm) > 0 or bool(UNKNOWING_PAIN.search(norm))


def assess_need(text: str) -> Need | None:
    """Read a need answer. None when the text carries no answer (the bot asks again): noise,
    or a question to us (the FAQ answers it, then the need is asked again)."""
    raw = text.strip()
    norm = normalize(raw)
    if is_noise(norm) or _stalls(norm):
        return None
    norm = _without_frames(norm)
    if UNKNOWN.search(norm) or UNKNOWN_ALONE.match(norm) or DONT_KNOW_ALONE.match(norm):
        return Need(raw=raw, level="unknown")
    if _dodges(norm):
        return Need(raw=raw, level="unknown")
    if _asks_us(norm) and not _not_a_buyer(norm):
        return None
    if NOTHING_YET.search(norm):
        return Need(raw=raw, level="vague", summary=summarize(raw))
    if NOTHING_TO_SOLVE.search(norm):
        return Need(raw=raw, level="none")
    if _not_a_buyer(norm) or NEED_DENIED.search(norm) or _denies_a_thing(norm):
        return Need(raw=raw, level="none")
    if _score(norm) >= CONCRETE_AT:
        return Need(raw=raw, level="concrete", summary=summarize(raw))
    if NONE.search(OTHERS_HEDGING.sub(" leads ", norm)):
        return Need(raw=raw, level="none")
    return Need(raw=raw, level="vague", summary=summarize(raw))
