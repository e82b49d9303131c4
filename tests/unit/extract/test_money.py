"""parse_budget: every phrasing from the brief and more, with exact Budget values."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.extract.money import parse_budget
from bot.facts import Budget

D = Decimal

AMOUNTS = [
    # text, amount, amount_max, currency, period
    ("$50k", D(50000), None, "USD", None),
    ("50k", D(50000), None, None, None),
    ("50K", D(50000), None, None, None),
    ("50 k", D(50000), None, None, None),
    ("30k a year", D(30000), None, None, "year"),
    ("30k/yr", D(30000), None, None, "year"),
    ("30k per annum", D(30000), None, None, "year"),
    ("30k annually", D(30000), None, None, "year"),
    ("30k p.a.", D(30000), None, None, "year"),
    ("2k per month", D(2000), None, None, "month"),
    ("2k a month", D(2000), None, None, "month"),
    ("2k/mo", D(2000), None, None, "month"),
    ("2k monthly", D(2000), None, None, "month"),
    ("EUR 80.000", D(80000), None, "EUR", None),
    ("80.000 €", D(80000), None, "EUR", None),
    ("80.000€", D(80000), None, "EUR", None),
    ("€80,000", D(80000), None, "EUR", None),
    ("2.5 million", D(2500000), None, None, None),
    ("$1.2m", D(1200000), None, "USD", None),
    ("$1.2M per year", D(1200000), None, "USD", "year"),
    ("1,5 Mio €", D(1500000), None, "EUR", None),
    ("between 20 and 40 thousand", D(20000), D(40000), None, None),
    ("between twenty and forty thousand", D(20000), D(40000), None, None),
    ("20-40k", D(20000), D(40000), None, None),
    ("20 - 40k", D(20000), D(40000), None, None),
    ("20 to 40k", D(20000), D(40000), None, None),
    ("20k-40k", D(20000), D(40000), None, None),
    ("$20k–$40k per year", D(20000), D(40000), "USD", "year"),
    ("from 5 to 10 thousand euros", D(5000), D(10000), "EUR", None),
    ("5000-10000", D(5000), D(10000), None, None),
    ("500 - 1k", D(500), D(1000), None, None),
    ("about 15 grand", D(15000), None, None, None),
    ("fifteen grand", D(15000), None, None, None),
    ("a grand", D(1000), None, None, None),
    ("£10,000", D(10000), None, "GBP", None),
    ("10 quid", D(10), None, "GBP", None),
    ("10000 dollars", D(10000), None, "USD", None),
    ("10000 bucks", D(10000), None, "USD", None),
    ("50 thousand euros", D(50000), None, "EUR", None),
    ("fifty thousand euros", D(50000), None, "EUR", None),
    ("one hundred and fifty thousand dollars", D(150000), None, "USD", None),
    ("half a million", D(500000), None, None, None),
    ("CHF 5000", D(5000), None, "CHF", None),
    ("CHF 5'000 per month", D(5000), None, "CHF", "month"),
    ("10 000 €", D(10000), None, "EUR", None),
    ("around 240k/year", D(240000), None, None, "year"),
    ("our budget is roughly $50k per year", D(50000), None, "USD", "year"),
    ("Our budget is roughly $50K per year.", D(50000), None, "USD", "year"),
    ("we could do maybe 5k, one-off", D(5000), None, None, "one_time"),
    ("one-off 5k", D(5000), None, None, "one_time"),
    ("5k one time", D(5000), None, None, "one_time"),
    ("up to 100k total", D(100000), None, None, "one_time"),
    ("USD 25,000", D(25000), None, "USD", None),
    ("25000 usd", D(25000), None, "USD", None),
    ("C$40k", D(40000), None, "CAD", None),
    ("A$ 12k", D(12000), None, "AUD", None),
    ("¥5,000,000", D(5000000), None, "JPY", None),
    ("₹10 lakh", D(1000000), None, "INR", None),
    ("2000", D(2000), None, None, None),
    ("$12.50 per user per month", D("12.5"), None, "USD", "month"),
    ("we're 50 people, budget 10k", D(10000), None, None, None),
    ("budget for 2027 is 50k", D(50000), None, None, None),
    ("in 2027 about 3000", D(3000), None, None, None),
    ("not sure, maybe 20k", D(20000), None, None, None),
    ("the budget in euros is about 50k", D(50000), None, "EUR", None),
    ("30k a year, so 2.5k per month", D(30000), None, None, "year"),
    ("$1.2bn", D(1200000000), None, "USD", None),
    ("  $50k  ", D(50000), None, "USD", None),
    # spelled with a scale word, or "and a half" before a multiplier
    ("twelve hundred a month", D(1200), None, None, "month"),
    ("about five hundred dollars", D(500), None, "USD", None),
    ("three and a half grand a year", D(3500), None, None, "year"),
    ("1 and a half million rupees", D(1500000), None, "INR", None),
]


@pytest.mark.parametrize(("text", "amount", "amount_max", "currency", "period"), AMOUNTS)
def test_amounts(
    text: str,
    amount: Decimal,
    amount_max: Decimal | None,
    currency: str | None,
    period: str | None,
) -> None:
    assert parse_budget(text) == Budget(
        raw=text.strip(),
        status="amount",
        amount=amount,
        amount_max=amount_max,
        currency=currency,
        period=period,  # type: ignore[arg-type]
    )


NO_BUDGET = [
    "no budget",
    "No budget.",
    "we have no budget yet",
    "zero",
    "Zero.",
    "nothing allocated",
    "nothing",
    "nothing yet",
    "we don't have a budget",
    "we dont have any budget",
    "haven't got a budget",
    "no money",
    "none",
    "not budgeted",
    "0",
    "we're looking for something free",
]


@pytest.mark.parametrize("text", NO_BUDGET)
def test_no_budget(text: str) -> None:
    assert parse_budget(text) == Budget(raw=text.strip(), status="none", amount=D(0))


def test_zero_with_currency_keeps_currency() -> None:
    assert parse_budget("$0") == Budget(raw="$0", status="none", amount=D(0), currency="USD")


@pytest.mark.parametrize(
    ("text", "currency", "period"),
    [
        # any current currency by its English name (Babel's CLDR data), and two bare names
        ("120,000 Mexican pesos a year", "MXN", "year"),
        ("around 50k South African rand", "ZAR", None),
        ("about 40k rand", "ZAR", None),
        ("maybe 8k sterling", "GBP", None),
        ("3 million Hungarian forints", "HUF", None),
        ("10k singapore dollars per month", "SGD", "month"),
        # twelve months after an amount are its period
        ("about 6 grand for the first 12 months", None, "year"),
    ],
)
def test_currency_names_and_periods(text: str, currency: str | None, period: str | None) -> None:
    budget = parse_budget(text)
    assert budget is not None
    assert (budget.currency, budget.period) == (currency, period)


UNKNOWN = [
    "not sure",
    "Not sure yet",
    "no idea",
    "zero idea",
    "depends",
    "it depends on the features",
    "rather not say",
    "I'd rather not say",
    "prefer not to say",
    "tbd",
    "TBD",
    "don't know",
    "dunno",
    "idk",
    "confidential",
    "a lot",
    "big budget",
    "we have a decent budget",
    "small",
    "it's flexible",
    "no budget limit",
    "money is no object",
    "nothing decided yet",
    "thousands",
    "six figures",
    "a few grand",
]


@pytest.mark.parametrize("text", UNKNOWN)
def test_unknown(text: str) -> None:
    assert parse_budget(text) == Budget(raw=text.strip(), status="unknown")


NOTHING_SAID = [
    "",
    "   ",
    "asdf",
    "???",
    "why?",
    "hello",
    "we need 24/7 coverage",
    "b2b saas",
    "see you on 15.03.2027",
    "call me tomorrow",
    "two and a half",  # no multiplier: how many of what?
    "a hundred leads a month",
]


@pytest.mark.parametrize("text", NOTHING_SAID)
def test_no_budget_information(text: str) -> None:
    assert parse_budget(text) is None


# ---- properties --------------------------------------------------------------------

_NUMBER_WORDS = re.compile(
    r"zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|teen|twenty|thirty"
    r"|forty|fourty|fifty|sixty|seventy|eighty|ninety|hundred|thousand|million|billion|half|\ba\b",
    re.IGNORECASE,
)


@given(st.text(max_size=80))
def test_never_raises_and_never_invents_a_number(text: str) -> None:
    result = parse_budget(text)
    if result is None:
        return
    assert result.raw == text.strip()
    assert result.status in ("amount", "none", "unknown")
    if result.status == "unknown":
        assert result.amount is None
    if result.amount is not None and result.amount > 0:
        assert re.search(r"\d", text) or _NUMBER_WORDS.search(text)
    if result.amount_max is not None:
        assert result.amount is not None
        assert result.amount_max > result.amount


@given(st.text(alphabet="bcdfghjlnpqrstvwxz .,!?", max_size=40))
def test_text_without_digits_or_number_words_has_no_amount(text: str) -> None:
    result = parse_budget(text)
    assert result is None or result.amount is None


@given(
    n=st.integers(min_value=1, max_value=999),
    prefix=st.sampled_from([("$", "USD"), ("€", "EUR"), ("£", "GBP"), ("", None)]),
    suffix=st.sampled_from([("k", 1000), ("K", 1000), (" thousand", 1000), ("m", 10**6), ("", 1)]),
    filler=st.sampled_from(["{}", "about {}", "our budget is {}", "roughly {} tops"]),
)
def test_composed_figures_read_exactly(
    n: int, prefix: tuple[str, str | None], suffix: tuple[str, int], filler: str
) -> None:
    text = filler.format(f"{prefix[0]}{n}{suffix[0]}")
    result = parse_budget(text)
    assert result is not None
    assert result.amount == n * suffix[1]
    assert result.currency == prefix[1]


@pytest.mark.parametrize(
    ("text", "status", "amount", "currency"),
    [
        ("Ha, the million-dollar question. Honestly 100k EUR one-time", "amount", 100000, "EUR"),
        ("the million-dollar question, honestly 0 euros for now", "none", 0, "EUR"),
        ("a 50,000-dollar budget", "amount", 50000, "USD"),
    ],
)
def test_a_figure_that_only_qualifies_a_noun_is_no_amount(
    text: str, status: str, amount: int, currency: str
) -> None:
    """'The million-dollar question' is an idiom in a chatty answer; the amount said after
    it is the budget. A compound figure is read only before the word budget."""
    budget = parse_budget(text)
    assert budget is not None
    assert (budget.status, budget.amount, budget.currency) == (status, Decimal(amount), currency)


@pytest.mark.parametrize(
    "text",
    [
        "Ha, the million-dollar question. Honestly we haven't set one, give or take.",
        "we haven't set one",
        "we havent agreed one yet",
        "finance has not yet allocated anything",
    ],
)
def test_a_budget_not_set_yet_is_unknown(text: str) -> None:
    """No amount said (the idiom's million is none): a budget to come, not a made-up one."""
    budget = parse_budget(text)
    assert budget is not None
    assert (budget.status, budget.amount) == ("unknown", None)


def test_a_figure_beyond_decimal_precision_is_read_without_raising() -> None:
    """29 digits (found by hypothesis): quantizing it raised InvalidOperation."""
    budget = parse_budget("10000000000000000000000000000")
    assert budget is not None
    assert budget.amount == Decimal("10000000000000000000000000000")


@pytest.mark.parametrize(
    ("text", "amount", "currency", "period"),
    [
        ("5 lakh a month", D(500000), "INR", "month"),
        ("around 3 lacs yearly", D(300000), "INR", "year"),
        ("1 crore total", D(10000000), "INR", "one_time"),
        ("10 lakh dollars", D(1000000), "USD", None),  # a said currency wins
    ],
)
def test_lakhs_and_crores_are_rupees(
    text: str, amount: Decimal, currency: str, period: str | None
) -> None:
    """Only rupees are counted in lakhs and crores: the figure keeps its currency."""
    budget = parse_budget(text)
    assert budget is not None
    assert (budget.amount, budget.currency, budget.period) == (amount, currency, period)


@pytest.mark.parametrize(
    ("text", "currency"),
    [
        ("about 5 million won", "KRW"),
        ("KRW 4,000,000 per year", "KRW"),
        ("₩900,000", "KRW"),
        ("45 000 czk", "CZK"),
        ("20k koruna", "CZK"),
        ("300k forint", "HUF"),
        ("THB 40,000", "THB"),
        ("90k baht", "THB"),
        ("8000 ringgit", "MYR"),
        ("2 million naira", "NGN"),
        ("15k lei", "RON"),
    ],
)
def test_currencies_the_tables_do_not_list_keep_their_code(text: str, currency: str) -> None:
    """Any currency in use today, by ISO code, symbol or short name beside the figure."""
    budget = parse_budget(text)
    assert budget is not None
    assert budget.currency == currency


def test_a_short_currency_name_away_from_a_figure_is_no_currency() -> None:
    """'won' is a verb away from a figure; 'try' and 'all' are never currencies."""
    for text in ("we won a big client, so 10k", "try 10k", "all 10k"):
        budget = parse_budget(text)
        assert budget is not None
        assert (budget.amount, budget.currency) == (D(10000), None)


@pytest.mark.parametrize(
    "text",
    [
        "GBP 3k, one payment",
        "7k paid in one go",
        "a single fee of 2k",
        "4k, non-recurring",
        "€9k once-off",
    ],
)
def test_one_time_payments(text: str) -> None:
    budget = parse_budget(text)
    assert budget is not None
    assert budget.period == "one_time"


@pytest.mark.parametrize(
    ("text", "period"),
    [("600 € par mois", "month"), ("10k pro Jahr", "year"), ("800 por mes", "month")],
)
def test_periods_said_in_other_languages(text: str, period: str) -> None:
    budget = parse_budget(text)
    assert budget is not None
    assert budget.period == period


@pytest.mark.parametrize(
    "text",
    [
        "it hinges on a hundred factors",
        "we get 3,000 of them every week",
        "hard to say, there are twenty options on the table",
    ],
)
def test_a_bare_figure_that_counts_a_noun_is_no_amount(text: str) -> None:
    """A number with no currency or multiplier before a plural noun counts that noun."""
    budget = parse_budget(text)
    assert budget is None or budget.status == "unknown"


@pytest.mark.parametrize("text", ["3000 pesos", "2000 tops", "5000 francs"])
def test_a_bare_figure_before_a_money_word_is_still_an_amount(text: str) -> None:
    budget = parse_budget(text)
    assert budget is not None
    assert budget.status == "amount"


@pytest.mark.parametrize(
    "text",
    [
        "nothing crazy, we'd like to see prices first",
        "Nothing too fancy, I have no figure yet",
        "I want your quote first",
    ],
)
def test_a_modest_budget_without_a_figure_is_unknown_not_none(text: str) -> None:
    """'Nothing crazy' says the budget is modest, not that there is none."""
    budget = parse_budget(text)
    assert budget is not None
    assert budget.status == "unknown"


def test_a_bare_hundred_is_a_fragment_not_an_amount() -> None:
    """'hundred a month' is what is left of 'forty five hundred a month' cut short."""
    assert parse_budget("hundred a month") is None
    budget = parse_budget("a hundred a month")
    assert budget is not None
    assert budget.amount == D(100)
