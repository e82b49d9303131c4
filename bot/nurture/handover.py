"""Handing a batch of nurture emails to the mail server behind one commit point.

Every message of a batch travels on its own SMTP connection up to SMTP's end-of-data mark
(MAIL, RCPT, DATA and the whole content), then waits there. The caller's commit point
records the whole batch as handed over, in one transaction, and answers which messages may
go: their marks are then written one after the other, and the connections of the others
are dropped (a server discards an unfinished DATA). So what the commit point recorded is
true from the moment each mark leaves, and a worker that dies before the commit point
left nothing deliverable.

Without `SMTP_URL` the messages are `.eml` files under `var/mail/`: written under a
temporary name first, renamed (the delivery) after the commit point.
"""

from __future__ import annotations

import asyncio
import logging
import os
import re
import typing
from collections.abc import Awaitable, Callable, Collection, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import aiosmtplib
from aiosmtplib.protocol import PERIOD_REGEX

from bot.mail.transport import SmtpTransport
from bot.settings import Settings

logger = logging.getLogger(__name__)

# What became of one message.
DELIVERED = "delivered"  # the server answered 250 to the end-of-data mark
REFUSED = "refused"  # a permanent 5xx to RCPT, DATA or the mark: a bounce, not delivered
DEFERRED = "deferred"  # a 4xx, no connection, our sender refused: not delivered, retry
WITHHELD = "withheld"  # the commit point kept it back: not delivered
UNCONFIRMED = "unconfirmed"  # the mark went out and no reply came: most likely delivered

CommitPoint = Callable[[list[int]], Awaitable[Collection[int]]]
"""Awaited with the keys of the messages held just short of their end-of-data mark: record
them as handed over (and commit), return the keys that may go out. If it raises, every
held message is dropped, none delivered."""


@dataclass(frozen=True)
class Outgoing:
    key: int  # the caller's id for it (the step id)
    message_id: str
    sender: str  # envelope MAIL FROM
    recipient: str  # envelope RCPT TO
    data: bytes  # the message, CRLF line ends, not dot-stuffed


@dataclass(frozen=True)
class Outcome:
    status: str  # DELIVERED | REFUSED | DEFERRED | WITHHELD | UNCONFIRMED
    detail: str = ""
    code: int | None = None


class HandOver(Protocol):
    async def hand_over(
        self, batch: Sequence[Outgoing], commit_point: CommitPoint
    ) -> dict[int, Outcome]:
        """Each message's outcome by key (see the module docstring)."""
        ...

    async def close(self) -> None: ...


class SmtpHandOver:
    """Over SMTP (aiosmtplib), connections kept open between batches and reused.

    A batch needs one connection per message (each holds a message before its mark), so
    the caller sizes batches to the connections it may open at once."""

    def __init__(self, server: SmtpTransport, *, max_idle: int = 64) -> None:
        self.server = server  # the parsed SMTP_URL the notifications use too
        self.max_idle = max_idle
        self._idle: list[aiosmtplib.SMTP] = []

    @classmethod
    def from_url(cls, url: str, password: str | None = None) -> SmtpHandOver:
        return cls(SmtpTransport(url, password))

    async def hand_over(
        self, batch: Sequence[Outgoing], commit_point: CommitPoint
    ) -> dict[int, Outcome]:
        staged = await asyncio.gather(*(self._stage(message) for message in batch))
        outcomes: dict[int, Outcome] = {}
        held: dict[int, aiosmtplib.SMTP] = {}
        for message, result in zip(batch, staged, strict=True):
            if isinstance(result, Outcome):
                outcomes[message.key] = result
            else:
                held[message.key] = result
        if not held:
            return outcomes
        try:
            chosen = set(await commit_point(list(held)))
        except BaseException:
            for smtp in held.values():
                smtp.close()
            raise
        # One task per mark, created together: their first steps, which write the marks,
        # run back to back in the next turn of the event loop.
        finished = await asyncio.gather(
            *(self._finish(smtp, key in chosen) for key, smtp in held.items())
        )
        outcomes.update(zip(held, finished, strict=True))
        return outcomes

    async def _stage(self, message: Outgoing) -> aiosmtplib.SMTP | Outcome:
        """The message on a connection of its own, everything but the end-of-data mark."""
        smtp: aiosmtplib.SMTP | None = None
        try:
            smtp = await self._mail_from(message.sender)
            await _rcpt(smtp, message.recipient)
            start = await smtp.execute_command(b"DATA")
            if start.code != 354:
                raise aiosmtplib.SMTPDataError(start.code, start.message)
            assert smtp.protocol is not None
            body = PERIOD_REGEX.sub(b"..", message.data)
            smtp.protocol.write(body if body.endswith(b"\r\n") else body + b"\r\n")
            await _flushed(smtp, self.server.timeout)
            return smtp
        except aiosmtplib.SMTPSenderRefused as error:
            # Our sender or our account (530: authentication required...): no bounce of
            # the lead's address; the step is retried, then fails, and the log says why.
            return Outcome(DEFERRED, f"sender refused: {error.code} {error.message}"[:2000])
        except aiosmtplib.SMTPResponseException as error:
            if smtp is not None:
                await self._reset(smtp)
            status = REFUSED if 500 <= error.code < 600 else DEFERRED
            return Outcome(status, f"{error.code} {error.message}"[:2000], error.code)
        except (aiosmtplib.SMTPException, OSError, asyncio.TimeoutError, UnicodeError) as error:
            if smtp is not None:
                smtp.close()
            return Outcome(DEFERRED, f"{type(error).__name__}: {error}"[:2000])
        except BaseException:
            if smtp is not None:
                smtp.close()
            raise

    async def _finish(self, smtp: aiosmtplib.SMTP, chosen: bool) -> Outcome:
        if not chosen:
            smtp.close()  # the unfinished DATA is discarded
            return Outcome(WITHHELD)
        try:
            reply = await smtp.execute_command(b".")
        except (aiosmtplib.SMTPException, OSError, asyncio.TimeoutError) as error:
            smtp.close()
            return Outcome(UNCONFIRMED, f"no reply to the end-of-data mark: {error!r}"[:2000])
        await self._release(smtp)
        if reply.code == 250:
            return Outcome(DELIVERED)
        status = REFUSED if 500 <= reply.code < 600 else DEFERRED
        return Outcome(status, f"{reply.code} {reply.message}"[:2000], reply.code)

    async def _mail_from(self, sender: str) -> aiosmtplib.SMTP:
        """A connection with MAIL FROM accepted; a kept connection the server closed
        meanwhile (or is closing: 421) is replaced once."""
        while self._idle:
            smtp = self._idle.pop()
            if not smtp.is_connected:
                continue
            try:
                await _mail(smtp, sender)
                return smtp
            except aiosmtplib.SMTPServerDisconnected:
                smtp.close()
                break
            except aiosmtplib.SMTPResponseException as error:
                if error.code != 421:  # 421: the server is closing this (idle) connection
                    await self._reset(smtp)
                    raise
                smtp.close()
                break
            except BaseException:
                await self._reset(smtp)
                raise
        smtp = self.server.new_connection()
        await smtp.connect()
        try:
            if smtp.is_ehlo_or_helo_needed:
                await smtp.ehlo()
            await _mail(smtp, sender)
        except aiosmtplib.SMTPResponseException:
            await self._reset(smtp)
            raise
        except BaseException:
            smtp.close()
            raise
        return smtp

    async def _reset(self, smtp: aiosmtplib.SMTP) -> None:
        """After a refusal the connection is still good: RSET and keep it."""
        try:
            await smtp.rset()
        except (aiosmtplib.SMTPException, OSError, asyncio.TimeoutError):
            smtp.close()
            return
        await self._release(smtp)

    async def _release(self, smtp: aiosmtplib.SMTP) -> None:
        if not smtp.is_connected:
            return
        if len(self._idle) < self.max_idle:
            self._idle.append(smtp)
            return
        try:
            await smtp.quit()
        except (aiosmtplib.SMTPException, OSError, asyncio.TimeoutError):
            smtp.close()

    async def close(self) -> None:
        idle, self._idle = self._idle, []
        for smtp in idle:
            try:
                await smtp.quit()
            except (aiosmtplib.SMTPException, OSError, asyncio.TimeoutError):
                smtp.close()


# MAIL and RCPT with addresses already in envelope form (plain ASCII addr-specs, made by
# bot.nurture.compose): aiosmtplib's `mail()`/`rcpt()` parse each address again, which
# cost more than the rest of the command.


async def _mail(smtp: aiosmtplib.SMTP, sender: str) -> None:
    reply = await smtp.execute_command(b"MAIL", b"FROM:<" + sender.encode("ascii") + b">")
    if reply.code != 250:
        raise aiosmtplib.SMTPSenderRefused(reply.code, reply.message, sender)


async def _rcpt(smtp: aiosmtplib.SMTP, recipient: str) -> None:
    reply = await smtp.execute_command(b"RCPT", b"TO:<" + recipient.encode("ascii") + b">")
    if reply.code not in (250, 251):
        raise aiosmtplib.SMTPRecipientRefused(reply.code, reply.message, recipient)


async def _flushed(smtp: aiosmtplib.SMTP, timeout: float) -> None:
    """Until the content has left this process (normally at once: a few KB): a mark written
    behind content still buffered here would die with the process."""
    transport = typing.cast(asyncio.WriteTransport | None, smtp.transport)
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while transport is not None and transport.get_write_buffer_size():
        if transport.is_closing():
            raise aiosmtplib.SMTPServerDisconnected("connection lost while sending")
        if loop.time() > deadline:
            raise asyncio.TimeoutError("the message content did not leave in time")
        await asyncio.sleep(0.001)


class EmlHandOver:
    """`<Message-ID>.eml` files; the same Message-ID overwrites, never doubles."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    async def hand_over(
        self, batch: Sequence[Outgoing], commit_point: CommitPoint
    ) -> dict[int, Outcome]:
        written = await asyncio.to_thread(self._write, batch)
        try:
            chosen = set(await commit_point([message.key for message in batch]))
        except BaseException:
            for tmp, _ in written.values():
                tmp.unlink(missing_ok=True)
            raise
        outcomes: dict[int, Outcome] = {}
        for key, (tmp, path) in written.items():
            if key in chosen:
                os.replace(tmp, path)  # the rename is the delivery
                outcomes[key] = Outcome(DELIVERED)
            else:
                tmp.unlink(missing_ok=True)
                outcomes[key] = Outcome(WITHHELD)
        logger.info("%d email(s) written to %s (SMTP_URL is not set)", len(chosen), self.directory)
        return outcomes

    def _write(self, batch: Sequence[Outgoing]) -> dict[int, tuple[Path, Path]]:
        self.directory.mkdir(parents=True, exist_ok=True)
        written = {}
        for message in batch:
            stem = re.sub(r"[^A-Za-z0-9._-]", "_", message.message_id.strip("<>"))[:150]
            path = self.directory / f"{stem or 'message'}.eml"
            tmp = path.with_suffix(f".eml.{os.getpid()}.tmp")
            tmp.write_bytes(message.data)
            written[message.key] = (tmp, path)
        return written

    async def close(self) -> None:
        return None


def handover_from_settings(settings: Settings) -> HandOver:
    """SMTP when `SMTP_URL` is set (the notifications' settings), else `.eml` files."""
    if settings.smtp_url:
        return SmtpHandOver.from_url(settings.smtp_url, settings.smtp_password)
    return EmlHandOver(settings.mail_dir)
