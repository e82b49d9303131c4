"""bot.configfile: operator YAML -> plain data, or a ConfigError naming file, line and key."""

from __future__ import annotations

import pickle
from pathlib import Path
from typing import Any

import pytest

from bot.configfile import (
    ConfigError,
    ConfigProblem,
    format_key_path,
    load_yaml_config,
)

SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "version": {"type": "integer"},
        "name": {"type": "string"},
        "enabled": {"type": "boolean"},
        "ratio": {"type": "number", "minimum": 0},
        "reps": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "email": {"type": "string"},
                    "weight": {"type": "integer", "minimum": 0},
                    "slot": {"anyOf": [{"type": "integer"}, {"type": "string", "pattern": "^s"}]},
                },
                "required": ["email"],
                "additionalProperties": False,
            },
        },
        "labels": {"type": "object", "additionalProperties": {"type": "string"}},
    },
    "required": ["version"],
    "additionalProperties": False,
}

GOOD = """\
# operators' comments are fine
version: 3
name: Acme # inline too
enabled: &on true
ratio: 1.5
reps:
  - email: a@example.com
    weight: 2
  - {email: b@example.com, weight: 0}
labels:
  NO: Norway  # YAML 1.2: a key, not false
  "yes": value
"""


def write(tmp_path: Path, text: str, name: str = "reps.yml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def load(path: Path, **kwargs: Any) -> dict[str, Any]:
    return load_yaml_config(path, SCHEMA, expected_version=3, **kwargs)


def error_for(tmp_path: Path, text: str, **kwargs: Any) -> ConfigError:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        load(path, **kwargs)
    assert caught.value.path == path
    return caught.value


def test_returns_plain_python_data(tmp_path: Path) -> None:
    data = load(write(tmp_path, GOOD))

    assert data == {
        "version": 3,
        "name": "Acme",
        "enabled": True,
        "ratio": 1.5,
        "reps": [
            {"email": "a@example.com", "weight": 2},
            {"email": "b@example.com", "weight": 0},
        ],
        "labels": {"NO": "Norway", "yes": "value"},
    }

    def types(value: Any) -> set[type]:
        if isinstance(value, dict):
            return {dict}.union(*(types(v) for v in value.values()), {type(k) for k in value})
        if isinstance(value, list):
            return {list}.union(*(types(v) for v in value))
        return {type(value)}

    assert types(data) == {dict, list, str, int, float, bool}
    pickle.dumps(data)  # no ruamel objects left


def test_error_text_reads_like_a_compiler_message() -> None:
    error = ConfigError(
        Path("scoring.yml"),
        "criteria.budget.bands[1].min",
        14,
        "-5 is less than the minimum of 0",
    )
    assert str(error) == (
        "scoring.yml:14: criteria.budget.bands[1].min: -5 is less than the minimum of 0"
    )
    assert str(ConfigError(Path("a.yml"), "", None, "cannot read")) == "a.yml: cannot read"
    assert str(ConfigError(Path("a.yml"), "", 3, "bad")) == "a.yml:3: bad"
    copy = pickle.loads(pickle.dumps(error))
    assert (copy.path, copy.key_path, copy.line, copy.message) == (
        error.path,
        error.key_path,
        error.line,
        error.message,
    )


@pytest.mark.parametrize(
    ("parts", "text"),
    [
        ((), ""),
        (("version",), "version"),
        (("criteria", "budget", "bands", 1, "min"), "criteria.budget.bands[1].min"),
        (("reps", 0), "reps[0]"),
        (("labels", "a.b"), 'labels["a.b"]'),
        (("labels", 'say "hi"'), 'labels["say \\"hi\\""]'),
    ],
)
def test_format_key_path(parts: tuple[str | int, ...], text: str) -> None:
    assert format_key_path(parts) == text


@pytest.mark.parametrize(
    ("old", "new", "key_path", "line", "message"),
    [
        pytest.param(
            "    weight: 2",
            "    weight: -2",
            "reps[0].weight",
            8,
            "-2 is less than the minimum of 0",
            id="minimum",
        ),
        pytest.param(
            "ratio: 1.5",
            "ratio: lots",
            "ratio",
            5,
            "'lots' is not of type 'number'",
            id="type",
        ),
        pytest.param(
            "{email: b@example.com, weight: 0}",
            "{email: b@example.com, wieght: 0}",
            "reps[1].wieght",
            9,
            "unknown key 'wieght' (did you mean 'weight'?); allowed here: email, slot, weight",
            id="unknown-key-in-flow-mapping",
        ),
        pytest.param(
            "name: Acme",
            "nmae: Acme",
            "nmae",
            3,
            "unknown key 'nmae' (did you mean 'name'?)",
            id="unknown-top-level-key",
        ),
        pytest.param(
            "  - email: a@example.com\n    weight: 2",
            "  - weight: 2",
            "reps[0].email",
            7,
            "missing required key",
            id="missing-key-points-at-its-mapping",
        ),
        pytest.param(
            "    weight: 2",
            "    weight: 2\n    slot: x1",
            "reps[0].slot",
            9,
            "'x1' does not match '^s'",
            id="anyOf-reports-the-closest-branch",
        ),
        pytest.param(
            "ratio: 1.5",
            "ratio: .inf",
            "ratio",
            5,
            "write a finite number",
            id="infinity",
        ),
        pytest.param(
            '  "yes": value',
            "  1: value",
            "labels",
            12,
            "key 1 must be text",
            id="non-text-key",
        ),
    ],
)
def test_schema_problems_name_key_and_line(
    tmp_path: Path, old: str, new: str, key_path: str, line: int, message: str
) -> None:
    assert GOOD.count(old) == 1
    error = error_for(tmp_path, GOOD.replace(old, new))
    assert (error.key_path, error.line) == (key_path, line)
    assert message in error.message
    assert str(error) == f"{error.path}:{line}: {key_path}: {error.message}"


def test_the_first_problem_by_line_is_reported(tmp_path: Path) -> None:
    text = GOOD.replace("weight: 0}", "weight: -1}").replace("ratio: 1.5", "ratio: -1")
    error = error_for(tmp_path, text)
    assert (error.key_path, error.line) == ("ratio", 5)


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        pytest.param(
            "version: 3\nreps: [a, b\nname: x\n",
            3,
            "YAML syntax error: expected ',' or ']'",
            id="unclosed-flow-list",
        ),
        pytest.param(
            "version: 3\nname: a\nname: b\n",
            3,
            'YAML syntax error: found duplicate key "name"',
            id="duplicate-key",
        ),
        pytest.param(
            "version: 3\nlabels:\n  a: 1\n b: 2\n",
            4,
            "YAML syntax error",
            id="bad-indentation",
        ),
        pytest.param("version: 3\n\tname: x\n", 2, "YAML syntax error", id="tab"),
        pytest.param("version: 3\nname: 'open\n", 3, "YAML syntax error", id="open-quote"),
    ],
)
def test_yaml_syntax_errors_have_a_line(tmp_path: Path, text: str, line: int, message: str) -> None:
    error = error_for(tmp_path, text)
    assert (error.key_path, error.line) == ("", line)
    assert error.message.startswith(message)
    assert str(error).startswith(f"{error.path}:{line}: YAML syntax error")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param("name: x\n", "missing; the file must start with 'version: 3'", id="missing"),
        pytest.param(
            "version: 4\n", "unsupported version 4; this Leadbot reads version 3", id="new"
        ),
        pytest.param("version: three\n", "must be a whole number like 3", id="text"),
        pytest.param("version: true\n", "must be a whole number like 3", id="bool"),
        pytest.param("version: 3.0\n", "must be a whole number like 3", id="float"),
    ],
)
def test_version_is_checked_first(tmp_path: Path, text: str, message: str) -> None:
    error = error_for(tmp_path, "# comment\n" + text + "unknown_key: 1\n")
    line = 1 if "version" not in text else 2
    assert (error.key_path, error.line, error.message) == ("version", line, message)


@pytest.mark.parametrize(
    ("text", "found"),
    [("", "an empty file"), ("# only a comment\n", "an empty file"), ("- a\n- b\n", "a list")],
)
def test_the_document_must_be_a_mapping(tmp_path: Path, text: str, found: str) -> None:
    error = error_for(tmp_path, text)
    assert error.line == 1
    assert error.message.endswith(f"found {found}")


def test_a_missing_file_is_a_config_error(tmp_path: Path) -> None:
    path = tmp_path / "nope.yml"
    with pytest.raises(ConfigError) as caught:
        load(path)
    assert caught.value.line is None
    assert str(caught.value).startswith(f"{path}: cannot read the file")


def test_a_file_that_is_not_utf8_is_a_config_error(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yml"
    path.write_bytes("version: 3\nname: café\n".encode("latin-1"))
    with pytest.raises(ConfigError, match="cannot read the file"):
        load(path)


def test_a_recursive_alias_is_a_config_error(tmp_path: Path) -> None:
    error = error_for(tmp_path, "&top\nversion: 3\nname: *top\n")
    assert "alias refers to itself" in error.message
    assert (error.key_path, error.line) == ("name", 3)


def test_shared_aliases_are_copied_not_refused(tmp_path: Path) -> None:
    text = "version: 3\nreps:\n  - &a {email: a@x}\n  - *a\n"
    assert load(write(tmp_path, text))["reps"] == [{"email": "a@x"}, {"email": "a@x"}]


def test_check_problems_get_the_line_of_their_key(tmp_path: Path) -> None:
    def no_zero_weights(data: dict[str, Any]) -> None:
        for i, rep in enumerate(data["reps"]):
            if rep.get("weight") == 0:
                raise ConfigProblem(("reps", i, "weight"), "a rep with weight 0 gets no leads")

    error = error_for(tmp_path, GOOD, check=no_zero_weights)
    assert str(error) == (f"{error.path}:9: reps[1].weight: a rep with weight 0 gets no leads")


def test_a_check_problem_at_a_missing_key_points_at_the_nearest_parent(tmp_path: Path) -> None:
    def needs_owner(data: dict[str, Any]) -> None:
        raise ConfigProblem(("labels", "owner"), "add an owner label")

    error = error_for(tmp_path, GOOD, check=needs_owner)
    assert (error.key_path, error.line) == ("labels.owner", 10)


def test_check_runs_only_on_schema_valid_data(tmp_path: Path) -> None:
    calls: list[dict[str, Any]] = []
    error_for(tmp_path, GOOD.replace("ratio: 1.5", "ratio: -1"), check=calls.append)
    assert calls == []
    load(write(tmp_path, GOOD, "ok.yml"), check=calls.append)
    assert len(calls) == 1
