"""The email itself: headers for RFC 8058 one-click unsubscribe, both parts, escaping."""

from __future__ import annotations

from datetime import datetime, timezone
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.leads.models import Lead
from bot.nurture.compose import build_message, lead_fields, make_links, new_message_id, render
from bot.nurture.sequences import load_sequences
from bot.settings import ROOT

BOOK = load_sequences(ROOT / "sequences.yml")
NOW = datetime(2027, 1, 12, 15, 0, tzinfo=timezone.utc)
MAIL_FROM = "Acme Sales <sales@acme.example>"


def _raw(name: str, company: str = "Initech", to: str = "visitor@example.org") -> bytes:
    lead = Lead(name=name, email=to, company=company, breakdown=[])
    sequence = BOOK.get("pricing_and_roi")
    links = make_links(
        "https://bot.acme.example", "https://bot.acme.example/book", "TOKEN.abc", MAIL_FROM
    )
    subject, text, html = render(
        sequence, sequence.steps[0], lead_fields(lead, "budget"), links, "Acme"
    )
    return build_message(
        subject=subject, text=text, html=html, to_email=to, to_name=name,
        mail_from=MAIL_FROM, message_id=new_message_id(7, "welcome", MAIL_FROM), links=links,
        now=NOW,
    )  # fmt: skip


def _parsed(raw: bytes) -> EmailMessage:
    parsed = message_from_bytes(raw, policy=policy.default)
    assert isinstance(parsed, EmailMessage)
    assert parsed.defects == []
    return parsed


def _email(name: str, company: str = "Initech") -> EmailMessage:
    raw = _raw(name, company)
    # What a mail server receives: the one-click header must be there verbatim (a mail
    # client does not decode RFC 2047 encoded words in List-Unsubscribe).
    assert b"\r\nList-Unsubscribe: <https://" in raw
    assert b"=?utf-8?q?=3Chttps" not in raw
    assert b"\n" not in raw.replace(b"\r\n", b"")  # CRLF only, as SMTP wants it
    assert max(len(line) for line in raw.split(b"\r\n")) <= 998
    return _parsed(raw)


def test_rfc_8058_headers_message_id_date_and_sender() -> None:
    email = _email("Sophie Laurent")
    assert email["List-Unsubscribe"] == (
        "<https://bot.acme.example/nurture/unsubscribe/TOKEN.abc>, "
        "<mailto:sales@acme.example?subject=unsubscribe%20TOKEN.abc>"
    )
    assert email["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert email["Message-ID"].startswith("<nurture.7.welcome.")
    assert email["Message-ID"].endswith("@acme.example>")
    assert email["Date"] == "Tue, 12 Jan 2027 15:00:00 +0000"
    assert email["From"] == MAIL_FROM
    assert email["To"] == "Sophie Laurent <visitor@example.org>"


def test_plain_text_and_html_parts_with_the_booking_link_and_unsubscribe_footer() -> None:
    email = _email("Sophie Laurent")
    text = email.get_body(("plain",))
    html = email.get_body(("html",))
    assert text is not None
    assert html is not None
    plain = text.get_content()
    assert plain.startswith("Hi Sophie,")
    assert "about Initech" in plain
    assert "https://bot.acme.example/book" in plain
    assert "Unsubscribe: https://bot.acme.example/nurture/unsubscribe/TOKEN.abc" in plain
    markup = html.get_content()
    assert '<a href="https://bot.acme.example/book">' in markup
    assert (
        '<a href="https://bot.acme.example/nurture/unsubscribe/TOKEN.abc">Unsubscribe</a>' in markup
    )


def test_a_visitor_named_script_is_shown_as_text_never_as_markup() -> None:
    email = _email("<script>alert(1)</script>", company='"><img src=x onerror=alert(1)>')
    html = email.get_body(("html",))
    assert html is not None
    markup = html.get_content()
    assert "<script>" not in markup
    assert "<img" not in markup
    assert "Hi &lt;script&gt;alert(1)&lt;/script&gt;," in markup
    assert "&#34;&gt;&lt;img src=x onerror=alert(1)&gt;" in markup
    plain = email.get_body(("plain",))
    assert plain is not None
    assert "Hi <script>alert(1)</script>," in plain.get_content()


def test_a_header_injection_attempt_stays_in_its_header() -> None:
    email = _email("Eve\r\nBcc: victim@example.com")
    assert email["Bcc"] is None
    assert "victim@example.com" in str(email["To"])


def test_non_ascii_names_subjects_and_domains_are_encoded_and_read_back_as_typed() -> None:
    email = _parsed(_raw("Zoë Ørsted-Łukasz", company="Müller & Söhne", to="zoe@bücher.example"))
    assert email["To"].addresses[0].display_name == "Zoë Ørsted-Łukasz"
    assert email["To"].addresses[0].addr_spec == "zoe@xn--bcher-kva.example"
    text = email.get_body(("plain",))
    assert text is not None
    assert "Müller & Söhne" in text.get_content()


@pytest.mark.parametrize(
    "subject",
    [
        "Plain",
        "Überraschung für Zoë: " + "sehr lang " * 20,
        "=?utf-8?q?looks_encoded?=",
        "x" * 300,
        "Tabs\tand  two  spaces ",
    ],
)
def test_any_subject_reads_back_exactly(subject: str) -> None:
    links = make_links("https://b.example", "https://b.example/book", "T", MAIL_FROM)
    raw = build_message(
        subject=subject, text="Hi\n", html="<p>Hi</p>", to_email="a@b.example", to_name=None,
        mail_from=MAIL_FROM, message_id="<m@b.example>", links=links, now=NOW,
    )  # fmt: skip
    assert _parsed(raw)["Subject"] == subject


@settings(max_examples=200, deadline=None)
@given(text=st.text(st.characters(blacklist_categories=("Cs",)), max_size=400))
def test_any_body_text_reads_back_exactly(text: str) -> None:
    links = make_links("https://b.example", "https://b.example/book", "T", MAIL_FROM)
    raw = build_message(
        subject="s", text=text, html=text, to_email="a@b.example", to_name="A",
        mail_from=MAIL_FROM, message_id="<m@b.example>", links=links, now=NOW,
    )  # fmt: skip
    email = _parsed(raw)
    plain = email.get_body(("plain",))
    assert plain is not None
    expected = text.replace("\r\n", "\n").replace("\r", "\n")
    received = plain.get_content().replace("\r\n", "\n")  # CRLF on the wire
    assert received == (expected if expected.endswith("\n") else expected + "\n")
