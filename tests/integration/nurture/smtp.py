"""A real SMTP server in the test process (aiosmtpd), recording what it accepts.

Recipients listed in `refuse` get that reply at RCPT TO (e.g. "550 5.1.1 no such user",
"451 4.3.0 try later"), the way a real server bounces or defers them; those in
`refuse_data` get it at the end of DATA (nothing is kept); for those in
`hang_up_after_data` the message is kept and the connection dropped before the reply.
"""

from __future__ import annotations

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
        self.hang_up_after_data: set[str] = set()
        self._lock = threading.Lock()

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


class SmtpServer:
    def __init__(self) -> None:
        self.mailbox = Mailbox()
        self.port = free_port()
        self.controller = Controller(self.mailbox, hostname="127.0.0.1", port=self.port)

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"


def running_smtp_server() -> Iterator[SmtpServer]:
    server = SmtpServer()
    server.controller.start()
    try:
        yield server
    finally:
        server.controller.stop()
