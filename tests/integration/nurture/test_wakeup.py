"""The worker wakes when a lead is enrolled (NOTIFY on PostgreSQL, the database file on
SQLite: bot.outbox.wakeup), not at its next poll: here the poll is an hour away."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import FrozenClock
from bot.nurture.sender import NurtureSender
from bot.nurture.sequences import SequenceBook
from bot.nurture.service import enroll
from bot.nurture.worker import running
from tests.integration.nurture.conftest import MAIL_FROM
from tests.integration.nurture.helpers import stored_lead
from tests.integration.nurture.smtp import SmtpServer

PATIENCE_S = 60  # only bounds a hung test: without a wake-up the worker sleeps an hour


async def test_an_enrollment_wakes_the_worker_long_before_its_next_poll(
    database_url: str, sessions: async_sessionmaker[AsyncSession], book: SequenceBook,
    clock: FrozenClock, make_sender: Callable[..., NurtureSender], smtp_server: SmtpServer,
) -> None:  # fmt: skip
    lead_id = await stored_lead(sessions, "chat-wake", "sophie@initech.example", clock.now())
    sender = make_sender()
    passes: list[int] = []
    idle = asyncio.Event()

    async def counted() -> int:
        handled = await NurtureSender.deliver_due(sender)
        passes.append(handled)
        idle.set()
        return handled

    sender.deliver_due = counted  # type: ignore[method-assign]
    async with running([sender], database_url, idle_seconds=3600):
        await idle.wait()  # the first pass found nothing: the worker goes to sleep
        assert passes == [0]
        await enroll(sessions, book, lead_id, clock.now(), mail_from=MAIL_FROM)
        deadline = time.monotonic() + PATIENCE_S
        while not smtp_server.mailbox.to("sophie@initech.example"):
            assert time.monotonic() < deadline, "the enrollment did not wake the worker"
            await asyncio.sleep(0.05)
    assert passes[:2] == [0, 1]  # woken once, it sent the welcome
    (welcome,) = smtp_server.mailbox.to("sophie@initech.example")
    assert welcome["Subject"] == "The pricing overview you asked about"
