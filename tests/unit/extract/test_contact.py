"""clean_name and clean_company."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.extract.contact import SELF_EMPLOYED, clean_company, clean_name

NAMES = [
    ("my name is sophie laurent", "Sophie Laurent"),
    ("My name is Sophie Laurent.", "Sophie Laurent"),
    ("my names sophie", "Sophie"),
    ("I'm Bob", "Bob"),
    ("im bob", "Bob"),
    ("I am Bob", "Bob"),
    ("call me Al", "Al"),
    ("you can call me Al", "Al"),
    ("Sophie", "Sophie"),
    ("sophie", "Sophie"),
    ("SOPHIE LAURENT", "Sophie Laurent"),
    ("Jean-Luc Picard", "Jean-Luc Picard"),
    ("jean-luc picard", "Jean-Luc Picard"),
    ("o'brien", "O'Brien"),
    ("mcdonald", "McDonald"),
    ("sophie van der berg", "Sophie van der Berg"),
    ("DeShawn Jones", "DeShawn Jones"),
    ("Bob from Acme", "Bob"),
    ("Sophie Laurent, CTO at Acme", "Sophie Laurent"),
    ("it's Bob here, thanks", "Bob"),
    ("hi, I'm Anna", "Anna"),
    ("Anna.", "Anna"),
    ("name: Marie Curie", "Marie Curie"),
    ("this is Priya", "Priya"),
    ("J. R. R. Tolkien", "J. R. R. Tolkien"),
    ("Zoë Saldaña", "Zoë Saldaña"),
    ("José María García López", "José María García López"),
    ("I’m Bob", "Bob"),
    # a discourse word first is not the name
    ("Right, sure, Tomasz Nowak. Bit busy today.", "Tomasz Nowak"),
    ("Whoops, forgot to say: Aiko Sato", "Aiko Sato"),
    ("Well, it's Priya Raman", "Priya Raman"),
    # an apology or a laugh first, a middle initial, the name said again in full
    ("soz my name is elif yilmaz", "Elif Yilmaz"),
    ("hehe dara okafor", "Dara Okafor"),
    ("Sorry, forgot to say. bronwyn.", "Bronwyn"),
    ("Sure thing, dara okafor. Nice chatting!", "Dara Okafor"),
    ("kk Tomas B. Novak", "Tomas B. Novak"),
    ("j.k. osei", "J.K. Osei"),
    ("I'm Arjun, Arjun Mehta.", "Arjun Mehta"),
]


@pytest.mark.parametrize(("text", "name"), NAMES)
def test_names(text: str, name: str) -> None:
    assert clean_name(text) == name


NOT_NAMES = [
    "",
    "   ",
    "no",
    "No",
    "why",
    "why?",
    "nope",
    "123",
    "bob99",
    "bob²",
    "٣",
    "bob@acme.io",
    "my name is a b c d e f",
    "one two three four five six",
    "I'm the CTO",
    "CTO",
    "Head of Marketing",
    "I'm looking for pricing",
    "rather not say",
    "anonymous",
    "asdf",
    "?",
    "n/a",
    "https://acme.io",
]


@pytest.mark.parametrize("text", NOT_NAMES)
def test_not_names(text: str) -> None:
    assert clean_name(text) is None


COMPANIES = [
    ("I work at Acme Corp", "Acme Corp"),
    ("i work for acme corp", "Acme Corp"),
    ("acme", "Acme"),
    ("Acme", "Acme"),
    ("ACME", "ACME"),
    ("Acme, thanks!", "Acme"),
    ("at Initech.", "Initech"),
    ("I'm the CTO at Acme", "Acme"),
    ("CTO at Acme", "Acme"),
    ("head of marketing at Globex", "Globex"),
    ("my company is Globex Corporation", "Globex Corporation"),
    ("the company name is Hooli", "Hooli"),
    ("it's called Hooli", "Hooli"),
    ("we're Pied Piper", "Pied Piper"),
    ("acme corp inc", "Acme Corp Inc"),
    ("müller gmbh", "Müller GmbH"),
    # a legal form after a comma or in brackets stays with the name
    ("Karoo Wind (Pty) Ltd", "Karoo Wind (Pty) Ltd"),
    ("we are karoo wind (pty) ltd", "Karoo Wind (Pty) Ltd"),
    ("Guangzhou Bright Lamps Co., Ltd., in Guangdong", "Guangzhou Bright Lamps Co., Ltd"),
    ("Acme (a startup)", "Acme"),
    ("bank of america", "Bank of America"),
    ("3M", "3M"),
    ("37signals", "37signals"),
    ("acme.io", "acme.io"),
    ("https://www.acme.io", "acme.io"),
    ("Wayne Enterprises", "Wayne Enterprises"),
    ("Principal Financial Group", "Principal Financial Group"),
    ("Partner Solutions GmbH", "Partner Solutions GmbH"),
    ("just me", SELF_EMPLOYED),
    ("freelance", SELF_EMPLOYED),
    ("I'm a freelancer", SELF_EMPLOYED),
    ("self-employed", SELF_EMPLOYED),
    ("I work for myself", SELF_EMPLOYED),
    # chat words around the answer, at either end
    ("yh moreau conseil sarl", "Moreau Conseil SARL"),
    ("kk lindgren bygg ab thnx", "Lindgren Bygg AB"),
    ("erm river stone ofc", "River Stone"),
    ("ah the company is named river stone", "River Stone"),
    # dots that end no sentence, partners before a comma, "The", joins of other languages
    ("Patel & Sons Pvt. Ltd.", "Patel & Sons Pvt. Ltd."),
    ("Sure, St. Anne's Care Home. We're small.", "St. Anne's Care Home"),
    ("Ferreira, Lopes e Filhos", "Ferreira, Lopes e Filhos"),
    ("Jones, Baker & Partners", "Jones, Baker & Partners"),
    ("it's The Copper Kettle Co-op", "The Copper Kettle Co-op"),
    ("Nowak i Synowie sp. z o.o.", "Nowak i Synowie sp. z o.o."),
    ("we bake, we're called Loaf & Co. Nobody knows us yet.", "Loaf & Co"),
    ("Easy one: nimbus.io", "nimbus.io"),
    # lower case, capitalized as people write them
    ("d'angelo's pizzeria", "D'Angelo's Pizzeria"),
    ("q&a labs ha", "Q&A Labs"),
    ("fjell & hav as", "Fjell & Hav AS"),
]


@pytest.mark.parametrize(("text", "company"), COMPANIES)
def test_companies(text: str, company: str) -> None:
    assert clean_company(text) == company


NOT_COMPANIES = [
    "",
    "CTO",
    "cto",
    "Head of Marketing",
    "none",
    "None.",
    "n/a",
    "N/A",
    "-",
    "no",
    "rather not say",
    "asdf",
    "?",
    "why",
    "jane@acme.io",
    "we are a small agency",
    # a place, an amount or a span of time, titles joined, a lone letter, a sentence
    "Greetings from Oslo",
    "Hi from Toronto",
    "about 6 weeks",
    "8 lakhs",
    "NZD",
    "Founder & CEO",
    "Anyway: Director and Owner.",
    "X",
    "get me someone from sales please",
]


@pytest.mark.parametrize("text", NOT_COMPANIES)
def test_not_companies(text: str) -> None:
    assert clean_company(text) is None


# ---- properties --------------------------------------------------------------------


@given(st.text(max_size=80))
def test_clean_name_never_raises(text: str) -> None:
    name = clean_name(text)
    if name is not None:
        assert 1 <= len(name.split()) <= 5
        assert "@" not in name
        assert not any(ch.isdigit() for ch in name)


@given(st.text(max_size=80))
def test_clean_company_never_raises(text: str) -> None:
    company = clean_company(text)
    if company is not None:
        assert company.strip() == company
        assert company


@pytest.mark.parametrize(
    ("text", "company"),
    [
        # chat noise around the answer
        ("oh, maison lumière sas sry", "Maison Lumière SAS"),
        ("sunrise dental care lol", "Sunrise Dental Care"),
        ("Bell & Whistle hehe", "Bell & Whistle"),
        # a number inside the name, a legal form with dots
        ("we r called Vision 2030 Advisory", "Vision 2030 Advisory"),
        ("Szybki Kurier Sp. z o.o.", "Szybki Kurier Sp. z o.o."),
        # chat spellings of the lead-in, chat words after the name
        ("workin at The Good Agency", "The Good Agency"),
        ("we r outback adventures pty ltd", "Outback Adventures Pty Ltd"),
        ("co: bluebird bakery", "Bluebird Bakery"),
        ("The Good Agency fyi", "The Good Agency"),
        ("northstar dental atm", "Northstar Dental"),
        ("northstar dental here", "Northstar Dental"),
        # a legal form's dot that also ends the sentence
        ("The company is Kiwi Code Ltd. Happy to tell you more on a call.", "Kiwi Code Ltd"),
        ("It's Outback Adventures Pty Ltd. I've been there a while.", "Outback Adventures Pty Ltd"),
        ("Acme Ltd. is my company", "Acme Ltd"),
    ],
)
def test_companies_in_chat_answers(text: str, company: str) -> None:
    assert clean_company(text) == company


@pytest.mark.parametrize("text", ["7k", "2028", "10,000", "Oh", "one.", "ok"])
def test_figures_and_chat_words_are_no_company(text: str) -> None:
    assert clean_company(text) is None


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Maria García hehe", "Maria García"),
        ("kai hehe", "Kai"),
        ("its me joon-ho kim", "Joon-Ho Kim"),
        ("Carlos Eduardo dos Santos", "Carlos Eduardo dos Santos"),
    ],
)
def test_names_in_chat_answers(text: str, name: str) -> None:
    assert clean_name(text) == name
