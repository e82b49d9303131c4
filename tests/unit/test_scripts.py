"""The setup scripts' decisions: which Python, and when a hash (so a retrain) changes."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def lib(command: str, env: dict[str, str], cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    script = f'source "{ROOT}/scripts/lib.sh"; {command}'
    return subprocess.run(
        ["bash", "-c", script], env=env, cwd=cwd, capture_output=True, text=True, check=False
    )


def test_no_python_310_is_one_clear_sentence(tmp_path: Path) -> None:
    empty_bin = tmp_path / "bin"
    empty_bin.mkdir()
    for tool in ("bash", "dirname", "sha256sum", "cut", "sed", "sort", "grep"):
        found = shutil.which(tool)
        assert found
        (empty_bin / tool).symlink_to(found)
    env = {"PATH": str(empty_bin), "HOME": str(tmp_path)}
    result = lib("find_python310", env)
    assert result.returncode == 1
    assert result.stderr.strip().startswith("error: Python 3.10 is required")
    assert result.stderr.count("\n") == 1


def test_python_310_is_found_on_this_machine() -> None:
    result = lib("find_python310", dict(os.environ))
    assert result.returncode == 0, result.stderr
    version = subprocess.run(
        [result.stdout.strip(), "--version"], capture_output=True, text=True, check=True
    )
    assert version.stdout.startswith("Python 3.10")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "data" / "nlu").mkdir(parents=True)
    (tmp_path / "data" / "nlu" / "a.yml").write_text("nlu: []\n")
    (tmp_path / "config.yml").write_text("language: en\n")
    return tmp_path


def model_key(project: Path) -> str:
    result = lib(
        f'hash_files "{project}/config.yml" "{project}/data"', dict(os.environ), cwd=project
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_training_key_changes_only_when_inputs_change(project: Path) -> None:
    first = model_key(project)
    assert len(first) == 16
    assert model_key(project) == first  # nothing changed: no retrain
    os.utime(project / "config.yml")
    assert model_key(project) == first  # touching is not changing
    (project / "data" / "nlu" / "a.yml").write_text("nlu: [changed]\n")
    assert model_key(project) != first
    second = model_key(project)
    (project / "data" / "nlu" / "b.yml").write_text("nlu: []\n")
    assert model_key(project) != second  # a new data file counts too
