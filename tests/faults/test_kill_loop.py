"""A seeded loop of SIGKILLs of the real servers, with PostgreSQL cut and restored through
a TCP proxy and people erased while the spool drains.

- The action server, `python -m rasa_sdk --actions actions`, killed at a random moment
  while it answers a stream of Rasa's requests to run `action_score_and_store_lead`
  (tests/support/action_call.py: the JSON Rasa 3.6 sends for a finished qualification,
  three visitors at a time), the database up, down, or cut mid-round.
- The web app, `python -m bot.web`, killed at a random moment after it starts listening:
  its worker drains the lead spool as it starts, so the kill lands before, during or after
  the drain; sometimes the database is cut mid-drain. Meanwhile a person captured earlier
  (half the time the one whose lead the drain takes next) is erased, through the killed web
  app's people API (a kill may cut the erasure off: it is then sent again to a second web
  app that stays up, as an operator would retry) or through that second one.

Afterwards: every lead whose reply reached "Rasa" (the action server said it is kept) is
stored, spooled or quarantined; a request the kill cut off left its lead whole or absent;
no lead, transcript or score is stored twice or half; no spool file is half-written;
no row of any table names an erased person; no server crashed or answered anything but
"kept"; no connection of a killed process is left open. A final drain (by the web app
that stayed up) then delivers everything still spooled.

Real servers, started cheaply: each start forks from a process that imported the server's
modules once (tests/support/prewarmed.py) and runs the module exactly as `python -m`
does. Measured here, a start costs ~0.4 s (action server) or ~1.5 s (the web app, which
checks its migrations first) instead of ~5 s and ~3.5 s cold: the loop takes 1.5-2
minutes, against ~3 with LEADBOT_FAULT_COLD=1 (every server a fresh interpreter, same
loop), more on a busier machine. So all 50 kills are of real servers, split at random
(seeded) between the two, about 55/45. LEADBOT_FAULT_SEED (15) and LEADBOT_FAULT_KILLS
(50) change the seed and the number of kills.

Removing a spool file before its lead commits, or the erasure's file lock, makes this
test fail (seen: 7 leads lost; 3 erased people back, with seeds 15 and 4).
"""

from __future__ import annotations

import asyncio
import itertools
import json
import os
import random
import re
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp.test_utils import TestClient
from sqlalchemy import func, select, text
from sqlalchemy.engine import make_url

from bot.bootstrap import Services
from bot.leads.models import Conversation, Lead, ScoreHistory, TranscriptMessage
from bot.leads.spool import LeadSpool
from tests.support.action_call import finished_qualification, transcript_length
from tests.support.prewarmed import ColdStarts, Launcher, Prewarmed
from tests.support.stack import free_port
from tests.support.tcp_proxy import TcpProxy
from tests.web.conftest import AUTH, TOKEN, StartApp, services_of

pytestmark = pytest.mark.postgres
SEED = int(os.environ.get("LEADBOT_FAULT_SEED", "15"))
KILLS = int(os.environ.get("LEADBOT_FAULT_KILLS", "50"))
COLD = os.environ.get("LEADBOT_FAULT_COLD") == "1"
VISITORS = 3  # requests the capture keeps in flight
KEPT = ("utter_lead_handoff", "utter_lead_nurture")
ACTIONS_PRELOAD = ("rasa_sdk.endpoint", "actions", "asyncpg")
WEB_PRELOAD = ("bot", "alembic.command", "asyncpg")
START_LIMIT_S = 120.0  # a server not listening by then fails the test (busy machines)
TRANSCRIPT = transcript_length(finished_qualification("x", "x@kill.example"))


@dataclass
class Tally:
    captured: set[str] = field(default_factory=set)  # the reply said "kept"
    told_not_kept: set[str] = field(default_factory=set)
    cut_off: set[str] = field(default_factory=set)  # in flight when the server was killed
    other_answers: list[str] = field(default_factory=list)  # anything else: a failure
    erased: set[str] = field(default_factory=set)
    erasures_sent_again: int = 0  # the killed web app never said 200: the stable one erased
    kills: dict[str, int] = field(default_factory=lambda: {"action_server": 0, "web_app": 0})
    kills_mid_request: int = 0
    drain_kills: dict[str, int] = field(
        default_factory=lambda: {"nothing_spooled": 0, "before": 0, "during": 0, "after": 0}
    )
    drained_before_kills: int = 0  # spool files gone while a killed web app ran
    cuts: int = 0
    rounds: int = 0


class Database:
    """PostgreSQL as the servers see it: through the proxy, up or cut."""

    def __init__(self, proxy: TcpProxy, tally: Tally) -> None:
        self.proxy = proxy
        self.tally = tally
        self.up = True

    async def set(self, up: bool) -> None:
        if up and not self.up:
            await self.proxy.start()
        elif not up and self.up:
            await self.proxy.cut()
            self.tally.cuts += 1
        self.up = up


@dataclass
class Servers:
    actions: Launcher
    web: Launcher
    env: dict[str, str]
    logs: Path
    spool: Path
    session: aiohttp.ClientSession

    def log(self, name: str) -> Path:
        return self.logs / f"{name}.log"

    async def start(self, kind: str, name: str) -> tuple[int, str, Path]:
        """Start the action server or the web app on a free port; (pid, base URL, log)
        once it answers. A port someone took meanwhile is tried again with another."""
        launcher = self.actions if kind == "actions" else self.web
        for attempt in range(3):
            port = free_port()
            log = self.log(f"{name}-{attempt}" if attempt else name)
            if kind == "actions":
                args = ["--actions", "actions", "--port", str(port)]
                pid = await launcher.start("rasa_sdk", args, self.env, log)
                health = "/health"
            else:
                env = {**self.env, "LEADBOT_PORT": str(port)}
                pid = await launcher.start("bot.web", [], env, log)
                health = "/healthz"
            base = f"http://127.0.0.1:{port}"
            if await self.listening(launcher, pid, base + health, log):
                return pid, base, log
        pytest.fail(f"{name}: no free port in 3 tries")

    async def listening(self, launcher: Launcher, pid: int, url: str, log: Path) -> bool:
        """Wait until the server answers `url` at all (True). False if its port was
        taken; any other exit, or no answer for START_LIMIT_S, fails the test."""
        deadline = time.monotonic() + START_LIMIT_S
        while True:
            try:
                async with self.session.get(url) as response:
                    await response.read()
                    return True
            except aiohttp.ClientError:
                pass
            code = await launcher.poll(pid)
            if code is not None:
                if "address already in use" in tail(log).lower():
                    return False
                pytest.fail(f"{log.name}: exited ({code}) while starting:\n{tail(log)}")
            if time.monotonic() > deadline:
                pytest.fail(f"{log.name}: not listening after {START_LIMIT_S:.0f} s\n{tail(log)}")
            await asyncio.sleep(0.05)

    async def kill(self, launcher: Launcher, pid: int, log: Path) -> None:
        code = await launcher.kill(pid)
        assert code == -9, f"{log.name}: exited by itself ({code}):\n{tail(log)}"


def pending(spool: Path) -> list[Path]:
    """Spooled leads, oldest first (the drain's order); a file's stem is its conversation."""
    return LeadSpool(spool).pending()


def tail(log: Path) -> str:
    return log.read_text(errors="replace")[-3000:] if log.exists() else "(no log)"


@pytest.fixture
async def proxy(postgres_url: str) -> AsyncIterator[TcpProxy]:
    real = make_url(postgres_url)
    proxy = TcpProxy(real.host or "127.0.0.1", real.port or 5432)
    await proxy.start()
    yield proxy
    await proxy.cut()


@pytest.fixture
async def launchers() -> AsyncIterator[tuple[Launcher, Launcher]]:
    """(action server, web app): prewarmed processes, or cold starts."""
    if COLD:
        yield ColdStarts(), ColdStarts()
        return
    env = dict(os.environ)
    warm = await asyncio.gather(
        Prewarmed.open(ACTIONS_PRELOAD, env=env), Prewarmed.open(WEB_PRELOAD, env=env)
    )
    try:
        yield warm[0], warm[1]
    finally:
        await asyncio.gather(*(w.close() for w in warm))


def server_env(proxied_url: str, tmp_path: Path) -> dict[str, str]:
    """The environment the run script gives the servers, pointed at this test's folder
    and at the proxied database; none of the developer's own LEADBOT_* settings."""
    inherited = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("LEADBOT_", "RASA_", "SMTP_", "SANIC_", "ACTIONS_"))
        and key != "DATABASE_URL"
    }
    return {
        **inherited,
        "LEADBOT_ENV": "development",
        "DATABASE_URL": proxied_url,
        "RASA_TRACKER_URL": f"sqlite:///{tmp_path}/rasa_tracker.db",  # the stable app's
        "LEADBOT_SPOOL_DIR": str(tmp_path / "spool"),
        "LEADBOT_MAIL_DIR": str(tmp_path / "mail"),
        "LEADBOT_API_TOKEN": TOKEN,
        "LEADBOT_HOST": "127.0.0.1",
        "RASA_URLS": "http://127.0.0.1:9",  # no Rasa: nothing here talks to it
        "SANIC_HOST": "127.0.0.1",
    }


async def test_real_servers_killed_at_random_points_nothing_lost_nothing_resurrected(
    start_app: StartApp,
    postgres_url: str,
    proxy: TcpProxy,
    launchers: tuple[Launcher, Launcher],
    tmp_path: Path,
) -> None:
    began = time.monotonic()
    stable = await start_app(postgres_url)  # the web app that stays up (direct to PostgreSQL)
    services = services_of(stable)
    proxied = make_url(postgres_url).set(port=proxy.port).render_as_string(hide_password=False)
    (tmp_path / "logs").mkdir()
    rng = random.Random(SEED)
    tally = Tally()
    database = Database(proxy, tally)
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=120)) as session:
        servers = Servers(
            actions=launchers[0],
            web=launchers[1],
            env=server_env(proxied, tmp_path),
            logs=tmp_path / "logs",
            spool=services.settings.spool_dir,
            session=session,
        )
        while sum(tally.kills.values()) < KILLS:
            tally.rounds += 1
            if rng.random() < 0.55:
                await capture_round(servers, database, rng, tally)
            else:
                await drain_round(servers, database, rng, tally, stable)

    # Every server is dead: each connection it had through the proxy must be closed on
    # the database side too (else a dead transaction's row locks stall the final drain).
    assert await proxy.settled(30), f"{proxy.live} connection(s) of killed servers left open"
    await database.set(up=False)
    waiting = len(services.spool.pending())
    drain_began = time.monotonic()
    final = await final_drain(services)
    drain_seconds = time.monotonic() - drain_began

    stored = await stored_conversations(services)
    spooled = {json.loads(p.read_text())["conversation_id"] for p in services.spool.pending()}
    entries = services.spool.quarantine.entries()
    quarantined = {e.conversation_id for e in entries if e.conversation_id}
    kept = tally.captured - tally.erased
    everywhere = stored | spooled | quarantined
    figures = {
        "seed": SEED,
        "cold_starts": COLD,
        "rounds": tally.rounds,
        "kills": tally.kills,
        "action_server_kills_with_requests_in_flight": tally.kills_mid_request,
        "web_app_kills_by_drain_stage": tally.drain_kills,
        "database_cuts": tally.cuts,
        "captured": len(tally.captured),
        "cut_off_requests": len(tally.cut_off),
        "cut_off_stored_or_spooled": len(tally.cut_off & everywhere),
        "told_not_kept": len(tally.told_not_kept),
        "erased": len(tally.erased),
        "erasures_sent_again": tally.erasures_sent_again,
        "stored": len(stored & kept),
        "drained_before_kills": tally.drained_before_kills,
        "spooled_before_final_drain": waiting,
        "delivered_by_final_drain": final,
        "final_drain_seconds": round(drain_seconds, 1),
        "spooled": len(spooled),
        "quarantined": len(entries),
        "lost": len(kept - everywhere),
        "resurrected": len(tally.erased & everywhere),
        "seconds": round(time.monotonic() - began),
    }
    print("\nkill loop:", json.dumps(figures))
    (tmp_path / "figures.json").write_text(json.dumps(figures))

    assert tally.other_answers == []  # no 5xx, no "not saved" with a working disk
    assert tally.told_not_kept == set()
    assert kept - everywhere == set()  # nothing the visitor was told is kept is lost
    assert tally.erased & everywhere == set()  # nothing resurrected
    assert await erased_mentions(services, tally.erased) == {}
    assert await erased_mentions(services, set(sorted(kept)[:1]))  # the probe sees a person
    assert await unwhole_conversations(services) == []  # never half-written, never twice
    assert [e.reason for e in entries] == []  # valid leads: none refused, none half-written
    assert spooled == set()  # the final drain delivered every one
    assert kept, "no lead captured: the loop tested nothing"
    if KILLS >= 10:
        assert tally.kills["action_server"] > 0
        assert tally.kills["web_app"] > 0
    assert sum(tally.kills.values()) >= KILLS


async def capture_round(
    servers: Servers, database: Database, rng: random.Random, tally: Tally
) -> None:
    """Start an action server, send it finished conversations three at a time, kill it."""
    await database.set(up=rng.random() >= 0.3)
    pid, base, log = await servers.start("actions", f"actions-{tally.rounds}")
    webhook = f"{base}/webhook"
    numbers = itertools.count()
    in_flight: set[str] = set()

    async def visitor() -> None:
        while True:
            n = next(numbers)
            conversation = f"r{tally.rounds}-{n}"
            call = finished_qualification(
                conversation, f"{conversation}@kill.example", hot=n % 3 != 2
            )
            in_flight.add(conversation)
            try:
                async with servers.session.post(webhook, json=call) as response:
                    status, body = response.status, await response.read()
            except aiohttp.ClientConnectorError:
                return  # the server was already gone: this one was never sent
            except (aiohttp.ClientError, asyncio.TimeoutError):
                tally.cut_off.add(conversation)
                return
            finally:
                in_flight.discard(conversation)
            record_answer(tally, conversation, status, body)

    visitors = [asyncio.ensure_future(visitor()) for _ in range(VISITORS)]
    alive = rng.uniform(0.1, 1.2)
    if rng.random() < 0.3:  # the database changes state mid-round
        switch = rng.uniform(0.0, alive)
        await asyncio.sleep(switch)
        await database.set(up=not database.up)
        alive -= switch
    await asyncio.sleep(alive)
    if in_flight:
        tally.kills_mid_request += 1
    await servers.kill(servers.actions, pid, log)
    tally.kills["action_server"] += 1
    await asyncio.gather(*visitors)


def record_answer(tally: Tally, conversation: str, status: int, body: bytes) -> None:
    said = None
    if status == 200:
        responses = json.loads(body).get("responses") or [{}]
        said = responses[0].get("response")
    if said in KEPT:
        tally.captured.add(conversation)
    elif said == "utter_lead_not_saved":
        tally.told_not_kept.add(conversation)
    else:
        tally.other_answers.append(f"{conversation}: {status} {body[:200]!r}")


async def drain_round(
    servers: Servers,
    database: Database,
    rng: random.Random,
    tally: Tally,
    stable: TestClient[Any, Any],
) -> None:
    """Start a web app (its worker drains the spool at once), erase someone, kill it."""
    await database.set(up=True)  # the web app checks its migrations first: it needs one
    spooled = len(pending(servers.spool))
    pid, base, log = await servers.start("web", f"web-{tally.rounds}")
    erasure = None
    victims = sorted(tally.captured - tally.erased)
    # Half the time the person whose lead the drain has in hand or takes next (the oldest
    # file): the erasure and the drain then race for the same lead.
    next_up = [p.stem for p in pending(servers.spool)[:1] if p.stem in victims]
    if victims and rng.random() < 0.6:
        victim = rng.choice(next_up if next_up and rng.random() < 0.5 else victims)
        tally.erased.add(victim)
        via = base if rng.random() < 0.5 else None
        erasure = asyncio.ensure_future(erase(servers.session, stable, victim, via, tally))
    alive = rng.uniform(0.0, 3.0)
    if rng.random() < 0.2:  # the database goes down mid-drain
        cut = rng.uniform(0.0, alive)
        await asyncio.sleep(cut)
        await database.set(up=False)
        alive -= cut
    await asyncio.sleep(alive)
    await servers.kill(servers.web, pid, log)
    tally.kills["web_app"] += 1
    left = len(pending(servers.spool))
    tally.drained_before_kills += max(spooled - left, 0)
    stage = (
        "nothing_spooled"
        if spooled == 0
        else "before"
        if left >= spooled
        else "after"
        if left == 0
        else "during"
    )
    tally.drain_kills[stage] += 1
    if erasure is not None:
        await asyncio.wait_for(erasure, 120)


async def erase(
    session: aiohttp.ClientSession,
    stable: TestClient[Any, Any],
    conversation: str,
    via: str | None,
    tally: Tally,
) -> None:
    """DELETE the person through the web app at `via` (None: the stable one); if that one
    is killed (or answers other than 200), again through the stable one, which must erase."""
    path = f"/api/people/{conversation}@kill.example"
    if via is not None:
        try:
            async with session.delete(via + path, headers=AUTH) as response:
                await response.read()
                if response.status == 200:
                    return
        except aiohttp.ClientError:
            pass
        tally.erasures_sent_again += 1
    response = await stable.delete(path, headers=AUTH)
    assert response.status == 200, await response.text()


async def final_drain(services: Services) -> int:
    """What the web app that stayed up does next: drain until the spool is clean. A pass
    that finds the database "down" is tried again (bounded), then it must pass."""
    delivered = 0
    for _ in range(10):
        report = await services.spool.drain_pass(
            services.uow, wait=True, on_stored=services.lead_stored_hook()
        )
        delivered += report.delivered
        if report.outage is None:
            return delivered
    raise AssertionError(f"final drain: {report.outage}; {await activity(services)}")


async def activity(services: Services) -> list[tuple[Any, ...]]:
    """The database's other sessions, to say why a drain could not get through."""
    query = text(
        "SELECT pid, state, wait_event_type, left(query, 120) FROM pg_stat_activity "
        "WHERE datname = current_database() AND pid <> pg_backend_pid()"
    )
    async with services.engine.connect() as connection:
        return [tuple(row) for row in await connection.execute(query)]


async def stored_conversations(services: Services) -> set[str]:
    async with services.engine.connect() as connection:
        rows = await connection.execute(
            select(Conversation.id).where(Conversation.lead_id.is_not(None))
        )
        return set(rows.scalars())


async def erased_mentions(services: Services, erased: set[str]) -> dict[str, int]:
    """Rows of any table of the lead store that still name an erased person: their
    conversation id or email anywhere in the row (a transcript, an outbox payload...)."""
    if not erased:
        return {}
    # \m \M: word bounds, so r1-1 is not found in r1-10 (its email contains its id)
    patterns = [rf"\m{re.escape(conversation)}\M" for conversation in sorted(erased)]
    found: dict[str, int] = {}
    async with services.engine.connect() as connection:
        tables = await connection.execute(
            text("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
        )
        for table in tables.scalars().all():
            query = text(f'SELECT count(*) FROM "{table}" AS r WHERE r::text ~ ANY(:patterns)')
            count = (await connection.execute(query, {"patterns": patterns})).scalar_one()
            if count:
                found[str(table)] = int(count)
    return found


async def unwhole_conversations(services: Services) -> list[tuple[str, int, int]]:
    """Conversations whose lead is missing its transcript or score, or has them twice."""
    async with services.engine.connect() as connection:
        messages = (
            select(func.count())
            .where(TranscriptMessage.conversation_id == Conversation.id)
            .scalar_subquery()
        )
        scores = (
            select(func.count())
            .where(ScoreHistory.conversation_id == Conversation.id)
            .scalar_subquery()
        )
        rows = await connection.execute(select(Conversation.id, messages, scores))
        leads_per_email = await connection.execute(
            select(Lead.email, func.count()).group_by(Lead.email).having(func.count() > 1)
        )
        doubled = [(str(email), -1, int(n)) for email, n in leads_per_email]
        return doubled + [
            (str(cid), int(m), int(s)) for cid, m, s in rows if (int(m), int(s)) != (TRANSCRIPT, 1)
        ]
