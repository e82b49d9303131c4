"""Tell an administrator about leads put in the quarantine.

By email to LEADBOT_ADMIN_EMAIL through the mail transport (SMTP, or an .eml file under
var/mail/ without SMTP_URL), or, when no administrator address is set, one ERROR line per
lead in the log. The alert names the conversation, the reason and the file, never the
lead's personal data. An entry counts as told once the alert left (a mail server that is
down is tried again on the next pass).
"""

from __future__ import annotations

import asyncio
import logging
from email.message import EmailMessage
from email.utils import make_msgid

from bot.leads.quarantine import Quarantine, QuarantineEntry, read_entry
from bot.mail.transport import MailTransport, PermanentMailError, TemporaryMailError
from bot.settings import Settings

logger = logging.getLogger(__name__)


def alert_message(entries: list[QuarantineEntry], settings: Settings) -> EmailMessage:
    message = EmailMessage()
    message["Subject"] = f"Leadbot: {len(entries)} lead(s) refused by the database, quarantined"
    message["From"] = settings.mail_from
    message["To"] = settings.admin_email or ""
    message["Message-ID"] = make_msgid(domain="leadbot")
    lines = [
        "The lead store refused these leads for their content. Each is kept, with the",
        f"reason, under {settings.spool_dir / 'quarantine'}; fix the file and move it",
        "back into the spool folder to deliver it.",
        "",
        *(
            f"- conversation {entry.conversation_id or '(unreadable file)'}: {entry.reason} "
            f"[{entry.file}, {entry.quarantined_at}]"
            for entry in entries
        ),
    ]
    message.set_content("\n".join(lines) + "\n")
    return message


async def alert_quarantined(
    quarantine: Quarantine, transport: MailTransport, settings: Settings
) -> int:
    """Alert about every entry not alerted yet; returns how many were."""
    paths = await asyncio.to_thread(quarantine.unalerted)
    entries = [entry for path in paths if (entry := await asyncio.to_thread(read_entry, path))]
    if not entries:
        return 0
    if settings.admin_email is None:
        for entry in entries:
            logger.error(
                "quarantined lead: conversation %s, %s, file %s (set LEADBOT_ADMIN_EMAIL "
                "to be told by email)",
                entry.conversation_id,
                entry.reason,
                entry.file,
            )
    else:
        try:
            await transport.send(alert_message(entries, settings))
        except TemporaryMailError as error:
            logger.warning("quarantine alert not sent yet (%s); will retry", error)
            return 0
        except PermanentMailError as error:
            logger.error("quarantine alert refused by the mail server (%s)", error)
    for path in paths:
        await asyncio.to_thread(quarantine.mark_alerted, path)
    return len(entries)
