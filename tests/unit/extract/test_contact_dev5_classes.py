"""clean_name and clean_company: the classes of failure seen on the dev5 phrasings, in our
own words (chat words glued to a name, names cut short, refusals, legal forms, lead-ins
typed with typos, descriptions and figures offered as a company)."""

from __future__ import annotations

import pytest

from bot.extract.contact import clean_company, clean_name

NAMES = [
    # greetings and chat words typed before the name
    ("ofc marta kowalczyk", "Marta Kowalczyk"),
    ("ofc dimitri, from finance", "Dimitri"),
    ("hiii ada lovelace", "Ada Lovelace"),
    ("heyy tom", "Tom"),
    ("okk Priyanka Rao", "Priyanka Rao"),
    ("yea just omar is fine", "Omar"),
    ("just ines", "Ines"),
    # what follows the name: a typo of "here", a pleasantry, thanks
    ("jonas weber heer", "Jonas Weber"),
    ("its bruno heer", "Bruno"),
    ("it's lena nice to meet you", "Lena"),
    ("hi, this is sofía pérez pleased to meet you", "Sofía Pérez"),
    ("its ana thx", "Ana"),
    ("Ravi if that helps", "Ravi"),
    # names told in parts, and short syllables that are also chat words
    ("sure: first name Yara, last name Haddad", "Yara Haddad"),
    ("first name: tomas. last name: berg", "Tomas Berg"),
    ("Tran Minh Ha", "Tran Minh Ha"),
    ("Le Van An, hello", "Le Van An"),
    ("Pham Thi Ha 😊", "Pham Thi Ha"),
]


@pytest.mark.parametrize(("text", "name"), NAMES)
def test_names(text: str, name: str) -> None:
    assert clean_name(text) == name


NOT_NAMES = [
    # refusals and dodges
    "that is private, sorry",
    "I'd prefer not to share it",
    "Not Comfortable Sharing That",
    "skip this one please",
    "can we skip it",
    # an organisation, a description or a month is no one's name
    "Logistics",
    "Harbourview Studio",
    "Bluepeak Consulting",
    "Quarry Dental",
    "December",
]


@pytest.mark.parametrize("text", NOT_NAMES)
def test_not_names(text: str) -> None:
    assert clean_name(text) is None


def test_a_refusal_of_the_surname_keeps_the_first_name() -> None:
    assert clean_name("Sam, but I'd rather not give my surname") == "Sam"


def test_a_laugh_after_a_name_typed_in_lower_case_still_goes() -> None:
    assert clean_name("tom baker ha") == "Tom Baker"


COMPANIES = [
    # legal forms kept whole
    ("we work for Blaue Stunde e.V.", "Blaue Stunde e.V."),
    ("i'm with Sonnenhof e.V., a small club", "Sonnenhof e.V."),
    ("Fjordlys AS", "Fjordlys AS"),
    ("Casa Verde Ltda", "Casa Verde Ltda"),
    # what follows the name: "if you need it", "that's us", a laugh
    ("bramble bakery ltd if u need it", "Bramble Bakery Ltd"),
    ("copper kettle catering thats us", "Copper Kettle Catering"),
    ("working for Nordlicht Media lol, tiny team", "Nordlicht Media"),
    # lead-ins: typed with typos, one after another, or "that's"
    ("wrking at quarry lane vets", "Quarry Lane Vets"),
    ("workng for maple & thyme", "Maple & Thyme"),
    ("teh company is tidewater tours", "Tidewater Tours"),
    ("we're a tiny agency called Brightfold", "Brightfold"),
    ("working at we're a studio named pixelmoss", "Pixelmoss"),
    ("That's Silver Birch Joinery", "Silver Birch Joinery"),
    # a "the" typed in lower case is not the name's; a capital "The" is
    ("i work for the harbour community kitchen", "Harbour Community Kitchen"),
    ("It's the Greenway Makerspace space", "Greenway Makerspace"),
    ("the compnay is the meadow yoga studio", "Meadow Yoga Studio"),
    ("the quayside rowing club team", "Quayside Rowing Club"),
    ("The Old Mill Bakery", "The Old Mill Bakery"),
    # a name that starts with a figure
    ("we're called 4d scanworks", "4D Scanworks"),
    ("3M", "3M"),
    ("99 Bikes", "99 Bikes"),
    ("24-7 Towing Ltd", "24-7 Towing Ltd"),
]


@pytest.mark.parametrize(("text", "company"), COMPANIES)
def test_companies(text: str, company: str) -> None:
    assert clean_company(text) == company


NOT_COMPANIES = [
    # refusals and dodges
    "i'd prefer not to answer that",
    "not comfortable sharing it",
    "skip this please",
    "Rather Not Share",
    "that's confidential",
    # figures, days, counts, titles, prepositions, descriptions
    "2nd",
    "March 3rd",
    "20-30k",
    "15 vans",
    "200+ employees",
    "VP Eng",
    "Head of Mktg",
    "over",
    "Logistics company",
    "Plumbing business",
]


@pytest.mark.parametrize("text", NOT_COMPANIES)
def test_not_companies(text: str) -> None:
    assert clean_company(text) is None
