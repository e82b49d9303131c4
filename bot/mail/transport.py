"""How an email leaves: SMTP (aiosmtplib) when SMTP_URL is set, else an .eml file.

The embedded default writes each message under var/mail/ so `make run` works with no
mail server and a person can open what would have been sent. Both transports tell a
permanent refusal (5xx: bounce, stop sending) from a temporary one (retry later).
"""

from __future__ import annotations

import asyncio
import logging
import os
import re
from collections.abc import Awaitable
from email.message import EmailMessage
from pathlib import Path
from typing import Protocol
from urllib.parse import parse_qs, unquote, urlsplit

import aiosmtplib

from bot.settings import Settings

logger = logging.getLogger(__name__)


class TemporaryMailError(Exception):
    """Try again later: the server is down, busy, or answered 4xx (`code`, when it did)."""

    def __init__(self, message: str, code: int | None = None) -> None:
        super().__init__(message)
        self.code = code


class PermanentMailError(Exception):
    """The server refused the message or recipient for good (5xx)."""

    def __init__(self, message: str, code: int | None = None) -> None:
        super().__init__(message)
        self.code = code


class MailTransport(Protocol):
    async def send(self, message: EmailMessage) -> None:
        """Deliver or raise TemporaryMailError / PermanentMailError."""
        ...


class EmlDirTransport:
    """Writes each message as <Message-ID>.eml; the same Message-ID overwrites, never doubles."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    async def send(self, message: EmailMessage) -> None:
        tmp, path = await asyncio.to_thread(self._write, message)
        os.replace(tmp, path)  # the rename is the delivery
        logger.info("email written to %s (SMTP_URL is not set)", path)

    def _write(self, message: EmailMessage) -> tuple[Path, Path]:
        self.directory.mkdir(parents=True, exist_ok=True)
        message_id = str(message.get("Message-ID") or "")
        stem = re.sub(r"[^A-Za-z0-9._-]", "_", message_id.strip("<>"))[:150] or "message"
        path = self.directory / f"{stem}.eml"
        tmp = path.with_suffix(f".eml.{os.getpid()}.tmp")
        tmp.write_bytes(bytes(message))
        return tmp, path


class SmtpTransport:
    """smtp://user@host:587?starttls=true  |  smtps://user@host:465; password passed apart."""

    def __init__(self, url: str, password: str | None = None, *, timeout: float = 15.0) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
            raise ValueError("SMTP_URL must look like smtp://user@host:587?starttls=true")
        query = {k: v[-1].lower() for k, v in parse_qs(parts.query).items()}
        self.hostname = parts.hostname
        self.use_tls = parts.scheme == "smtps"
        self.port = parts.port or (465 if self.use_tls else 25)
        self.start_tls: bool | None = (
            None if "starttls" not in query else query["starttls"] in ("1", "true", "yes")
        )
        self.username = unquote(parts.username) if parts.username else None
        self.password = (
            password
            if password is not None
            else (unquote(parts.password) if parts.password else None)
        )
        self.timeout = timeout

    async def send(self, message: EmailMessage) -> None:
        await self._translated(self._send_whole(message))

    async def _send_whole(self, message: EmailMessage) -> None:
        await aiosmtplib.send(
            message,
            hostname=self.hostname,
            port=self.port,
            username=self.username,
            password=self.password,
            use_tls=self.use_tls,
            start_tls=self.start_tls,
            timeout=self.timeout,
        )

    def new_connection(self) -> aiosmtplib.SMTP:
        """A client for this server, not yet connected (nurture's hand-over keeps its own)."""
        return aiosmtplib.SMTP(
            hostname=self.hostname,
            port=self.port,
            username=self.username,
            password=self.password,
            use_tls=self.use_tls,
            start_tls=self.start_tls,
            timeout=self.timeout,
        )

    @staticmethod
    async def _translated(sending: Awaitable[None]) -> None:
        try:
            await sending
        except aiosmtplib.SMTPRecipientsRefused as error:
            codes = [r.code for r in error.recipients]
            if codes and all(500 <= c < 600 for c in codes):
                raise PermanentMailError("recipient refused", codes[0]) from error
            raise TemporaryMailError("recipient deferred", codes[0] if codes else None) from error
        except aiosmtplib.SMTPResponseException as error:
            if 500 <= error.code < 600:
                raise PermanentMailError(f"refused: {error.code}", error.code) from error
            raise TemporaryMailError(f"deferred: {error.code}", error.code) from error
        except (aiosmtplib.SMTPException, OSError, asyncio.TimeoutError) as error:
            raise TemporaryMailError(type(error).__name__) from error


def transport_from_settings(settings: Settings) -> MailTransport:
    if settings.smtp_url:
        return SmtpTransport(settings.smtp_url, settings.smtp_password)
    return EmlDirTransport(settings.mail_dir)
