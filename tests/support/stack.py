"""Starts the real stack for tests: the action server and Rasa with the trained model.

Started once per test session (Rasa takes ~40-60 s and ~1 GB to start), on free loopback
ports, and always stopped at the end.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
RASA_PY = ROOT / ".venv" / "rasa" / "bin" / "python"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def trained_model() -> Path | None:
    named = os.environ.get("LEADBOT_TEST_MODEL")
    if named:
        return Path(named)
    models = sorted((ROOT / "models").glob("leadbot-*.tar.gz"), key=lambda p: p.stat().st_mtime)
    return models[-1] if models else None


def rasa_start_limit() -> float:
    """Seconds Rasa may take to load its model: 300, or LEADBOT_TEST_RASA_START_S (a busy
    shared machine can need more)."""
    return float(os.environ.get("LEADBOT_TEST_RASA_START_S") or 300)


@dataclass
class Stack:
    rasa_url: str
    token: str
    actions_url: str
    tracker_store_url: str
    # The action server's and Rasa's processes (tests check that none exited).
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    def say(self, sender: str, text: str, metadata: dict[str, Any] | None = None) -> list[str]:
        body = {"sender": sender, "message": text, "metadata": metadata or {}}
        replies = self._request("POST", "/webhooks/rest/webhook", body)
        return [r.get("text", "") for r in replies if "text" in r]

    def tracker(self, sender: str) -> dict[str, Any]:
        result: dict[str, Any] = self._request("GET", f"/conversations/{sender}/tracker")
        return result

    def slots(self, sender: str) -> dict[str, Any]:
        return dict(self.tracker(sender)["slots"])

    def _request(self, method: str, path: str, body: Any = None) -> Any:
        sep = "&" if "?" in path else "?"
        url = f"{self.rasa_url}{path}{sep}token={self.token}"
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(
            url, data=data, method=method, headers={"Content-Type": "application/json"}
        )
        with urllib.request.urlopen(req, timeout=60) as resp:
            return json.loads(resp.read() or b"null")


def _wait_ready(
    url: str, procs: list[subprocess.Popen[bytes]], logs: list[Path], limit: float
) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        for proc, log in zip(procs, logs, strict=True):
            if proc.poll() is not None:
                raise RuntimeError(f"{log.name} exited during start-up:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2) as resp:
                if resp.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(1)
    raise RuntimeError(f"not ready after {limit:.0f} s: {url}")


@contextmanager
def running_stack(model: Path, workdir: Path, env: dict[str, str] | None = None) -> Iterator[Stack]:
    """Action server + Rasa on free ports; logs and the SQLite tracker store under workdir
    (the embedded default's store, so tests can check what an erase leaves behind)."""
    actions_port, rasa_port = free_port(), free_port()
    token = "test-token-" + os.urandom(8).hex()
    endpoints = workdir / "endpoints.yml"
    endpoints.write_text(
        f'action_endpoint:\n  url: "http://127.0.0.1:{actions_port}/webhook"\n'
        "lock_store:\n  type: in_memory\n"
        f'tracker_store:\n  type: SQL\n  dialect: sqlite\n  db: "{workdir / "tracker.db"}"\n'
    )
    child_env = {
        **os.environ,
        "TF_CPP_MIN_LOG_LEVEL": "2",
        "SANIC_HOST": "127.0.0.1",
        # the action server's .eml files and spool stay in this test's folder, never var/
        "LEADBOT_MAIL_DIR": str(workdir / "mail"),
        "LEADBOT_SPOOL_DIR": str(workdir / "spool"),
        **(env or {}),
    }
    logs = [workdir / "actions.log", workdir / "rasa.log"]
    procs: list[subprocess.Popen[bytes]] = []
    try:
        with logs[0].open("wb") as out:
            procs.append(
                subprocess.Popen(
                    [
                        sys.executable,
                        "-m",
                        "rasa_sdk",
                        "--actions",
                        "actions",
                        "--port",
                        str(actions_port),
                    ],
                    cwd=ROOT,
                    env=child_env,
                    stdout=out,
                    stderr=subprocess.STDOUT,
                )
            )
        with logs[1].open("wb") as out:
            procs.append(
                subprocess.Popen(
                    [
                        str(RASA_PY),
                        str(ROOT / "scripts" / "rasa_serve.py"),
                        "run",
                        "--model",
                        str(model),
                        "--endpoints",
                        str(endpoints),
                        "--credentials",
                        str(ROOT / "credentials.yml"),
                        "--interface",
                        "127.0.0.1",
                        "--port",
                        str(rasa_port),
                        "--enable-api",
                        "--auth-token",
                        token,
                    ],
                    cwd=ROOT,
                    env=child_env,
                    stdout=out,
                    stderr=subprocess.STDOUT,
                )
            )
        rasa_url = f"http://127.0.0.1:{rasa_port}"
        _wait_ready(f"http://127.0.0.1:{actions_port}/health", procs[:1], logs[:1], 60)
        _wait_ready(f"{rasa_url}/status?token={token}", procs, logs, rasa_start_limit())
        yield Stack(
            rasa_url=rasa_url,
            token=token,
            actions_url=f"http://127.0.0.1:{actions_port}",
            tracker_store_url=f"sqlite:///{workdir / 'tracker.db'}",
            processes={"actions": procs[0], "rasa": procs[1]},
        )
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()  # reaped, or pytest warns "subprocess is still running"
