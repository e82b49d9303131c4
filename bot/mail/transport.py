"""How an email leaves: SMTP (aiosmtplib) when SMTP_URL is set, else an .eml file.

The embedded default writes each message under var/mail/ so `make run` works with no
mail server and a person can open what would have been sent. Both transports tell a
permanent refusal (5xx: bounce, stop sending) from a temporary one (retry later).
"""

from __future__ import annotations

import asyncio
import copy
import logging
import os
import re
from collections.abc import Awaitable, Callable
from email.message import EmailMessage
from email.policy import EmailPolicy
from pathlib import Path
from typing import Protocol
from urllib.parse import parse_qs, unquote, urlsplit

import aiosmtplib
from aiosmtplib.email import extract_recipients, extract_sender, flatten_message
from aiosmtplib.protocol import PERIOD_REGEX, normalize_message_line_endings

from bot.settings import Settings

CommitPoint = Callable[[], Awaitable[None]]
"""Awaited when the server holds the whole message but not yet the end-of-data mark: the
caller records "handed over" here. If it raises, the message is abandoned, never delivered."""

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
    async def send(self, message: EmailMessage, *, commit_point: CommitPoint | None = None) -> None:
        """Deliver or raise TemporaryMailError / PermanentMailError (see `CommitPoint`)."""
        ...


class EmlDirTransport:
    """Writes each message as <Message-ID>.eml; the same Message-ID overwrites, never doubles."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    async def send(self, message: EmailMessage, *, commit_point: CommitPoint | None = None) -> None:
        tmp, path = await asyncio.to_thread(self._write, message)
        if commit_point is not None:
            try:
                await commit_point()
            except BaseException:
                tmp.unlink(missing_ok=True)
                raise
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

    def __init__(
        self, url: str, password: str | None = None, *, timeout: float = 15.0, max_idle: int = 16
    ) -> None:
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
        self.max_idle = max_idle
        self._idle: list[aiosmtplib.SMTP] = []

    async def send(self, message: EmailMessage, *, commit_point: CommitPoint | None = None) -> None:
        if commit_point is None:
            await self._translated(self._send_whole(message))
        else:
            await self._translated(self._send_staged(message, commit_point))

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

    async def _send_staged(self, message: EmailMessage, commit_point: CommitPoint) -> None:
        """One SMTP transaction with the end-of-data mark held back until `commit_point`.

        A client that dies before sending that mark leaves the server nothing to deliver
        (an unfinished DATA is discarded), so whatever the caller records at the commit
        point is true from the moment the mark leaves. Connections are kept open and
        reused (a stale one is replaced once, before anything was committed).
        """
        smtp, reused = await self._checkout()
        try:
            try:
                await smtp.mail(extract_sender(message) or "")
            except aiosmtplib.SMTPServerDisconnected:
                if not reused:
                    raise
                smtp, reused = await self._checkout(fresh=True)
                await smtp.mail(extract_sender(message) or "")
            for recipient in extract_recipients(message):
                await smtp.rcpt(recipient)
            start = await smtp.execute_command(b"DATA")
            if start.code != 354:
                raise aiosmtplib.SMTPDataError(start.code, start.message)
            body = PERIOD_REGEX.sub(b"..", normalize_message_line_endings(_wire_bytes(message)))
            assert smtp.protocol is not None  # connected by _checkout
            smtp.protocol.write(body if body.endswith(b"\r\n") else body + b"\r\n")
            await commit_point()  # raises: the connection is dropped below, DATA discarded
            reply = await smtp.execute_command(b".")
            if reply.code != 250:
                raise aiosmtplib.SMTPDataError(reply.code, reply.message)
        except BaseException:
            smtp.close()
            raise
        if len(self._idle) < self.max_idle:
            self._idle.append(smtp)
        else:
            await smtp.quit()

    async def _checkout(self, *, fresh: bool = False) -> tuple[aiosmtplib.SMTP, bool]:
        while self._idle and not fresh:
            smtp = self._idle.pop()
            if smtp.is_connected:
                return smtp, True
        smtp = aiosmtplib.SMTP(
            hostname=self.hostname,
            port=self.port,
            username=self.username,
            password=self.password,
            use_tls=self.use_tls,
            start_tls=self.start_tls,
            timeout=self.timeout,
        )
        await smtp.connect()
        return smtp, False

    async def close(self) -> None:
        """Say goodbye on the connections kept open."""
        idle, self._idle = self._idle, []
        for smtp in idle:
            try:
                await smtp.quit()
            except (aiosmtplib.SMTPException, OSError):
                smtp.close()

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


def _wire_bytes(message: EmailMessage) -> bytes:
    """The message as sent, folded by its own policy (aiosmtplib's `flatten_message` always
    refolds at 78 columns, which turns a long List-Unsubscribe into encoded words)."""
    if not isinstance(message.policy, EmailPolicy):
        return flatten_message(message)
    outgoing = copy.copy(message)
    del outgoing["Bcc"]
    del outgoing["Resent-Bcc"]
    return outgoing.as_bytes(policy=message.policy.clone(linesep="\r\n"))


def transport_from_settings(settings: Settings) -> MailTransport:
    if settings.smtp_url:
        return SmtpTransport(settings.smtp_url, settings.smtp_password)
    return EmlDirTransport(settings.mail_dir)
