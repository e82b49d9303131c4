"""Email notifications: to the rep (the event, the ICS attached), the visitor's invite,
and the operator's alert for a message that could not be delivered.

Built as `email.message.EmailMessage` and handed to bot.mail's transport (SMTP, or an .eml
file under var/mail/ when SMTP_URL is unset). The Message-ID comes from the outbox row's
idempotency key: a retry after a lost reply is the same message, never a second one.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime
from typing import Any

from bot.handoff.ics import Invite, build_ics
from bot.mail.transport import MailTransport, PermanentMailError, TemporaryMailError
from bot.notify.errors import PermanentDeliveryError, TemporaryDeliveryError
from bot.notify.text import EVENT_TITLES, breakdown_lines, format_in_zone, parse_instant, who


def message_id(key: str) -> str:
    return f"<{hashlib.sha256(key.encode()).hexdigest()[:40]}@leadbot>"


def invite_for(payload: dict[str, Any]) -> Invite | None:
    """The calendar invite an event carries (a meeting event), else None."""
    meeting = payload.get("meeting")
    if not meeting or payload["type"] not in ("meeting.booked", "meeting.cancelled"):
        return None
    rep, lead = payload["rep"], payload["lead"]
    cancelled = payload["type"] == "meeting.cancelled"
    return Invite(
        meeting_id=str(meeting["id"]),
        start=parse_instant(str(meeting["start"])),
        end=parse_instant(str(meeting["end"])),
        summary=f"{lead.get('company') or lead.get('name') or 'Visitor'} <> {rep['name']}",
        description=(
            f"Call with {who(lead)} and {rep['name']}.\n"
            + (f"Change or cancel: {payload['manage_url']}\n" if payload.get("manage_url") else "")
        ),
        organizer_name=str(rep["name"]),
        organizer_email=str(rep["email"]),
        attendee_name=lead.get("name"),
        attendee_email=lead.get("email"),
        url=payload.get("manage_url"),
        method="CANCEL" if cancelled else "REQUEST",
        sequence=1 if cancelled else 0,
    )


def _base(sender: str, to: str, subject: str, key: str, now: datetime) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = format_datetime(now)
    message["Message-ID"] = message_id(key)
    message["Auto-Submitted"] = "auto-generated"
    return message


def _attach_invite(message: EmailMessage, invite: Invite, now: datetime) -> None:
    message.add_attachment(
        build_ics(invite, stamp=now),
        maintype="text",
        subtype="calendar",
        filename="invite.ics",
        params={"method": invite.method},
    )


def rep_email(
    payload: dict[str, Any], *, to: str, sender: str, key: str, now: datetime
) -> EmailMessage:
    lead, rep = payload["lead"], payload["rep"]
    title = EVENT_TITLES.get(str(payload["type"]), str(payload["type"]))
    urgent = "URGENT " if payload.get("urgent") else ""
    lines = [
        f"{title}: {who(lead)}",
        f"Email: {lead.get('email') or 'not given'}",
        f"Score: grade {lead.get('grade') or '-'}, {lead.get('score', '-')}/100",
    ]
    meeting = payload.get("meeting")
    if meeting:
        start = parse_instant(str(meeting["start"]))
        lines.append(f"Meeting: {format_in_zone(start, str(rep['time_zone']))}")
    source = (lead.get("source") or {}).get("page_url")
    if source:
        lines.append(f"Came from: {source}")
    if payload.get("note"):
        lines.append(f"Note: {payload['note']}")
    lines.append("")
    for head, label, words in breakdown_lines(lead):
        lines.append(f"- {head}: {label}" + (f' - "{words}"' if words else ""))
    transcript = payload.get("transcript") or []
    if transcript:
        lines += ["", "Conversation so far:"]
        lines += [f"  {m.get('sender')}: {m.get('text')}" for m in transcript]
    lines += ["", f"Lead: {payload['lead_url']}"]
    if payload.get("transcript_url"):
        lines.append(f"Transcript: {payload['transcript_url']}")
    subject = f"[Leadbot] {urgent}{title}: {who(lead)}"
    message = _base(sender, to, subject, key, now)
    message.set_content("\n".join(lines))
    invite = invite_for(payload)
    if invite is not None:
        _attach_invite(message, invite, now)
    return message


def visitor_invite_email(
    payload: dict[str, Any], *, to: str, sender: str, key: str, now: datetime
) -> EmailMessage:
    """The visitor's invite, with the time in their own zone and the link to change it."""
    invite = invite_for(payload)
    if invite is None:
        raise PermanentDeliveryError("an invite needs a meeting event")
    meeting, rep, lead = payload["meeting"], payload["rep"], payload["lead"]
    zone = str(meeting.get("time_zone") or rep["time_zone"])
    when = format_in_zone(parse_instant(str(meeting["start"])), zone)
    hello = f"Hi {str(lead['name']).split()[0]}," if lead.get("name") else "Hello,"
    if invite.method == "CANCEL":
        subject = f"Cancelled: your call with {rep['name']}"
        body = [hello, "", f"Your call with {rep['name']} on {when} is cancelled."]
    else:
        subject = f"Your call with {rep['name']}: {when}"
        body = [
            hello,
            "",
            f"You're booked with {rep['name']} on {when}.",
            "The invite is attached.",
        ]
        if payload.get("manage_url"):
            body += ["", f"Need another time, or to cancel? {payload['manage_url']}"]
    message = _base(sender, to, subject, key, now)
    message["Reply-To"] = str(rep["email"])
    message.set_content("\n".join(body))
    _attach_invite(message, invite, now)
    return message


def admin_alert_email(
    details: dict[str, Any], *, to: str, sender: str, key: str, now: datetime
) -> EmailMessage:
    message = _base(sender, to, "[Leadbot] A notification could not be delivered", key, now)
    message.set_content(
        "\n".join(
            [
                "A notification failed on every retry and was given up:",
                "",
                *(f"{name}: {value}" for name, value in details.items()),
                "",
                "List them with GET /api/outbox?status=failed; "
                "send one again with POST /api/outbox/<id>/retry.",
            ]
        )
    )
    return message


async def send_email(transport: MailTransport, message: EmailMessage) -> None:
    try:
        await transport.send(message)
    except TemporaryMailError as error:
        raise TemporaryDeliveryError(f"email: {error}") from error
    except PermanentMailError as error:
        raise PermanentDeliveryError(f"email: {error}") from error
