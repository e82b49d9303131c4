"""One nurture email, as the bytes that go on the wire: rendered templates plus headers.

Every message carries RFC 8058 one-click unsubscribe (`List-Unsubscribe` with an https URL
and a mailto, and `List-Unsubscribe-Post: List-Unsubscribe=One-Click`), a stable
`Message-ID`, a `Date`, a plain-text part and an HTML part. Visitor-given values are
escaped in the HTML part (autoescaping), so a visitor named `<script>` is shown as text.
"""

from __future__ import annotations

import binascii
import functools
import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from email.header import Header
from email.utils import format_datetime, formataddr, parseaddr
from typing import Any, Protocol
from urllib.parse import quote

from markupsafe import Markup, escape

from bot.nurture.sequences import NurtureSequence, Step

ONE_CLICK = "List-Unsubscribe=One-Click"
# List-Unsubscribe goes out on one line (up to RFC 5322's limit of 998): folded or turned
# into RFC 2047 encoded words, mail clients would not read it and one-click would break.
_LINE_END = re.compile(r"\r\n?")
_URL = re.compile(r"https?://[^\s<>\"']+")
_NEWLINES = re.compile(r"[\r\n]+")


def sender_domain(mail_from: str) -> str:
    address = parseaddr(mail_from)[1]
    return address.rpartition("@")[2] or "localhost"


def new_message_id(enrollment_id: int, step_key: str, mail_from: str) -> str:
    """A Message-ID fixed when the step is planned: every attempt at the step reuses it."""
    return (
        f"<nurture.{enrollment_id}.{step_key}.{uuid.uuid4().hex[:16]}@{sender_domain(mail_from)}>"
    )


# The lead's columns the templates' fields come from, and the stop rules' (email, meeting).
LEAD_FACTS = (
    "name", "email", "company", "need_summary", "need_raw", "budget_raw", "authority_role",
    "authority_raw", "timeline_raw", "score", "grade", "route", "breakdown", "meeting",
)  # fmt: skip


class LeadFacts(Protocol):
    """A `Lead`, or a row of its LEAD_FACTS columns (the send loop reads plain rows)."""

    name: str | None
    email: str | None
    company: str | None
    need_summary: str | None
    need_raw: str | None
    budget_raw: str | None
    authority_role: str | None
    authority_raw: str | None
    timeline_raw: str | None
    score: int | None
    grade: str | None
    route: str | None
    breakdown: list[Any] | None


def lead_fields(lead: LeadFacts, weakest: str | None) -> dict[str, Any]:
    """What templates see as `lead.*` (bot.nurture.sequences.LEAD_FIELDS)."""
    name = (lead.name or "").strip()
    return {
        "first_name": name.split()[0] if name else "",
        "name": name,
        "email": lead.email or "",
        "company": lead.company or "",
        "need": lead.need_summary or lead.need_raw or "",
        "budget": lead.budget_raw or "",
        "authority": lead.authority_role or lead.authority_raw or "",
        "timeline": lead.timeline_raw or "",
        "score": lead.score,
        "grade": lead.grade or "",
        "route": lead.route or "",
        "weakest": weakest or "",
        "breakdown": list(lead.breakdown or []),
    }


@dataclass(frozen=True)
class Links:
    booking_url: str
    unsubscribe_url: str  # https, one-click (POST) and confirm page (GET)
    unsubscribe_mailto: str  # mailto:...?subject=unsubscribe%20<token>


def render(
    sequence: NurtureSequence, step: Step, fields: Mapping[str, Any], links: Links, sender_name: str
) -> tuple[str, str, str]:
    """(subject, text, html) of one step for one lead."""
    context = {
        "lead": fields,
        "booking_url": links.booking_url,
        "unsubscribe_url": links.unsubscribe_url,
        "sender_name": sender_name,
        "sequence": sequence.name,
    }
    subject = _NEWLINES.sub(" ", step.subject.render(context)).strip()
    text = step.text.render(context).rstrip() + "\n"
    html = step.html.render(context) if step.html is not None else _text_as_html(text)
    footer_text = f"\n--\nDon't want these emails? Unsubscribe: {links.unsubscribe_url}\n"
    footer_html = Markup(
        '<p style="color:#666;font-size:12px">Don\'t want these emails? '
        '<a href="{0}">Unsubscribe</a>.</p>'
    ).format(links.unsubscribe_url)
    return subject, text + footer_text, f"{html}\n{footer_html}"


def _text_as_html(text: str) -> str:
    """Plain text as escaped HTML paragraphs, with its links clickable."""
    paragraphs = [p for p in re.split(r"\n\s*\n", text.strip()) if p.strip()]
    out = []
    for paragraph in paragraphs:
        escaped = str(escape(paragraph))
        linked = _URL.sub(lambda m: f'<a href="{m.group(0)}">{m.group(0)}</a>', escaped)
        out.append("<p>" + linked.replace("\n", "<br>\n") + "</p>")
    return "\n".join(out)


def build_message(
    *,
    subject: str,
    text: str,
    html: str,
    to_email: str,
    to_name: str | None,
    mail_from: str,
    message_id: str,
    links: Links,
    now: datetime,
) -> bytes:
    """The message as it goes on the wire (CRLF line ends; the transport dot-stuffs it).

    Written directly rather than through `email.message.EmailMessage`, which took ~4 ms
    per message here (its header objects are parsed and refolded twice): at hundreds of
    emails a second that was the sender's largest cost. Bodies are quoted-printable
    UTF-8 (the C `binascii` codec), headers with non-ASCII text RFC 2047 encoded words;
    the tests read every message back with the standard parser.
    """
    boundary = f"=_lb_{uuid.uuid4().hex}"
    lines = [
        f"From: {_from_header(mail_from)}",
        f"To: {_address_header(to_name, to_email)}",
        f"Subject: {_text_header('Subject', subject)}",
        f"Date: {format_datetime(now)}",
        f"Message-ID: {message_id}",
        f"List-Unsubscribe: <{links.unsubscribe_url}>, <{links.unsubscribe_mailto}>",
        f"List-Unsubscribe-Post: {ONE_CLICK}",
        "MIME-Version: 1.0",
        f'Content-Type: multipart/alternative; boundary="{boundary}"',
        "",
        "",
    ]
    html_document = f"<!doctype html>\n<html><body>\n{html}\n</body></html>\n"
    # A delimiter starts with the line break before it (RFC 2046): each part's own last
    # line break is its content's.
    return b"".join(
        (
            "\r\n".join(lines).encode("ascii"),
            f"--{boundary}\r\n".encode(),
            _text_part("plain", text),
            f"\r\n--{boundary}\r\n".encode(),
            _text_part("html", html_document),
            f"\r\n--{boundary}--\r\n".encode(),
        )
    )


def _text_part(subtype: str, content: str) -> bytes:
    head = (
        f'Content-Type: text/{subtype}; charset="utf-8"\r\n'
        "Content-Transfer-Encoding: quoted-printable\r\n\r\n"
    )
    body = _LINE_END.sub("\n", content)
    if not body.endswith("\n"):
        body += "\n"
    encoded = binascii.b2a_qp(body.encode("utf-8"), istext=True).replace(b"\n", b"\r\n")
    return head.encode("ascii") + encoded


@functools.lru_cache(maxsize=8)
def _from_header(mail_from: str) -> str:
    name, address = parseaddr(mail_from)
    return _address_header(name, address or mail_from)


def _address_header(name: str | None, address: str) -> str:
    """`Name <local@domain>`, the name quoted or encoded as needed, an IDN domain in
    ASCII (punycode). A non-ASCII local part needs SMTPUTF8: ValueError."""
    local, _, domain = address.rpartition("@")
    if not local.isascii():
        raise ValueError("a non-ASCII mailbox name needs SMTPUTF8, which is not supported")
    ascii_address = f"{local}@{domain.encode('idna').decode('ascii')}"
    display = _NEWLINES.sub(" ", name or "").strip()
    return formataddr((display, ascii_address), charset="utf-8")


def _text_header(name: str, value: str) -> str:
    """Unstructured text (Subject) read back exactly as given: as is when it is plain ASCII
    that fits a 78-column line, else RFC 2047 encoded words (which fold without changing it)."""
    value = _NEWLINES.sub(" ", value)
    if value.isascii() and "=?" not in value and len(name) + 2 + len(value) <= 78:
        return value
    return Header(value, "utf-8", header_name=name).encode(linesep="\r\n")


def envelope_address(address: str) -> str:
    """The address as it goes into RCPT TO: the domain in ASCII (punycode)."""
    local, _, domain = address.rpartition("@")
    return f"{local}@{domain.encode('idna').decode('ascii')}"


def make_links(public_url: str, booking_url: str, token: str, mail_from: str) -> Links:
    address = _unsubscribe_mailbox(mail_from)
    return Links(
        booking_url=booking_url,
        unsubscribe_url=f"{public_url.rstrip('/')}/nurture/unsubscribe/{token}",
        unsubscribe_mailto=f"mailto:{address}?subject={quote('unsubscribe ' + token)}",
    )


@functools.lru_cache(maxsize=8)
def _unsubscribe_mailbox(mail_from: str) -> str:
    return parseaddr(mail_from)[1] or f"unsubscribe@{sender_domain(mail_from)}"
