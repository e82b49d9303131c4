"""Every regular expression that sees visitor text, collected, and run on long hostile text.

Collected programmatically, so a pattern added later is covered without anyone listing it:
- the NLU regexes in data/nlu/regex.yml (Rasa's RegexFeaturizer and RegexEntityExtractor
  run each with `re.finditer` over the whole message, case-insensitive here);
- every pattern the normalizers in bot/extract compile: `re`'s compile function is
  recorded while the modules are imported and while each public normalizer reads a few
  sample answers (which also compiles the patterns built lazily or inside functions), and
  every `re.Pattern` reachable from the modules' globals is added.

`python -m tests.support.regex_probe list` prints them as JSON lines; `run FIRST` runs
pattern FIRST, FIRST+1, ... over every hostile input at two lengths (SMALL, then SIZE),
printing "start N" before and "done N SMALL_CPU SIZE_CPU" after each pattern: the CPU
seconds this process spent on each length. The caller (tests/unit/test_regex_linearity.py)
judges the growth between the two, and names a pattern that never finishes.
"""

from __future__ import annotations

import datetime as dt
import importlib
import json
import pkgutil
import re
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
EXTRACT_DIR = ROOT / "bot" / "extract"

# Long enough that a quadratic pattern takes minutes (the old email pattern: ~1 s at
# 10,000 characters, ~100 s at 100,000) while a linear one takes milliseconds.
SIZE = 100_000
# A quarter of it: a linear pattern's work grows 4x from SMALL to SIZE, a quadratic one's 16x.
SMALL = SIZE // 4

SAMPLES = (
    "hi",
    "I'm the CTO at Acme, 50k budget, need it by March",
    "about $60k a year, maybe 5.000 EUR per month",
    "we lose inbound leads at night because nobody answers the chat",
    "in 3 months, Q3 2027 or asap",
    "Sophie Laurent",
    "my name is sophie laurent",
    "sophie@northwind.io or sophie (at) northwind [dot] io",
    "Northwind Traders Inc.",
    "I'm the head of sales and I decide with my boss",
    "no budget yet, don't know",
)


def hostile_inputs(n: int = SIZE) -> dict[str, str]:
    """Long runs each pattern family could backtrack on: letters, letters with dots, email
    look-alikes without '@', words, spaces, digits, separators, '@'s."""
    return {
        "letters": "a" * n,
        "letters then !": "a" * (n - 1) + "!",
        "letters and dots": "a." * (n // 2),
        "email-like without @": ("john.smith-" * (n // 11))[:n],
        "after one @": "x@" + "a" * (n - 2),
        "labels after one @": "x@" + "a." * (n // 2 - 1),
        "many @": "a@" * (n // 2),
        "words": ("lorem ipsum dolor sit amet " * (n // 27))[:n],
        "spaces": " " * (n - 1) + "x",
        "spaces and dots": " ." * (n // 2) + "x",
        "digits": "1" * n,
        "digits and separators": "1,0" * (n // 3),
        "digits and spaces": "1 " * (n // 2),
        "dollar digits": "$1" * (n // 2),
        "hyphens": "-" * n,
        "apostrophes": "a'" * (n // 2),
        "name-like": "Ab Cd " * (n // 6),
        "no letters": "!?" * (n // 2),
    }


def _record_compiles() -> list[tuple[str, int]]:
    """Wraps re._compile (what re.compile, re.search, re.sub... all call) to record every
    string pattern compiled from code under bot/extract."""
    seen: list[tuple[str, int]] = []
    original = re._compile  # type: ignore[attr-defined]

    def recording(pattern: Any, flags: Any) -> Any:
        compiled = original(pattern, flags)
        if isinstance(compiled.pattern, str):
            frame = sys._getframe(1)
            while frame is not None and frame.f_code.co_filename.endswith("re.py"):
                frame = frame.f_back  # type: ignore[assignment]
            if frame is not None and frame.f_code.co_filename.startswith(str(EXTRACT_DIR)):
                seen.append((compiled.pattern, compiled.flags))
        return compiled

    re._compile = recording  # type: ignore[attr-defined]
    return seen


def _patterns_in(value: Any, depth: int = 0) -> Iterator[re.Pattern[str]]:
    if isinstance(value, re.Pattern) and isinstance(value.pattern, str):
        yield value
    elif depth < 3 and isinstance(value, (list, tuple, set, frozenset)):
        for item in value:
            yield from _patterns_in(item, depth + 1)
    elif depth < 3 and isinstance(value, dict):
        for item in (*value.keys(), *value.values()):
            yield from _patterns_in(item, depth + 1)
    elif depth < 3 and hasattr(value, "__dataclass_fields__"):
        for name in value.__dataclass_fields__:
            yield from _patterns_in(getattr(value, name, None), depth + 1)


def _exercise(module: Any) -> None:
    """Calls the module's public callables and its cached table builders on the samples."""
    today = dt.date(2026, 12, 1)
    for name in dir(module):
        func = getattr(module, name)
        if (
            not callable(func)
            or isinstance(func, type)
            or getattr(func, "__module__", "") != (module.__name__)
        ):
            continue
        for sample in SAMPLES:
            for args in ((sample,), (sample, today), ()):
                try:
                    result = func(*args)
                except Exception:  # a wrong signature or a refused sample: try the next
                    continue
                for pattern in _patterns_in(result):
                    _EXTRA.append((pattern.pattern, pattern.flags))
                break


_EXTRA: list[tuple[str, int]] = []


def nlu_patterns() -> list[dict[str, Any]]:
    found = []
    for path in sorted((ROOT / "data").rglob("*.yml")):
        data = yaml.safe_load(path.read_text()) or {}
        for item in data.get("nlu", []) or []:
            if isinstance(item, dict) and "regex" in item:
                for line in str(item.get("examples", "")).splitlines():
                    line = line.strip()
                    if line.startswith("- "):
                        found.append(
                            {
                                "source": f"{path.relative_to(ROOT)}: {item['regex']}",
                                "pattern": line[2:],
                                # config.yml: RegexFeaturizer/RegexEntityExtractor
                                # case_sensitive: false
                                "flags": int(re.IGNORECASE),
                            }
                        )
    return found


def extract_patterns() -> list[dict[str, Any]]:
    recorded = _record_compiles()
    package = importlib.import_module("bot.extract")
    modules = [package]
    for info in pkgutil.iter_modules(package.__path__, "bot.extract."):
        modules.append(importlib.import_module(info.name))
    for module in modules:
        _exercise(module)
    for module in modules:
        for value in vars(module).values():
            for pattern in _patterns_in(value):
                _EXTRA.append((pattern.pattern, pattern.flags))
    unique: dict[tuple[str, int], None] = dict.fromkeys([*recorded, *_EXTRA])
    return [
        {"source": "bot/extract", "pattern": pattern, "flags": flags & ~int(re.UNICODE)}
        for pattern, flags in unique
    ]


def all_patterns() -> list[dict[str, Any]]:
    return [*nlu_patterns(), *extract_patterns()]


def cpu_seconds(compiled: re.Pattern[str], inputs: dict[str, str]) -> float:
    """CPU time, not wall time: a busy neighbour on a shared machine does not inflate it."""
    began = time.process_time()
    for text in inputs.values():
        for _ in compiled.finditer(text):
            pass
    return time.process_time() - began


def main(argv: list[str]) -> int:
    patterns = all_patterns()
    if argv[:1] == ["list"]:
        for item in patterns:
            print(json.dumps(item))
        return 0
    first = int(argv[1]) if argv[:1] == ["run"] and len(argv) > 1 else 0
    lengths = (hostile_inputs(SMALL), hostile_inputs(SIZE))
    for index in range(first, len(patterns)):
        compiled = re.compile(patterns[index]["pattern"], patterns[index]["flags"])
        print(f"start {index}", flush=True)
        spent = [cpu_seconds(compiled, inputs) for inputs in lengths]
        print(f"done {index} {spent[0]:.4f} {spent[1]:.4f}", flush=True)
    print("finished", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
