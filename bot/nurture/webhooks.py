"""What mail providers post back: bounces, complaints and replies, as plain events.

`bounce_events` reads the common shapes (Amazon SES, directly or inside an SNS envelope;
Postmark; SendGrid's event list; Mailgun's event-data); `reply_sender` reads inbound-mail
payloads (Postmark's JSON, SendGrid / Mailgun form fields). Soft bounces are not events:
the address stays. Every webhook body is signed: HMAC-SHA256 with LEADBOT_WEBHOOK_SECRET,
hex, in `X-Leadbot-Signature: sha256=<hex>` (relay it from the provider, or let the
provider sign if it can be told to).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from email.utils import parseaddr
from typing import Any, Literal

SIGNATURE_HEADER = "X-Leadbot-Signature"
_UNSUBSCRIBE_SUBJECT = re.compile(r"^\s*unsubscribe\s+(\S+)", re.IGNORECASE)


def sign(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def signature_ok(secret: str, body: bytes, given: str | None) -> bool:
    return given is not None and hmac.compare_digest(sign(secret, body), given.strip())


@dataclass(frozen=True)
class BounceEvent:
    email: str
    kind: Literal["bounced", "complained"]
    detail: str


def bounce_events(payload: Any) -> list[BounceEvent]:
    """Hard bounces and complaints in a provider's payload (unknown shapes: none)."""
    return list(_events(payload))


def _events(payload: Any) -> Iterator[BounceEvent]:
    if isinstance(payload, list):  # SendGrid posts a list of events
        for item in payload:
            yield from _events(item)
        return
    if not isinstance(payload, Mapping):
        return
    if payload.get("Type") == "Notification" and isinstance(payload.get("Message"), str):
        try:  # SES through SNS: the notification is JSON inside the envelope
            inner = json.loads(payload["Message"])
        except ValueError:
            return
        yield from _events(inner)
        return
    kind = payload.get("notificationType") or payload.get("eventType")
    if kind == "Bounce" and isinstance(payload.get("bounce"), Mapping):  # SES
        bounce = payload["bounce"]
        if bounce.get("bounceType") == "Permanent":
            for recipient in bounce.get("bouncedRecipients") or []:
                yield BounceEvent(str(recipient.get("emailAddress")), "bounced", "ses: permanent")
        return
    if kind == "Complaint" and isinstance(payload.get("complaint"), Mapping):  # SES
        for recipient in payload["complaint"].get("complainedRecipients") or []:
            yield BounceEvent(str(recipient.get("emailAddress")), "complained", "ses: complaint")
        return
    record = payload.get("RecordType")  # Postmark
    if record == "Bounce" and payload.get("Type") in (
        "HardBounce",
        "BadEmailAddress",
        "ManuallyDeactivated",
    ):
        yield BounceEvent(str(payload.get("Email")), "bounced", f"postmark: {payload.get('Type')}")
        return
    if record == "SpamComplaint":
        yield BounceEvent(str(payload.get("Email")), "complained", "postmark: spam complaint")
        return
    event = payload.get("event")  # SendGrid
    if event == "bounce" and payload.get("type", "bounce") == "bounce":
        yield BounceEvent(
            str(payload.get("email")), "bounced", f"sendgrid: {payload.get('reason', '')}"[:500]
        )
        return
    if event == "spamreport":
        yield BounceEvent(str(payload.get("email")), "complained", "sendgrid: spam report")
        return
    data = payload.get("event-data")  # Mailgun
    if isinstance(data, Mapping):
        if data.get("event") == "failed" and data.get("severity") == "permanent":
            yield BounceEvent(str(data.get("recipient")), "bounced", "mailgun: permanent failure")
        elif data.get("event") == "complained":
            yield BounceEvent(str(data.get("recipient")), "complained", "mailgun: complaint")


@dataclass(frozen=True)
class InboundMail:
    sender: str  # the address that wrote to us
    subject: str

    @property
    def unsubscribe_token(self) -> str | None:
        """The token of our List-Unsubscribe mailto (subject "unsubscribe <token>")."""
        match = _UNSUBSCRIBE_SUBJECT.match(self.subject)
        return match.group(1) if match else None


def inbound_mail(payload: Mapping[str, Any]) -> InboundMail | None:
    """The sender and subject of an inbound email (Postmark JSON, SendGrid / Mailgun forms)."""
    full = payload.get("FromFull")
    candidates = [
        full.get("Email") if isinstance(full, Mapping) else None,
        payload.get("From"),
        payload.get("sender"),
        payload.get("from"),
    ]
    for candidate in candidates:
        if isinstance(candidate, str) and "@" in candidate:
            address = parseaddr(candidate)[1]
            if "@" in address:
                subject = payload.get("Subject") or payload.get("subject") or ""
                return InboundMail(sender=address, subject=str(subject)[:1000])
    return None
