"""The nurture send loop: in the web app (cleanup context) or alone.

    python -m bot.nurture.worker            # until stopped (SIGTERM / Ctrl-C)
    python -m bot.nurture.worker --drain    # send what is due now, then exit

`run_worker` runs any `DueWork` (nurture steps today; the notification outbox can join
the same loop): it works while there is work; with none it sleeps until a commit wakes it
(a new enrollment NOTIFYs on PostgreSQL) or `idle_seconds` pass.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import signal
import sys
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import timedelta
from email.utils import parseaddr

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.clock import Clock, SystemClock
from bot.leads.db import make_engine, make_session_factory
from bot.nurture.handover import handover_from_settings
from bot.nurture.sender import DueWork, NurtureSender, NurtureSettings
from bot.nurture.sequences import load_sequences
from bot.outbox.wakeup import TimerWaker, Waker, waker_for
from bot.settings import DEV_SECRET_KEY, Settings, load_settings
from bot.signing import Signer

logger = logging.getLogger(__name__)

IDLE_SECONDS = 2.0


async def run_worker(
    work: Sequence[DueWork],
    *,
    waker: Waker | None = None,
    idle_seconds: float = IDLE_SECONDS,
    stop: asyncio.Event | None = None,
) -> None:
    """Deliver due work until `stop` is set (a pass in progress finishes first, so no
    transaction is cut off); a failed pass is logged and tried again. With nothing to do
    it sleeps until `waker` reports a commit that may have made work due (PostgreSQL's
    NOTIFY at enrollment, bot.outbox.wakeup) or `idle_seconds` pass: steps that fall
    due later, retries and any missed wake-up are found by that poll."""
    stop = stop or asyncio.Event()
    waker = waker or TimerWaker()
    while not stop.is_set():
        handled = 0
        for item in work:
            try:
                handled += await item.deliver_due()
            except Exception:  # the database is down, a bug...: log, wait, try again
                logger.exception("worker pass failed; retrying in %s s", idle_seconds)
        if not handled and not stop.is_set():
            await waker.wait(idle_seconds)


@dataclass
class NurtureWorker:
    sender: NurtureSender
    engine: AsyncEngine | None  # owned (closed with the worker) when the worker made it


def build_sender(
    settings: Settings,
    *,
    engine: AsyncEngine | None = None,
    clock: Clock | None = None,
    concurrency: int = 16,
    lease: timedelta = timedelta(minutes=5),
) -> NurtureWorker:
    """A sender from settings; with `engine`, it shares the caller's database pool."""
    settings.require_secrets("LEADBOT_SECRET_KEY")
    owned = engine is None
    if engine is None:
        # Its own small pool (a pass runs one transaction at a time); no ping per checkout
        # (a broken connection fails the pass, which is retried).
        options = {} if settings.database_url.startswith("sqlite") else {
            "pool_pre_ping": False, "pool_size": 2, "max_overflow": 2,
        }  # fmt: skip
        engine = make_engine(settings.database_url, **options)
    name = parseaddr(settings.mail_from)[0] or "The Leadbot team"
    sender = NurtureSender(
        make_session_factory(engine),
        handover_from_settings(settings),
        load_sequences(settings.sequences_file),
        Signer(settings.secret_key or DEV_SECRET_KEY),
        NurtureSettings(
            public_url=settings.public_url, mail_from=settings.mail_from, sender_name=name
        ),
        clock or SystemClock(),
        concurrency=concurrency,
        lease=lease,
    )
    return NurtureWorker(sender=sender, engine=engine if owned else None)


@contextlib.asynccontextmanager
async def running(
    work: Sequence[DueWork],
    database_url: str | None = None,
    idle_seconds: float = IDLE_SECONDS,
    grace_seconds: float = 30.0,
) -> AsyncIterator[None]:
    """Run the loop as a task for the life of the block (the web app's cleanup context),
    woken by commits to `database_url` (bot.outbox.wakeup: LISTEN on PostgreSQL, the
    database file on SQLite) as well as every `idle_seconds`; on exit the pass in
    progress may finish (up to `grace_seconds`)."""
    waker = await waker_for(database_url) if database_url else TimerWaker()
    stop = asyncio.Event()
    task = asyncio.create_task(
        run_worker(work, waker=waker, idle_seconds=idle_seconds, stop=stop),
        name="nurture-worker",
    )
    try:
        yield
    finally:
        stop.set()
        waker.poke()
        try:
            await asyncio.wait_for(asyncio.shield(task), grace_seconds)
        except asyncio.TimeoutError:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await waker.close()


async def _main(drain: bool, concurrency: int, lease: float, idle: float) -> int:
    settings = load_settings()
    worker = build_sender(settings, concurrency=concurrency, lease=timedelta(seconds=lease))
    try:
        if drain:
            total = 0
            while handled := await worker.sender.deliver_due():
                total += handled
            logger.info("drained %d due step(s)", total)
            return 0
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        async with running([worker.sender], settings.database_url, idle_seconds=idle):
            await stop.wait()
        return 0
    finally:
        await worker.sender.handover.close()
        if worker.engine is not None:
            await worker.engine.dispose()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bot.nurture.worker", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--drain", action="store_true", help="send what is due now, then exit")
    parser.add_argument("--concurrency", type=int, default=16, help="emails in flight at once")
    parser.add_argument(
        "--lease", type=float, default=300.0, help="seconds a claimed step stays this worker's"
    )
    parser.add_argument("--idle", type=float, default=IDLE_SECONDS, help="seconds between polls")
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    return asyncio.run(_main(args.drain, args.concurrency, args.lease, args.idle))


if __name__ == "__main__":
    sys.exit(main())
