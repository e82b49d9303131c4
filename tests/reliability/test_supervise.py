"""scripts/supervise.py, `make run`'s supervisor, with small stand-in processes (the real
stack under it is tests/reliability/test_chaos.py).

Before issue 16, scripts/run.sh stopped every process as soon as one exited ("error: a
process stopped") and nothing started it again: the first two tests fail on it.
"""

from __future__ import annotations

import os
import re
import runpy
import signal
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.support.stack import free_port

ROOT = Path(__file__).resolve().parents[2]
SUPERVISE = runpy.run_path(str(ROOT / "scripts" / "supervise.py"), run_name="supervise")


def _driver(services: str, **options: object) -> str:
    """A Python program that supervises `services` (a Python expression of Service(...)s)."""
    return textwrap.dedent(
        f"""
        import asyncio, runpy, sys
        from pathlib import Path
        m = runpy.run_path({str(ROOT / "scripts" / "supervise.py")!r}, run_name="supervise")
        Service = m["Service"]
        py = sys.executable
        supervisor = m["Supervisor"](
            {services}, Path(sys.argv[1]) / "log", Path(sys.argv[1]) / "run", **{options!r}
        )
        sys.exit(asyncio.run(supervisor.run()))
        """
    )


@contextmanager
def supervising(tmp: Path, services: str, **options: object) -> Iterator[subprocess.Popen[str]]:
    proc = subprocess.Popen(
        [sys.executable, "-c", _driver(services, **options), str(tmp)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        yield proc
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=30)


class LineReader:
    """The supervisor's output, read as it comes (a thread), so a test can wait for a line."""

    def __init__(self, proc: subprocess.Popen[str]) -> None:
        self.lines: list[str] = []
        self._stdout = proc.stdout
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()

    def _read(self) -> None:
        assert self._stdout is not None
        for line in self._stdout:
            self.lines.append(line)

    def wait_for(self, needle: str, limit: float = 30.0) -> str:
        found = wait_for(
            lambda: next((line for line in self.lines if needle in line), None), needle, limit
        )
        return str(found)

    def text(self) -> str:
        """Everything, once the process has ended (its output read to the end)."""
        self._thread.join(timeout=30)
        if self._stdout is not None:
            self._stdout.close()
        return "".join(self.lines)


def wait_for(check: Callable[[], object], what: str, limit: float = 30.0) -> object:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(0.05)
    raise AssertionError(f"never happened: {what}")


def pid_of(tmp: Path, name: str) -> int | None:
    try:
        return int((tmp / "run" / f"{name}.pid").read_text())
    except (FileNotFoundError, ValueError):
        return None


def running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # a zombie (exited, not yet reaped) is not running
    stat = Path(f"/proc/{pid}/stat")
    return not (stat.exists() and stat.read_text().rsplit(")", 1)[1].split()[0] == "Z")


SLEEPER = 'Service("{name}", (py, "-c", "import time; time.sleep(600)"))'


def test_a_process_that_exits_is_restarted_and_the_others_go_on(tmp_path: Path) -> None:
    services = f"[{SLEEPER.format(name='steady')}, {SLEEPER.format(name='victim')}]"
    with supervising(tmp_path, services, backoff_first_s=0.2) as proc:
        steady = wait_for(lambda: pid_of(tmp_path, "steady"), "steady started")
        victim = wait_for(lambda: pid_of(tmp_path, "victim"), "victim started")
        assert isinstance(victim, int)
        os.kill(victim, signal.SIGKILL)
        wait_for(lambda: pid_of(tmp_path, "victim") not in (None, victim), "victim started again")
        assert pid_of(tmp_path, "steady") == steady
        assert proc.poll() is None
        proc.send_signal(signal.SIGTERM)
        output, _ = proc.communicate(timeout=30)
    assert proc.returncode == 0
    assert "victim stopped: killed by SIGKILL" in output
    assert "victim: restarting in 0.2 s" in output


def test_ctrl_c_stops_every_process_and_its_children(tmp_path: Path) -> None:
    # the service starts a grandchild of its own: it must not outlive the supervisor
    grandchild = tmp_path / "grandchild.pid"
    script = (
        "import subprocess, sys, time; "
        "child = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(600)']); "
        f"open({str(grandchild)!r}, 'w').write(str(child.pid)); time.sleep(600)"
    )
    services = f'[Service("parent", (py, "-c", {script!r})), {SLEEPER.format(name="other")}]'
    with supervising(tmp_path, services) as proc:
        parent = wait_for(lambda: pid_of(tmp_path, "parent"), "parent started")
        other = wait_for(lambda: pid_of(tmp_path, "other"), "other started")
        wait_for(lambda: grandchild.exists() and grandchild.read_text(), "grandchild started")
        child = int(grandchild.read_text())
        proc.send_signal(signal.SIGINT)
        output, _ = proc.communicate(timeout=30)
    assert proc.returncode == 0, output
    assert "SIGINT: stopping every process" in output
    for pid in (parent, other, child):
        assert isinstance(pid, int)
        wait_for(lambda pid=pid: not running(pid), f"pid {pid} stopped", limit=10)
    assert not list((tmp_path / "run").glob("*.pid"))


def test_a_crash_loop_gives_up_with_one_clear_line(tmp_path: Path) -> None:
    services = (
        '[Service("broken", (py, "-c", "import sys; sys.exit(3)")), '
        f"{SLEEPER.format(name='steady')}]"
    )
    with supervising(tmp_path, services, backoff_first_s=0.05, backoff_max_s=0.1) as proc:
        output, _ = proc.communicate(timeout=60)
        steady = pid_of(tmp_path, "steady")
    assert proc.returncode == 1
    assert output.count("broken stopped: exit status 3") == 5
    assert "giving up: broken exited 5 times within 60 s (a crash loop)" in output
    assert "log/broken.log" in output
    assert steady is None  # stopped too, and its pid file removed


def test_a_restart_is_announced_once_the_health_check_answers(tmp_path: Path) -> None:
    port = free_port()
    server = f'(py, "-m", "http.server", "{port}", "--bind", "127.0.0.1")'
    services = f'[Service("web", {server}, health_url="http://127.0.0.1:{port}/")]'
    with supervising(tmp_path, services, backoff_first_s=0.1) as proc:
        lines = LineReader(proc)
        lines.wait_for("web ready")
        first = pid_of(tmp_path, "web")
        assert isinstance(first, int)
        os.kill(first, signal.SIGKILL)
        back = lines.wait_for("web ready again")
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)
    assert "web stopped: killed by SIGKILL" in lines.text()
    assert re.search(r"web ready again, \d+\.\d s after it stopped", back)


@pytest.mark.parametrize(
    ("exits", "window", "loop"),
    [
        ((0, 10, 20, 30), 60, False),
        ((0, 10, 20, 30, 40), 60, True),
        ((0, 30, 61, 90, 121), 60, False),
    ],
)
def test_crash_loop_window(exits: tuple[float, ...], window: float, loop: bool) -> None:
    crash_loop = SUPERVISE["CrashLoop"](limit=5, window_s=window)
    results = [crash_loop.record(at) for at in exits]
    assert results[-1] is loop
    assert not any(results[:-1])


def test_backoff_doubles_up_to_the_cap_and_resets_after_a_stable_minute() -> None:
    backoff = SUPERVISE["next_backoff"]
    assert [backoff(b, 1.0) for b in (0.0, 1.0, 2.0, 16.0, 30.0)] == [1.0, 2.0, 4.0, 30.0, 30.0]
    assert backoff(30.0, 61.0) == 1.0
    assert SUPERVISE["describe_exit"](-9) == "killed by SIGKILL"
    assert SUPERVISE["describe_exit"](2) == "exit status 2"
