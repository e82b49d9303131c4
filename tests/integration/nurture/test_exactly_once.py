"""Exactly once on the real PostgreSQL: 1,000 due steps, two worker processes, one of them
killed with SIGKILL mid-run (twice, in the two phases a worker can die in with messages
in flight) and restarted. Every step reaches the SMTP server once (by Message-ID).

The victim sends through an SMTP port of its own whose handler (KillSwitch) kills it at
a point of the SMTP conversation, so each kill lands where the test says:

1. at a RCPT TO: the victim holds claimed steps short of their commit point. Nothing of
   them is deliverable; their lease ends and they go out once, with their Message-ID.
2. at the end of DATA, once the victim has written the end-of-data marks of its whole
   batch and before the server answers (so before the victim records anything): the
   server has those messages, the send log says they were handed over, and they are
   never sent again (`unconfirmed`, like the earlier batches of the pass it had not
   recorded yet, at either kill).

The one interval these cannot reach, between a batch's send-log commit and its marks
leaving the process, is the gap plain SMTP leaves (bot/nurture/sender.py); a death there
loses messages and never doubles one (test_sending: test_death_inside_the_gap_...).
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
from tests.integration.nurture.smtp import KillSwitch, SmtpServer, running_smtp_server

pytestmark = pytest.mark.postgres
STEPS = 1000
LEASE_S = 5
WORKER_OPTIONS = ("--lease", str(LEASE_S), "--idle", "0.2", "--concurrency", "8")
PATIENCE_S = 300  # generous: the machine is shared; this only bounds a hung test

StartWorker = Callable[[SmtpServer], "subprocess.Popen[bytes]"]


@pytest.fixture
def servers(smtp_server: SmtpServer) -> Iterator[tuple[SmtpServer, KillSwitch]]:
    """The victim's SMTP port, delivering into the same mailbox as `smtp_server`."""
    switch = KillSwitch(smtp_server.mailbox)
    for victim_port in running_smtp_server(SmtpServer(smtp_server.mailbox, switch)):
        yield victim_port, switch


@pytest.fixture
def start_worker(postgres_url: str, tmp_path: Path) -> Iterator[StartWorker]:
    started: list[subprocess.Popen[bytes]] = []
    log = (tmp_path / "workers.log").open("wb")
    env = {
        **os.environ,
        "DATABASE_URL": postgres_url,
        "LEADBOT_SECRET_KEY": SECRET,
        "LEADBOT_PUBLIC_URL": PUBLIC_URL,
        "LEADBOT_MAIL_FROM": MAIL_FROM,
    }

    def start(server: SmtpServer) -> subprocess.Popen[bytes]:
        process = subprocess.Popen(
            [sys.executable, "-m", "bot.nurture.worker", *WORKER_OPTIONS],
            cwd=ROOT, env={**env, "SMTP_URL": server.url}, stdout=subprocess.DEVNULL,
            stderr=log,
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


def _killed(
    switch: KillSwitch, victim: subprocess.Popen[bytes], other: subprocess.Popen[bytes]
) -> None:
    deadline = time.monotonic() + PATIENCE_S
    while not switch.killed.wait(0.1):
        assert time.monotonic() < deadline, "the victim was never killed"
        assert other.poll() is None, "the other worker stopped"
    assert victim.returncode == -signal.SIGKILL


async def test_a_thousand_steps_two_workers_one_killed_twice_every_step_exactly_once(
    postgres_url: str,
    smtp_server: SmtpServer,
    servers: tuple[SmtpServer, KillSwitch],
    start_worker: StartWorker,
) -> None:
    victim_port, switch = servers
    mailbox = smtp_server.mailbox
    await upgrade_async(postgres_url)
    engine = make_engine(postgres_url)
    try:
        message_ids = await seed_due_steps(engine, STEPS, datetime.now(timezone.utc), MAIL_FROM)
        started = time.monotonic()
        victim = start_worker(victim_port)
        switch.arm(victim, "rcpt", after=100)
        other = start_worker(smtp_server)
        _killed(switch, victim, other)  # 1. holding claimed steps, none handed over
        first_kill = len(mailbox)
        victim = start_worker(victim_port)
        switch.arm(victim, "marks", after=50)
        _killed(switch, victim, other)  # 2. marks written, nothing recorded
        second_kill = len(mailbox)
        start_worker(victim_port)  # restarted once more: it and `other` finish the run

        async def left() -> int:
            async with engine.connect() as connection:
                statement = select(func.count()).where(
                    NurtureStep.status.in_(("pending", "sending"))
                )
                return int((await connection.execute(statement)).scalar_one())

        deadline = time.monotonic() + PATIENCE_S
        while await left():
            assert time.monotonic() < deadline, "steps still pending"
            assert other.poll() is None, "the other worker stopped"
            await asyncio.sleep(0.1)

        assert second_kill < STEPS, "the kills came too late to test anything"
        received = mailbox.message_ids()
        assert sorted(received) == sorted(message_ids)  # every step arrived...
        assert [mid for mid, n in received.items() if n != 1] == []  # ...exactly once
        async with engine.connect() as connection:
            rows = (
                await connection.execute(
                    select(NurtureStep.message_id, NurtureStep.status, NurtureStep.attempts)
                )
            ).all()
        statuses = {status for _, status, _ in rows}
        assert statuses <= {"sent", "unconfirmed"}, statuses
        # Kill 2 left its whole last batch `unconfirmed`: delivered, and never sent again.
        assert any(status == "unconfirmed" for _, status, _ in rows)
        # Kill 1 left claimed steps that went out later, on a second attempt.
        assert any(attempts == 2 for _, status, attempts in rows if status == "sent")
        elapsed = time.monotonic() - started
        print(
            f"\nkills after {first_kill} and {second_kill} emails; "
            f"unconfirmed: {sum(s == 'unconfirmed' for _, s, _ in rows)}; {elapsed:.0f} s"
        )
    finally:
        await engine.dispose()
