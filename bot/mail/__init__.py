"""Outgoing email: one transport interface, SMTP or a folder of .eml files."""

from bot.mail.transport import (
    EmlDirTransport,
    MailTransport,
    PermanentMailError,
    SmtpTransport,
    TemporaryMailError,
    transport_from_settings,
)

__all__ = [
    "EmlDirTransport",
    "MailTransport",
    "PermanentMailError",
    "SmtpTransport",
    "TemporaryMailError",
    "transport_from_settings",
]
