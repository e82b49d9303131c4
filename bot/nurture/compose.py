"""One nurture email as an `EmailMessage`: rendered templates plus the headers mail needs.

Every message carries RFC 8058 one-click unsubscribe (`List-Unsubscribe` with an https URL
and a mailto, and `List-Unsubscribe-Post: List-Unsubscribe=One-Click`), a stable
`Message-ID`, a `Date`, a plain-text part and an HTML part. Visitor-given values are
escaped in the HTML part (autoescaping), so a visitor named `<script>` is shown as text.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr
from typing import Any
from urllib.parse import quote

from markupsafe import Markup, escape

from bot.leads.models import Lead
from bot.nurture.sequences import NurtureSequence, Step

ONE_CLICK = "List-Unsubscribe=One-Click"
# Lines up to RFC 5322's hard limit of 998: with the usual 78, Python folds a long header
# that has no space to break at (List-Unsubscribe's URL) into RFC 2047 encoded words, which
# mail clients do not decode in List-Unsubscribe, and one-click unsubscribe would break.
WIRE_POLICY = policy.SMTP.clone(max_line_length=998)
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


def lead_fields(lead: Lead, weakest: str | None) -> dict[str, Any]:
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
) -> EmailMessage:
    message = EmailMessage(policy=WIRE_POLICY)
    message["From"] = mail_from
    local, _, domain = to_email.rpartition("@")
    message["To"] = Address(
        display_name=_NEWLINES.sub(" ", to_name or ""), username=local, domain=domain
    )
    message["Subject"] = subject
    message["Date"] = format_datetime(now)
    message["Message-ID"] = message_id
    message["List-Unsubscribe"] = f"<{links.unsubscribe_url}>, <{links.unsubscribe_mailto}>"
    message["List-Unsubscribe-Post"] = ONE_CLICK
    message.set_content(text)
    message.add_alternative(
        f"<!doctype html>\n<html><body>\n{html}\n</body></html>\n", subtype="html"
    )
    return message


def make_links(public_url: str, booking_url: str, token: str, mail_from: str) -> Links:
    address = parseaddr(mail_from)[1] or f"unsubscribe@{sender_domain(mail_from)}"
    return Links(
        booking_url=booking_url,
        unsubscribe_url=f"{public_url.rstrip('/')}/nurture/unsubscribe/{token}",
        unsubscribe_mailto=f"mailto:{address}?subject={quote('unsubscribe ' + token)}",
    )
