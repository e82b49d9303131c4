"""Every regular expression that sees visitor text is linear on long input.

Rasa answers one message at a time per process, so one pattern that backtracks
quadratically holds every visitor: 40,000 characters without an '@' took the old email
pattern 30 s. tests/support/regex_probe.py collects every pattern (data/nlu/regex.yml, and
all that bot/extract compiles) and runs each over 100,000-character hostile inputs.

Why a deadline and not a step count: Python's `re` exposes no step counter, and the gap is
three orders of magnitude: a linear pattern needs milliseconds for all the inputs, a
quadratic one minutes (the old email pattern: ~1 s at 10,000 characters, ~100 s at 100,000).
So each pattern runs in a child process with a generous deadline (PATTERN_DEADLINE_S); one
that misses it is named, the child is killed, and the run resumes with the next pattern.
The deadline only separates "about a second" from "many minutes" (it is per pattern, over
all the inputs: the linear ones take well under a second each even on a busy machine, the
quadratic ones took 2-7 s each at only 8,000 characters); it measures no speed.
"""

from __future__ import annotations

import json
import os
import selectors
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PATTERN_DEADLINE_S = 60.0
PROBE = [sys.executable, "-m", "tests.support.regex_probe"]


def _patterns() -> list[dict[str, object]]:
    listed = subprocess.run(
        [*PROBE, "list"], cwd=ROOT, capture_output=True, text=True, check=True, timeout=300
    )
    return [json.loads(line) for line in listed.stdout.splitlines() if line.strip()]


def _run_from(first: int) -> tuple[set[int], int | None]:
    """Runs patterns first, first+1, ...: the ones finished, and the one that missed its
    deadline (None if the probe got to the end)."""
    done: set[int] = set()
    proc = subprocess.Popen(
        [*PROBE, "run", str(first)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env={**os.environ, "PYTHONHASHSEED": "0"},
    )
    assert proc.stdout is not None
    selector = selectors.DefaultSelector()
    selector.register(proc.stdout, selectors.EVENT_READ)
    current: int | None = None
    deadline = time.monotonic() + 300  # imports and collection
    try:
        while True:
            if not selector.select(timeout=max(0.0, deadline - time.monotonic())):
                return done, current if current is not None else first
            line = proc.stdout.readline()
            if not line or line.strip() == "finished":
                assert proc.wait(timeout=30) == 0, "the probe failed"
                return done, None
            word, _, number = line.strip().partition(" ")
            if word == "start":
                current = int(number)
                deadline = time.monotonic() + PATTERN_DEADLINE_S
            elif word == "done":
                done.add(int(number))
                current = None
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        selector.close()
        proc.stdout.close()


def test_the_probe_finds_the_nlu_and_normalizer_patterns() -> None:
    patterns = _patterns()
    sources = {str(item["source"]) for item in patterns}
    assert "data/nlu/regex.yml: email" in sources
    assert sum(1 for item in patterns if item["source"] == "bot/extract") >= 30
    texts = {str(item["pattern"]) for item in patterns}
    # one from a module global, one compiled inside a function at call time
    from bot.extract import email

    assert email._CANDIDATE.pattern in texts
    assert any("(?P<role>" in text for text in texts)


def test_every_pattern_that_sees_visitor_text_is_linear() -> None:
    patterns = _patterns()
    slow: list[int] = []
    first = 0
    while first < len(patterns):
        _, stuck = _run_from(first)
        if stuck is None:
            break
        slow.append(stuck)
        first = stuck + 1
    named = [f"{patterns[i]['source']}: {patterns[i]['pattern']!s:.300}" for i in slow]
    assert not slow, "not linear on long input:\n" + "\n".join(named)
