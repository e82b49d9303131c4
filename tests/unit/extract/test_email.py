"""check_email: extraction from a sentence, syntax, free-mail and disposable domains."""

from __future__ import annotations

import re

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from bot.extract.email import check_email, disposable_domains, find_address, free_domains
from bot.facts import EmailCheck

OK = [
    # text, normalized, domain
    ("jane@acme.io", "jane@acme.io", "acme.io"),
    ("sure, it's Jane.Doe@Acme.io thanks", "jane.doe@acme.io", "acme.io"),
    ("JANE@ACME.IO", "jane@acme.io", "acme.io"),
    ("my email is bob+leads@sub.acme.co.uk.", "bob+leads@sub.acme.co.uk", "sub.acme.co.uk"),
    ("<jane@acme.io>", "jane@acme.io", "acme.io"),
    ("(jane@acme.io)", "jane@acme.io", "acme.io"),
    ("mailto:jane@acme.io", "jane@acme.io", "acme.io"),
    ("jane@acme.io!", "jane@acme.io", "acme.io"),
    ("jane [at] acme [dot] io", "jane@acme.io", "acme.io"),
    ("jane at acme dot io", "jane@acme.io", "acme.io"),
    ("jane@münchen.de", "jane@münchen.de", "münchen.de"),
    ("jane@acme.io, bob@acme.io", "jane@acme.io", "acme.io"),
    ("bob@live.acme.com", "bob@live.acme.com", "live.acme.com"),
    ("bob@gmail.acme.com", "bob@gmail.acme.com", "gmail.acme.com"),
]


@pytest.mark.parametrize(("text", "normalized", "domain"), OK)
def test_business_addresses(text: str, normalized: str, domain: str) -> None:
    assert check_email(text) == EmailCheck(
        raw=text.strip(), status="ok", normalized=normalized, domain=domain
    )


FREE = [
    ("jane@gmail.com", "gmail.com"),
    ("Jane@GMAIL.com", "gmail.com"),
    ("jane@googlemail.com", "googlemail.com"),
    ("jane@yahoo.com", "yahoo.com"),
    ("jane@yahoo.co.uk", "yahoo.co.uk"),
    ("jane@yahoo.com.br", "yahoo.com.br"),
    ("jane@hotmail.com", "hotmail.com"),
    ("jane@hotmail.fr", "hotmail.fr"),
    ("jane@outlook.com", "outlook.com"),
    ("jane@outlook.de", "outlook.de"),
    ("jane@live.com", "live.com"),
    ("jane@icloud.com", "icloud.com"),
    ("jane@me.com", "me.com"),
    ("jane@aol.com", "aol.com"),
    ("jane@proton.me", "proton.me"),
    ("jane@protonmail.com", "protonmail.com"),
    ("jane@gmx.de", "gmx.de"),
    ("jane@gmx.net", "gmx.net"),
    ("jane@mail.ru", "mail.ru"),
    ("jane@yandex.ru", "yandex.ru"),
    ("jane@zoho.com", "zoho.com"),
    ("jane@web.de", "web.de"),
]


@pytest.mark.parametrize(("text", "domain"), FREE)
def test_free_mail(text: str, domain: str) -> None:
    result = check_email(text)
    assert result.status == "free"
    assert result.domain == domain
    assert result.normalized == text.lower()
    assert result.acceptable


DISPOSABLE = [
    "x@mailinator.com",
    "x@10minutemail.com",
    "x@guerrillamail.com",
    "x@tempmail.com",
    "x@temp-mail.org",
    "x@yopmail.com",
    "x@trashmail.com",
    "x@sharklasers.com",
    "x@getnada.com",
    "x@dispostable.com",
    "x@throwawaymail.com",
    "x@maildrop.cc",
    "x@sub.mailinator.com",
    "X@MAILINATOR.COM",
]


@pytest.mark.parametrize("text", DISPOSABLE)
def test_disposable(text: str) -> None:
    result = check_email(text)
    domain = text.split("@")[1].lower()
    assert result == EmailCheck(
        raw=text,
        status="disposable",
        normalized=text.lower(),
        domain=domain,
        reason=f"{domain} is a throw-away inbox service.",
    )
    assert not result.acceptable


INVALID = [
    ("", "There is no email address in this (it should look like name@company.com)."),
    ("nope", "There is no email address in this (it should look like name@company.com)."),
    ("@", "There is no email address in this (it should look like name@company.com)."),
    ("jane@acme", "The part after the @-sign is not valid. It should have a period."),
    ("a..b@acme.io", "An email address cannot have two periods in a row."),
    ("jane@@acme.io", "The part after the @-sign contains invalid characters: '@'."),
    (
        "jane@acme.test",
        "The part after the @-sign is a special-use or reserved name that cannot be used "
        "with email.",
    ),
    ("test@example.com", "example.com is a placeholder domain, not a real mailbox."),
]


@pytest.mark.parametrize(("text", "reason"), INVALID)
def test_invalid(text: str, reason: str) -> None:
    result = check_email(text)
    assert result.status == "invalid"
    assert result.reason == reason
    assert not result.acceptable


def test_domain_lists_are_data_files_of_reasonable_size() -> None:
    assert len(disposable_domains()) >= 50
    assert "gmail.com" in free_domains()
    assert not free_domains() & disposable_domains()


# ---- properties --------------------------------------------------------------------


@given(st.text(max_size=80))
def test_never_raises(text: str) -> None:
    result = check_email(text)
    assert result.raw == text.strip()
    if result.status == "invalid":
        assert result.reason
    else:
        assert result.normalized is not None
        assert result.domain == result.normalized.rsplit("@", 1)[1]


@given(st.emails())
def test_found_inside_a_sentence_like_alone(address: str) -> None:
    assume(re.fullmatch(r"[\w.+-]+@[\w.-]+", address))
    alone = check_email(address)
    in_sentence = check_email(f"sure, it's {address} thanks")
    assert in_sentence.status == alone.status
    assert in_sentence.normalized == alone.normalized


@pytest.mark.parametrize(
    ("text", "address"),
    [
        ("Best to write to omar dot haddad at medinaclinic dot ae.", "omar.haddad@medinaclinic.ae"),
        ("drop me a line at omar dot haddad at medinaclinic dot ae", "omar.haddad@medinaclinic.ae"),
        ("jane at acme dot co dot uk", "jane@acme.co.uk"),
    ],
)
def test_spelled_out_addresses_with_dots_in_the_name(text: str, address: str) -> None:
    assert find_address(text) == address
