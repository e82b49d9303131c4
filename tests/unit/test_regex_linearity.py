"""Every regular expression that sees visitor text is linear on long input.

Rasa answers one message at a time per process, so one pattern that backtracks
quadratically holds every visitor: 40,000 characters without an '@' took the old email
pattern 30 s. tests/support/regex_probe.py collects every pattern (data/nlu/regex.yml, and
all that bot/extract compiles) and runs each over 100,000-character hostile inputs.

Judged by growth, not by a deadline: Python's `re` exposes no step counter, so the probe
measures the CPU seconds each pattern spends on all the inputs at a quarter of the length and
at the full length. A linear pattern's work grows 4x between them, a quadratic one's 16x (the
old email pattern: ~1 s at 10,000 characters, ~100 s at 100,000). A pattern fails when it grows
more than GROWTH_LIMIT times AND spends more than MIN_CPU_S at the full length: under that, the
figures are too small to read a growth from, and the pattern is fast anyway. CPU time of the
probe's own process is what a busy machine (the rest of the suite, a neighbour) does not
inflate, so the verdict is the same on a slow or loaded machine; the earlier per-pattern
wall-clock deadline failed a whole run once when the machine was busy. A wall-clock guard
remains only for a pattern that never finishes (exponential backtracking): HANG_S per
pattern, far beyond any linear one, and the probe's start-up has its own, which names no
pattern when it is missed.
"""

from __future__ import annotations

import json
import os
import re
import selectors
import subprocess
import sys
import time
from pathlib import Path

from tests.support.regex_probe import SIZE, SMALL, cpu_seconds, hostile_inputs

ROOT = Path(__file__).resolve().parents[2]
# linear: 4x from a quarter of the length to all of it; quadratic: 16x (measured 16.6x for
# '[a-z.-]+@' on letters). 8x is halfway between them on a log scale.
GROWTH_LIMIT = 8.0
MIN_CPU_S = 1.0
HANG_S = 600.0
STARTUP_S = 600.0
PROBE = [sys.executable, "-m", "tests.support.regex_probe"]


def _patterns() -> list[dict[str, object]]:
    listed = subprocess.run(
        [*PROBE, "list"], cwd=ROOT, capture_output=True, text=True, check=True, timeout=300
    )
    return [json.loads(line) for line in listed.stdout.splitlines() if line.strip()]


class ProbeDidNotStart(AssertionError):
    """The probe's imports and collection overran STARTUP_S: no pattern is to blame."""


def _run_from(first: int) -> tuple[dict[int, tuple[float, float]], int | None]:
    """Runs patterns first, first+1, ...: the CPU seconds each finished one spent at a quarter
    and at all of the length, and the one that never finished (None if the probe got to the
    end)."""
    spent: dict[int, tuple[float, float]] = {}
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
    deadline = time.monotonic() + STARTUP_S
    try:
        while True:
            if not selector.select(timeout=max(0.0, deadline - time.monotonic())):
                if current is None and not spent:
                    raise ProbeDidNotStart(f"the regex probe did not start in {STARTUP_S:.0f} s")
                return spent, current if current is not None else first
            line = proc.stdout.readline()
            if not line or line.strip() == "finished":
                assert proc.wait(timeout=30) == 0, "the probe failed"
                return spent, None
            word, _, rest = line.strip().partition(" ")
            if word == "start":
                current = int(rest)
                deadline = time.monotonic() + HANG_S
            elif word == "done":
                number, small, full = rest.split()
                spent[int(number)] = (float(small), float(full))
                current = None
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        selector.close()
        proc.stdout.close()


def grows_faster_than_linear(small_cpu: float, full_cpu: float) -> bool:
    return full_cpu > MIN_CPU_S and full_cpu > GROWTH_LIMIT * max(small_cpu, 1e-3)


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


def test_the_verdict_reads_growth_not_speed() -> None:
    # the old email pattern: quadratic, whatever the machine's speed
    assert grows_faster_than_linear(6.0, 100.0)
    assert grows_faster_than_linear(0.2, 3.5)
    # linear but slow (a busy or slow machine), and tiny figures whose ratio is noise
    assert not grows_faster_than_linear(5.0, 21.0)
    assert not grows_faster_than_linear(0.001, 0.09)


def test_the_probe_measures_a_quadratic_pattern_as_one() -> None:
    # the shape of the old email pattern: every start position scans to the end for an '@'
    quadratic = re.compile(r"[a-z.\-]+@")
    letters = {length: {"letters": "a" * length} for length in (SMALL, SIZE)}
    spent = [cpu_seconds(quadratic, letters[length]) for length in (SMALL, SIZE)]
    assert grows_faster_than_linear(*spent), spent
    linear = re.compile(r"[a-z.\-]+")
    spent = [cpu_seconds(linear, hostile_inputs(length)) for length in (SMALL, SIZE)]
    assert not grows_faster_than_linear(*spent), spent


def test_every_pattern_that_sees_visitor_text_is_linear() -> None:
    patterns = _patterns()
    slow: list[tuple[int, str]] = []
    first = 0
    while first < len(patterns):
        spent, stuck = _run_from(first)
        for index, (small_cpu, full_cpu) in sorted(spent.items()):
            if grows_faster_than_linear(small_cpu, full_cpu):
                slow.append((index, f"{small_cpu:.2f} s -> {full_cpu:.2f} s CPU"))
        if stuck is None:
            break
        slow.append((stuck, f"did not finish in {HANG_S:.0f} s"))
        first = stuck + 1
    named = [f"{patterns[i]['source']}: {patterns[i]['pattern']!s:.300} ({why})" for i, why in slow]
    assert not slow, "not linear on long input:\n" + "\n".join(named)
