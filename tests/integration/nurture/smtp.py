"""A real SMTP server in the test process (aiosmtpd), recording what it accepts.

Recipients listed in `refuse` get that reply at RCPT TO (e.g. "550 5.1.1 no such user",
"451 4.3.0 try later"), the way a real server bounces or defers them; those in
`refuse_data` get it at the end of DATA (nothing is kept); for those in
`hang_up_after_data` the message is kept and the connection dropped before the reply;
`refuse_sender` answers every MAIL FROM (a relay that wants a login, say).
"""

from __future__ import annotations

import os
import signal
import subprocess
import threading
from collections import Counter
from collections.abc import Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller

from tests.support.stack import free_port


class Mailbox:
    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.raw: list[bytes] = []  # as received, before any parsing
        self.refuse: dict[str, str] = {}
        self.refuse_data: dict[str, str] = {}
        self.refuse_sender: str | None = None  # the reply to every MAIL FROM, if set
        self.hang_up_after_data: set[str] = set()
        self._lock = threading.Lock()

    async def handle_MAIL(
        self, server: Any, session: Any, envelope: Any, address: str, mail_options: Any
    ) -> str:
        if self.refuse_sender is not None:
            return self.refuse_sender
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: Any
    ) -> str:
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        for address in envelope.rcpt_tos:
            if address in self.refuse_data:
                return self.refuse_data[address]
        message = message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(message, EmailMessage)
        with self._lock:
            self.messages.append(message)
            self.raw.append(bytes(envelope.content))
        if set(envelope.rcpt_tos) & self.hang_up_after_data:
            server.transport.abort()
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in list(self.messages) if address in str(m["To"])]

    def message_ids(self) -> Counter[str]:
        return Counter(str(m["Message-ID"]).strip() for m in list(self.messages))

    def __len__(self) -> int:
        return len(self.messages)


class KillSwitch:
    """The handler on a victim worker's own port: delivers into the shared mailbox, and
    SIGKILLs the victim at a chosen point of the SMTP conversation, once it has delivered
    `after` messages here:

    - "rcpt": at a RCPT TO, before answering it: the victim dies while it holds claimed
      steps short of their commit point (nothing of them deliverable);
    - "marks": at the end of DATA, before answering it, once none of the victim's
      connections still holds an unfinished message: the victim has written the marks of
      its whole batch and dies before it records them.
    """

    def __init__(self, mailbox: Mailbox) -> None:
        self.mailbox = mailbox
        self.victim: subprocess.Popen[bytes] | None = None
        self.mode: str | None = None
        self.after = 0
        self.delivered = 0
        self.killed = threading.Event()
        # Connections between RCPT TO and the end of DATA (those a dead victim left are
        # let go once the server has seen them close).
        self._holding: dict[int, Any] = {}

    def arm(self, victim: subprocess.Popen[bytes], mode: str, after: int) -> None:
        self.victim, self.mode, self.after = victim, mode, self.delivered + after
        self.killed.clear()

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: Any
    ) -> str:
        self._holding[id(session)] = server
        if self.mode == "rcpt" and self.delivered >= self.after:
            self._kill()
        return await self.mailbox.handle_RCPT(server, session, envelope, address, rcpt_options)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        reply = await self.mailbox.handle_DATA(server, session, envelope)
        self._holding.pop(id(session), None)
        self.delivered += 1
        if self.mode == "marks" and self.delivered >= self.after and not self._still_holding():
            self._kill()
        return reply

    async def handle_RSET(self, server: Any, session: Any, envelope: Any) -> str:
        self._holding.pop(id(session), None)
        return "250 OK"

    def _still_holding(self) -> bool:
        return any(
            server.transport is not None and not server.transport.is_closing()
            for server in self._holding.values()
        )

    def _kill(self) -> None:
        victim, self.mode = self.victim, None
        assert victim is not None
        os.kill(victim.pid, signal.SIGKILL)
        victim.wait()
        self.killed.set()


class SmtpServer:
    def __init__(self, mailbox: Mailbox | None = None, handler: Any = None) -> None:
        self.mailbox = mailbox or Mailbox()
        self.port = free_port()
        self.controller = Controller(handler or self.mailbox, hostname="127.0.0.1", port=self.port)

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"


def running_smtp_server(server: SmtpServer | None = None) -> Iterator[SmtpServer]:
    server = server or SmtpServer()
    server.controller.start()
    try:
        yield server
    finally:
        server.controller.stop()
