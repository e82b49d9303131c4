"""Chaos: the real stack under `make run`'s supervisor, and its processes killed one by one.

Three visitors are in the middle of the qualification form. Rasa, then the action server,
then the bot web app get SIGKILL, one at a time; each must come back on its own (the
supervisor), each visitor's next message must be answered where the conversation was (the
SQLite tracker store kept it), and at the end the lead store holds exactly one lead per
finished conversation: none lost, none doubled. Each restart's time (from the kill to the
process answering its health check) is printed and written to var/reliability/chaos.json.

Takes about 4-6 minutes here (Rasa loads its model twice, ~1-2 min each on a busy machine).
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.leads.migrate import upgrade
from tests.conversations.test_qualification import names
from tests.support.stack import RASA_PY, Stack, free_port, rasa_start_limit

pytestmark = pytest.mark.rasa
ROOT = Path(__file__).resolve().parents[2]
START_LIMIT_S = max(400.0, rasa_start_limit())

# One visitor's whole form, and the response each turn must get.
SCRIPT = (
    ("hi there", ["utter_greet"]),
    ("I'd like to book a demo please", None),  # asks for the need (wording may vary)
    ("we lose inbound leads at night because nobody answers the chat", ["utter_ask_budget"]),
    ("about $60k a year", ["utter_ask_authority"]),
    ("I'm the head of sales", ["utter_ask_timeline"]),
    ("in 3 months", ["utter_ask_name"]),
    ("Sophie Laurent", ["utter_ask_email"]),
    ("{email}", ["utter_ask_company"]),
    ("Northwind Traders", ["utter_lead_handoff", "utter_booking_offer"]),
)


@dataclass
class Supervised:
    proc: subprocess.Popen[bytes]
    stack: Stack
    run_dir: Path
    health: dict[str, str]
    web_url: str
    api_token: str
    leads_db: Path

    def pid(self, name: str) -> int:
        return int((self.run_dir / f"{name}.pid").read_text())


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=3) as response:
            return bool(response.status == 200)
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
        return False


def _wait_healthy(supervised: Supervised, name: str, limit: float) -> float:
    started = time.monotonic()
    while time.monotonic() - started < limit:
        assert supervised.proc.poll() is None, "the supervisor gave up"
        if _healthy(supervised.health[name]):
            return time.monotonic() - started
        time.sleep(0.25)
    raise AssertionError(f"{name} not healthy after {limit:.0f} s")


@pytest.fixture(scope="module")
def supervised(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Supervised]:
    from tests.support.stack import trained_model

    model = trained_model()
    if model is None or not model.exists() or not RASA_PY.exists():
        pytest.skip("no trained model or rasa environment: run `make train` (make test does)")
    tmp: Path = tmp_path_factory.mktemp("chaos")
    ports = {name: free_port() for name in ("actions", "rasa", "web")}
    token, api_token = secrets.token_urlsafe(16), secrets.token_urlsafe(16)
    endpoints = tmp / "endpoints.yml"
    endpoints.write_text(
        f'action_endpoint:\n  url: "http://127.0.0.1:{ports["actions"]}/webhook"\n'
        "lock_store:\n  type: in_memory\n"
        f'tracker_store:\n  type: SQL\n  dialect: sqlite\n  db: "{tmp / "tracker.db"}"\n'
    )
    leads_db = tmp / "leads.db"
    upgrade(f"sqlite:///{leads_db}")
    env = {
        **os.environ,
        "TF_CPP_MIN_LOG_LEVEL": "2",
        "LEADBOT_ENV": "development",
        "ACTIONS_PORT": str(ports["actions"]),
        "RASA_PORT": str(ports["rasa"]),
        "LEADBOT_PORT": str(ports["web"]),
        "LEADBOT_HOST": "127.0.0.1",
        "RASA_TOKEN": token,
        "RASA_URLS": f"http://127.0.0.1:{ports['rasa']}",
        "LEADBOT_ENDPOINTS": str(endpoints),
        "DATABASE_URL": f"sqlite:///{leads_db}",
        "RASA_TRACKER_URL": f"sqlite:///{tmp / 'tracker.db'}",
        "LEADBOT_SPOOL_DIR": str(tmp / "spool"),
        "LEADBOT_MAIL_DIR": str(tmp / "mail"),
        "LEADBOT_API_TOKEN": api_token,
        "LEADBOT_SECRET_KEY": secrets.token_urlsafe(32),
    }
    run_dir = tmp / "run"
    with (tmp / "supervisor.log").open("wb") as log:
        proc = subprocess.Popen(
            [
                sys.executable,
                str(ROOT / "scripts" / "supervise.py"),
                "--model",
                str(model),
                "--log-dir",
                str(tmp / "log"),
                "--pid-dir",
                str(run_dir),
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    rasa_url = f"http://127.0.0.1:{ports['rasa']}"
    supervised = Supervised(
        proc=proc,
        stack=Stack(
            rasa_url=rasa_url,
            token=token,
            actions_url=f"http://127.0.0.1:{ports['actions']}",
            tracker_store_url=f"sqlite:///{tmp / 'tracker.db'}",
        ),
        run_dir=run_dir,
        health={
            "actions": f"http://127.0.0.1:{ports['actions']}/health",
            "rasa": f"{rasa_url}/status?token={token}",
            "bot": f"http://127.0.0.1:{ports['web']}/healthz",
        },
        web_url=f"http://127.0.0.1:{ports['web']}",
        api_token=api_token,
        leads_db=leads_db,
    )
    try:
        for name in ("actions", "bot", "rasa"):
            _wait_healthy(supervised, name, START_LIMIT_S)
        yield supervised
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
        print((tmp / "supervisor.log").read_text()[-4000:])


class Visitor:
    def __init__(self, stack: Stack, label: str) -> None:
        self.stack = stack
        self.sender = f"chaos-{label}-{uuid.uuid4().hex[:8]}"
        self.email = f"sophie.{uuid.uuid4().hex[:8]}@northwind.io"
        self.step = 0

    def next_turn(self) -> None:
        text, expected = SCRIPT[self.step]
        replies = names(self.stack.say(self.sender, text.format(email=self.email)))
        if expected is not None:
            assert replies == expected, (self.sender, self.step, text, replies)
        else:
            assert replies, (self.sender, self.step, text)
        self.step += 1

    def until(self, step: int) -> None:
        while self.step < step:
            self.next_turn()


def _kill(supervised: Supervised, name: str) -> float:
    """SIGKILL the process, wait until a new one answers its health check: seconds taken."""
    old = supervised.pid(name)
    os.kill(old, signal.SIGKILL)
    killed = time.monotonic()
    deadline = killed + START_LIMIT_S
    while time.monotonic() < deadline:
        try:
            if supervised.pid(name) != old:
                break
        except (FileNotFoundError, ValueError):
            pass
        time.sleep(0.1)
    _wait_healthy(supervised, name, START_LIMIT_S)
    return time.monotonic() - killed


def _leads(supervised: Supervised) -> tuple[int, list[tuple[str, str]]]:
    """How many leads the store holds, and (conversation, email) of each one's chats."""
    connection = sqlite3.connect(f"file:{supervised.leads_db}?mode=ro", uri=True)
    try:
        count = int(connection.execute("SELECT count(*) FROM leads").fetchone()[0])
        rows = connection.execute(
            "SELECT c.id, l.email FROM leads l JOIN conversations c ON c.lead_id = l.id"
        ).fetchall()
    finally:
        connection.close()
    return count, [(str(conversation), str(email)) for conversation, email in rows]


def _api_leads(supervised: Supervised, conversation_id: str) -> list[dict[str, object]]:
    request = urllib.request.Request(
        f"{supervised.web_url}/api/leads?conversation_id={conversation_id}",
        headers={"Authorization": f"Bearer {supervised.api_token}"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        items: list[dict[str, object]] = json.loads(response.read())["items"]
        return items


def test_each_process_killed_comes_back_and_no_lead_is_lost_or_doubled(
    supervised: Supervised,
) -> None:
    stack = supervised.stack
    a, b, c = (Visitor(stack, label) for label in "abc")
    a.until(3)  # need given, asked for the budget
    b.until(5)  # asked for the timeline
    c.until(7)  # asked for the email

    restarts: dict[str, float] = {}
    restarts["rasa"] = _kill(supervised, "rasa")
    a.next_turn()  # budget -> authority: the form went on where it was
    restarts["actions"] = _kill(supervised, "actions")
    b.next_turn()  # timeline -> name (validated by the new action server)
    c.next_turn()  # email -> company
    restarts["bot"] = _kill(supervised, "bot")
    for visitor in (a, b, c):
        visitor.until(len(SCRIPT))  # every lead captured

    figures = {name: round(seconds, 1) for name, seconds in restarts.items()}
    out = ROOT / "var" / "reliability" / "chaos.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"restart_seconds": figures}, indent=2) + "\n")
    print(f"restart times (kill -> healthy): {figures}")

    count, stored = _leads(supervised)
    assert count == 3, stored
    assert sorted(stored) == sorted((v.sender, v.email) for v in (a, b, c)), stored
    for visitor in (a, b, c):
        listed = _api_leads(supervised, visitor.sender)
        assert len(listed) == 1, listed
    assert supervised.proc.poll() is None
