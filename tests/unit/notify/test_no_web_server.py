"""bot.notify, bot.outbox and bot.handoff may use aiohttp's client, never its server side.

import-linter forbids whole outside packages only, so this reads every module's imports.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
PACKAGES = ("bot/notify", "bot/outbox", "bot/handoff")


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


@pytest.mark.parametrize("package", PACKAGES)
def test_no_module_imports_aiohttp_web(package: str) -> None:
    modules = sorted((ROOT / package).glob("*.py"))
    assert modules
    offenders = [
        str(path.relative_to(ROOT))
        for path in modules
        if any(name == "aiohttp.web" or name.startswith("aiohttp.web.") for name in _imports(path))
    ]
    assert offenders == []
