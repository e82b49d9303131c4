"""Exactly once on the real PostgreSQL: 1,000 due steps, two worker processes, one killed
with SIGKILL mid-run and restarted. Every step reaches the SMTP server once (by Message-ID).
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import datetime, timezone
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.leads.db import make_engine
from bot.leads.migrate import upgrade_async
from bot.nurture.models import NurtureStep
from bot.settings import ROOT
from tests.integration.nurture.conftest import MAIL_FROM, PUBLIC_URL, SECRET
from tests.integration.nurture.seed import seed_due_steps
from tests.integration.nurture.smtp import SmtpServer

pytestmark = pytest.mark.postgres
STEPS = 1000
WORKER_OPTIONS = ("--lease", "5", "--idle", "0.2", "--concurrency", "8")
PATIENCE_S = 300  # generous: the machine is shared; this only bounds a hung test


def _wait_for(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + PATIENCE_S
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what}")
        time.sleep(0.05)


@pytest.fixture
def start_worker(
    postgres_url: str, smtp_server: SmtpServer, tmp_path: Path
) -> Iterator[Callable[[], subprocess.Popen[bytes]]]:
    started: list[subprocess.Popen[bytes]] = []
    log = (tmp_path / "workers.log").open("wb")
    env = {
        **os.environ,
        "DATABASE_URL": postgres_url,
        "SMTP_URL": smtp_server.url,
        "LEADBOT_SECRET_KEY": SECRET,
        "LEADBOT_PUBLIC_URL": PUBLIC_URL,
        "LEADBOT_MAIL_FROM": MAIL_FROM,
    }

    def start() -> subprocess.Popen[bytes]:
        process = subprocess.Popen(
            [sys.executable, "-m", "bot.nurture.worker", *WORKER_OPTIONS],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=log,
        )  # fmt: skip
        started.append(process)
        return process

    yield start
    for process in started:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
    log.close()


async def test_a_thousand_steps_two_workers_one_killed_every_step_exactly_once(
    postgres_url: str, smtp_server: SmtpServer, start_worker: Callable[[], subprocess.Popen[bytes]]
) -> None:
    await upgrade_async(postgres_url)
    engine = make_engine(postgres_url)
    try:
        message_ids = await seed_due_steps(engine, STEPS, datetime.now(timezone.utc), MAIL_FROM)
        mailbox = smtp_server.mailbox
        started = time.monotonic()
        victim = start_worker()
        other = start_worker()
        _wait_for(lambda: len(mailbox) >= STEPS // 4, "a quarter of the emails")
        victim.send_signal(signal.SIGKILL)  # mid-run: some of its steps are in flight
        assert victim.wait(timeout=30) == -signal.SIGKILL
        at_kill = len(mailbox)
        start_worker()  # the restarted worker

        async def settled() -> int:
            async with engine.connect() as connection:
                statement = select(func.count()).where(
                    NurtureStep.status.in_(("pending", "sending"))
                )
                return int((await connection.execute(statement)).scalar_one())

        deadline = time.monotonic() + PATIENCE_S
        while await settled():
            assert time.monotonic() < deadline, "steps still pending"
            assert other.poll() is None, "the other worker stopped"
            await asyncio.sleep(0.1)

        received = mailbox.message_ids()
        assert at_kill < STEPS, "the kill came too late to test anything"
        assert set(received) <= set(message_ids)
        assert [mid for mid, n in received.items() if n != 1] == []  # never twice
        # The one bounded loss window (bot/nurture/sender.py): killed after its send-log row
        # committed and before SMTP's end-of-data mark, a worker leaves that message unsent
        # and the step `unconfirmed`, never re-sent. At most the killed worker's messages in
        # flight at that instant; every other step arrived exactly once.
        missing = set(message_ids) - set(received)
        assert len(missing) <= 5, f"{len(missing)} messages lost"
        async with engine.connect() as connection:
            statuses = dict(
                (
                    await connection.execute(
                        select(NurtureStep.status, func.count()).group_by(NurtureStep.status)
                    )
                ).all()
            )
            errors = (
                (
                    await connection.execute(
                        select(NurtureStep.last_error).where(NurtureStep.status != "sent").limit(5)
                    )
                )
                .scalars()
                .all()
            )
        # Steps the killed worker had handed over: `unconfirmed` (never re-sent); the rest `sent`.
        assert set(statuses) <= {"sent", "unconfirmed"}, errors
        assert sum(statuses.values()) == STEPS
        async with engine.connect() as connection:
            unconfirmed = set(
                (
                    await connection.execute(
                        select(NurtureStep.message_id).where(NurtureStep.status == "unconfirmed")
                    )
                )
                .scalars()
                .all()
            )
        assert missing <= unconfirmed  # a lost message is always one the log calls unconfirmed
        elapsed = time.monotonic() - started
        print(f"\nkilled after {at_kill} emails; steps: {statuses}; {elapsed:.0f} s")
    finally:
        await engine.dispose()
