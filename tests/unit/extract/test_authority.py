"""parse_authority: level, decision_maker and the cleaned role."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.extract.authority import parse_authority, tables
from bot.facts import Authority

DM, INF, NONE = "decision_maker", "influencer", "none"

CASES = [
    # text, level, role
    ("owner", DM, "Owner"),
    ("I'm the owner", DM, "Owner"),
    ("business owner", DM, "Business Owner"),
    ("founder", DM, "Founder"),
    ("I'm the founder", DM, "Founder"),
    ("co-founder", DM, "Co-founder"),
    ("cofounder", DM, "Co-founder"),
    ("co-founder & CEO", DM, "Co-founder & CEO"),
    # two titles of one person, whose assistant, owning the business, and the new titles
    ("co-founder and CTO, my call", DM, "Co-founder and CTO"),
    ("owner/director", DM, "Owner/Director"),
    (
        "I'm the personal assistant to our CEO, collecting options",
        INF,
        "Personal Assistant to the CEO",
    ),
    ("PA to the MD", INF, "PA to the MD"),
    ("my partner and I own the salon", DM, "Owner"),
    ("practice manager, I approve spend", DM, "Practice Manager"),
    ("office junior, I just look things up", INF, "Office Junior"),
    ("I am an MD student", NONE, "MD Student"),
    # a decision phrase denied
    ("nope, not my decision", INF, None),
    ("it isn't up to me, honestly", INF, None),
    ("CEO", DM, "CEO"),
    ("ceo", DM, "CEO"),
    ("i am the ceo", DM, "CEO"),
    ("im cto", DM, "CTO"),
    ("I'm the CTO at Acme", DM, "CTO"),
    ("CTO here", DM, "CTO"),
    ("cfo", DM, "CFO"),
    ("COO", DM, "COO"),
    ("our CMO, that's me", DM, None),
    ("CRO", DM, "CRO"),
    ("CIO", DM, "CIO"),
    ("chief revenue officer", DM, "Chief Revenue Officer"),
    ("C-level", DM, "C-level"),
    ("president", DM, "President"),
    ("VP", DM, "VP"),
    ("VP Sales", DM, "VP Sales"),
    ("vp of sales", DM, "VP of Sales"),
    ("SVP Marketing", DM, "SVP Marketing"),
    ("vice president of marketing", DM, "Vice President of Marketing"),
    ("head of marketing", DM, "Head of Marketing"),
    ("Head of Growth at Acme", DM, "Head of Growth"),
    ("I'm head of revenue operations", DM, "Head of Revenue Operations"),
    ("head of people ops.", DM, "Head of People Ops"),
    ("director", DM, "Director"),
    ("Sales director at Acme", DM, "Sales Director"),
    ("director of engineering", DM, "Director of Engineering"),
    ("managing director", DM, "Managing Director"),
    ("general manager", DM, "General Manager"),
    ("partner", DM, "Partner"),
    ("managing partner", DM, "Managing Partner"),
    ("freelancer", DM, "Freelancer"),
    ("I sign off", DM, None),
    ("i sign off on purchases", DM, None),
    ("I decide", DM, None),
    ("it's my call", DM, None),
    ("haha i'm the boss here", DM, None),
    ("my cofounder and i decide together", DM, None),
    ("we both sign, me and my business partner", DM, None),
    ("I'm a sole proprietor", DM, "Sole Proprietor"),
    ("its my call", DM, None),
    ("my decision", DM, None),
    ("I have the final say", DM, None),
    ("up to me", DM, None),
    ("just me", DM, None),
    ("me", DM, None),
    ("yes", DM, None),
    ("Yes!", DM, None),
    ("yep", DM, None),
    ("yes, I'm the one", DM, None),
    ("I'm a manager and I sign off", DM, "Manager"),
    ("I'm an engineer but it's my call", DM, "Engineer"),
    # influencers
    ("manager", INF, "Manager"),
    ("marketing manager", INF, "Marketing Manager"),
    ("I'm the marketing manager", INF, "Marketing Manager"),
    ("team lead", INF, "Team Lead"),
    ("lead", INF, "Lead"),
    ("lead developer", INF, "Lead Developer"),
    ("senior software engineer", INF, "Senior Software Engineer"),
    ("developer", INF, "Developer"),
    ("analyst", INF, "Analyst"),
    ("consultant", INF, "Consultant"),
    ("I'm an engineer evaluating options", INF, "Engineer"),
    ("product owner", INF, "Product Owner"),
    ("product manager", INF, "Product Manager"),
    ("chief of staff", INF, "Chief of Staff"),
    ("SDR", INF, "SDR"),
    ("I'm the CEO's assistant", INF, "Assistant"),
    ("I'm evaluating for my boss", INF, None),
    ("I need to check with my manager", INF, None),
    ("i need to check with my manager first", INF, None),
    ("I'm a director but I need approval from the CFO", INF, "Director"),
    ("my boss", INF, None),
    ("my boss decides", INF, None),
    ("our CEO decides", INF, None),
    ("the CEO decides", INF, None),
    ("I report to the CTO", INF, None),
    ("not me", INF, None),
    ("no", INF, None),
    ("No.", INF, None),
    ("nope", INF, None),
    ("no, my boss signs", INF, None),
    ("we decide together", INF, None),
    ("I'm an intern, my boss decides", INF, "Intern"),
    # no authority
    ("student", NONE, "Student"),
    ("I'm a student", NONE, "Student"),
    ("intern", NONE, "Intern"),
    ("hobbyist", NONE, "Hobbyist"),
    ("it's a hobby", NONE, "Hobby"),
    ("just curious", NONE, None),
    ("personal project", NONE, None),
    ("it's for a side project", NONE, None),
    ("I'm a student working on a side project", NONE, "Student"),
]


@pytest.mark.parametrize(("text", "level", "role"), CASES)
def test_levels_and_roles(text: str, level: str, role: str | None) -> None:
    assert parse_authority(text) == Authority(
        raw=text.strip(),
        level=level,  # type: ignore[arg-type]
        decision_maker=level == DM,
        role=role,
    )


@pytest.mark.parametrize(
    "text", ["rather not say", "I'd rather not say", "not sure", "don't know", "it's complicated"]
)
def test_unknown(text: str) -> None:
    assert parse_authority(text) == Authority(raw=text, level="unknown", decision_maker=None)


@pytest.mark.parametrize("text", ["", "  ", "asdf", "why?", "?", "hello", "I do lead gen", "42"])
def test_nothing_said(text: str) -> None:
    assert parse_authority(text) is None


def test_role_said_with_surrounding_text_keeps_only_the_title() -> None:
    result = parse_authority("Hi! I'm the VP Sales at Globex, and yes I sign off")
    assert result == Authority(
        raw="Hi! I'm the VP Sales at Globex, and yes I sign off",
        level="decision_maker",
        decision_maker=True,
        role="VP Sales",
    )


# ---- properties --------------------------------------------------------------------


@given(st.text(max_size=80))
def test_never_raises_and_role_comes_from_the_text(text: str) -> None:
    result = parse_authority(text)
    if result is None:
        return
    assert result.raw == text.strip()
    assert result.level in ("decision_maker", "influencer", "none", "unknown")
    if result.level == "unknown":
        assert result.decision_maker is None
    else:
        assert result.decision_maker is (result.level == "decision_maker")
    if result.role is not None:
        said = re.sub(r"[\s.-]+", "", text.lower())
        spelled = {v.lower(): k for k, v in tables().spellings.items()}  # "dev" -> "Developer"
        for word in result.role.lower().replace(".", "").split():
            assert word.replace("-", "") in said or spelled.get(word, "\0") in said


@pytest.mark.parametrize(
    ("text", "level", "role"),
    [
        # someone else's title said to decide: the visitor only recommends
        ("head of growth, but the CEO has the final word", "influencer", "Head of Growth"),
        ("marketing manager. I can recommend it, my director has the budget", "influencer",
         "Marketing Manager"),
        ("not me, the owner does", "influencer", None),
        # the visitor only recommends; someone else approves
        ("I only recommend, finance approves purchases", "influencer", None),
        ("ok so i just recommend, procurement signs off", "influencer", None),
        # a typo in the words that say it, a title with its owner before it
        ("So, yes im the decison maker.", "decision_maker", None),
        ("my boss decides, I'm her assistant.", "influencer", "Assistant"),
        ("I'm the CEO's assistant", "influencer", "Assistant"),
        ("junior dev, just looking into it for the team lead", "influencer", "Junior Developer"),
        # evasive
        ("maybe, maybe not", "unknown", None),
        ("not important right now", "unknown", None),
    ],
)  # fmt: skip
def test_whose_decision_it_is(text: str, level: str, role: str | None) -> None:
    found = parse_authority(text)
    assert found is not None
    assert (found.level, found.role) == (level, role)


@pytest.mark.parametrize(
    ("text", "level", "role"),
    [
        # someone else decides, named only by what they do: the visitor is not the decider,
        # and the decider's title is not the visitor's role
        ("office manager; the partners will make the final decision", INF, "Office Manager"),
        ("our board of governors decides on anything like this", INF, None),
        ("they'll have to approve it upstairs", INF, None),
        ("finance lead, the founder will have to sign off", INF, "Finance Lead"),
        ("I draft the proposal and the regional director approves", INF, None),
        ("sign-off sits with the group finance team", INF, None),
        ("the final okay comes from our holding company", INF, None),
        ("it's up to the committee in the end", INF, None),
        ("my aunt runs the bakery, I'm just lending a hand", INF, None),
        ("the vet asked me to compare a few tools", INF, None),
        ("I'm helping my brother choose one", INF, None),
        # ... but not when the visitor is in the subject, or nobody else is
        ("my partner and I make the decisions", DM, None),
        ("owner, nobody else signs off", DM, "Owner"),
        ("the final decision rests with me", DM, None),
        ("whatever you decide is fine by me", None, None),
        # the visitor decides, in words the phrase table does not list
        ("I've got sign-off on this", DM, None),
        ("I have sole purchasing authority", DM, None),
        ("approver: myself", DM, None),
        ("decision maker = me", DM, None),
        ("I'm the one who approves purchases here", DM, None),
        ("I don't have final authority on this", INF, None),
        # a title from another language, and an answer at the end of the message
        ("Gérante de la boutique", DM, "Gérante"),
        ("amministratore delegato", DM, "Amministratore Delegato"),
        ("Prokurist, so yes", DM, None),
        ("junior buyer, so no", INF, "Junior Buyer"),
        # staff roles, and titles with a department before them
        ("I work the front desk as a receptionist", INF, "Receptionist"),
        ("primary school teacher", INF, "School Teacher"),
        ("volunteer coordinator at a food bank", INF, "Volunteer Coordinator"),
        ("just a volunteer", INF, "Volunteer"),
        ("purchasing agent for the group", INF, "Purchasing Agent"),
        ("I'm the web guy", INF, "Web Guy"),
        ("I'm a person who likes chatbots", None, None),
        ("revenue operations analyst", INF, "Revenue Operations Analyst"),
        ("Customer Experience Lead", INF, "Customer Experience Lead"),
        ("I'm the department head", DM, "Department Head"),
        ("owner operator of a food truck", DM, "Owner Operator"),
        ("I manage the reception team", INF, "Reception Manager"),
        ("I'm a journalist", NONE, "Journalist"),
    ],
)  # fmt: skip
def test_who_decides_said_in_other_words(text: str, level: str | None, role: str | None) -> None:
    found = parse_authority(text)
    assert (found.level if found else None, found.role if found else None) == (level, role)


@pytest.mark.parametrize(
    "text",
    [
        "I'm here about the vacancy you posted",
        "I wanted to sell you our translation services",
        "is this the support line? my internet is down",
    ],
)
def test_a_visitor_here_for_something_else_has_no_purchase_to_decide(text: str) -> None:
    authority = parse_authority(text)
    assert authority is not None
    assert (authority.level, authority.decision_maker) == ("none", False)


def test_owning_a_business_of_some_kind_is_deciding() -> None:
    authority = parse_authority("I own a dog grooming salon and bookings by phone get lost")
    assert authority is not None
    assert (authority.level, authority.role) == ("decision_maker", "Owner")
