"""Operator YAML files (scoring.yml, later reps.yml and sequences.yml): load, check, explain.

Operators edit these files by hand, so every problem is reported the way a compiler would:
the file, the line, the key and what is wrong::

    scoring.yml:14: criteria.budget.bands[1].min: -5 is less than the minimum of 0

`load_yaml_config` parses with ruamel.yaml's round-trip loader (which remembers the line and
column of every key and list item), checks the top-level `version:`, validates against a JSON
schema (Draft 2020-12) and then runs an optional `check` for the rules a schema cannot say
(bands in order, points adding up...). `check` raises `ConfigProblem` with a key path; the
loader finds that key's line. What comes back is plain dicts, lists, str, int, float, bool.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator, ValidationError
from jsonschema.exceptions import best_match
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.scalarbool import ScalarBoolean

KeyPath = Sequence[str | int]
"""Keys (str) and list indexes (int) from the top of the document down to one value."""

_PLAIN_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")


class ConfigError(Exception):
    """A problem in an operator's config file, located by file, line and key path.

    `key_path` is already formatted (``criteria.budget.bands[1].min``; empty for the whole
    document); `line` is 1-based, or None when there is no line to point at (unreadable file).
    """

    def __init__(self, path: Path, key_path: str, line: int | None, message: str) -> None:
        super().__init__(path, key_path, line, message)
        self.path = path
        self.key_path = key_path
        self.line = line
        self.message = message

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line is not None else f"{self.path}"
        if self.key_path:
            return f"{where}: {self.key_path}: {self.message}"
        return f"{where}: {self.message}"


class ConfigProblem(Exception):
    """Raised by a `check` callback: what is wrong, and at which key (the loader adds the line)."""

    def __init__(self, key_path: KeyPath, message: str) -> None:
        super().__init__(tuple(key_path), message)
        self.key_path: tuple[str | int, ...] = tuple(key_path)
        self.message = message


def format_key_path(key_path: Iterable[str | int]) -> str:
    """``("criteria", "budget", "bands", 1, "min")`` -> ``criteria.budget.bands[1].min``."""
    out = ""
    for part in key_path:
        if isinstance(part, int):
            out += f"[{part}]"
        elif _PLAIN_KEY.match(part):
            out += f".{part}" if out else part
        else:
            escaped = part.replace("\\", "\\\\").replace('"', '\\"')
            out += f'["{escaped}"]'
    return out


def load_yaml_config(
    path: Path,
    schema: dict[str, Any],
    *,
    expected_version: int,
    check: Callable[[dict[str, Any]], None] | None = None,
) -> dict[str, Any]:
    """Read `path`, validate it, return its content as plain Python data.

    The document must be a mapping whose `version:` equals `expected_version` (the schema
    must declare `version` too, since operator schemas forbid unknown keys). After the schema,
    `check(data)` may raise `ConfigProblem` for rules across values. Any problem, YAML syntax
    included, raises `ConfigError`; the first one by line is reported.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(path, "", None, f"cannot read the file: {exc}") from exc

    try:
        tree = YAML(typ="rt").load(text)
    except MarkedYAMLError as exc:
        raise _syntax_error(path, exc) from exc
    except YAMLError as exc:
        raise ConfigError(path, "", None, f"not valid YAML: {exc}") from exc

    if not isinstance(tree, CommentedMap):
        found = "an empty file" if tree is None else f"a {_yaml_kind(tree)}"
        raise ConfigError(
            path, "", 1, f"expected a mapping of keys starting with 'version:', found {found}"
        )

    data = _plain(path, tree)
    _check_version(path, tree, data, expected_version)

    Draft202012Validator.check_schema(schema)
    leaf_errors = _leaf_errors(schema, data)
    # A typo gives an unknown key and a missing one in the same mapping: report the typo.
    with_unknown_keys = {
        tuple(e.absolute_path) for e in leaf_errors if e.validator == "additionalProperties"
    }
    errors = [
        _locate(path, tree, error)
        for error in leaf_errors
        if not (error.validator == "required" and tuple(error.absolute_path) in with_unknown_keys)
    ]
    if errors:
        raise min(errors, key=lambda e: (e.line or 0, e.key_path))

    if check is not None:
        try:
            check(data)
        except ConfigProblem as problem:
            raise ConfigError(
                path,
                format_key_path(problem.key_path),
                line_of(tree, problem.key_path),
                problem.message,
            ) from problem
    return data


def line_of(tree: Any, key_path: KeyPath) -> int:
    """The 1-based line of the value at `key_path` in a round-trip tree.

    Follows the path as far as it exists: a key that is missing points at its parent.
    """
    line = 1
    node = tree
    for part in key_path:
        if isinstance(node, CommentedMap) and not isinstance(part, int) and part in node:
            line = node.lc.key(part)[0] + 1
            node = node[part]
        elif isinstance(node, CommentedSeq) and isinstance(part, int) and 0 <= part < len(node):
            line = node.lc.item(part)[0] + 1
            node = node[part]
        else:
            break
    return line


def _syntax_error(path: Path, exc: MarkedYAMLError) -> ConfigError:
    mark = exc.problem_mark or exc.context_mark
    line = None if mark is None else int(mark.line) + 1
    problem = exc.problem or exc.context or "syntax error"
    context = f" ({exc.context})" if exc.problem and exc.context else ""
    return ConfigError(path, "", line, f"YAML syntax error: {problem}{context}")


def _yaml_kind(node: Any) -> str:
    if isinstance(node, list):
        return "list"
    if isinstance(node, str):
        return "text value"
    return f"{type(node).__name__} value"


def _plain(path: Path, tree: CommentedMap) -> dict[str, Any]:
    """ruamel's round-trip types -> dict, list, str, int, float, bool, None (dates stay dates).

    Keys must be text (JSON-like data for the schema); numbers must be finite.
    """

    def fail(key_path: tuple[str | int, ...], message: str) -> ConfigError:
        return ConfigError(path, format_key_path(key_path), line_of(tree, key_path), message)

    def convert(node: Any, key_path: tuple[str | int, ...], active: frozenset[int]) -> Any:
        if isinstance(node, CommentedMap | CommentedSeq):
            if id(node) in active:
                raise fail(key_path, "an alias refers to itself; write the value out")
            inner = active | {id(node)}
            if isinstance(node, CommentedSeq):
                return [convert(item, (*key_path, i), inner) for i, item in enumerate(node)]
            result: dict[str, Any] = {}
            for key, value in node.items():
                if not isinstance(key, str):
                    raise ConfigError(
                        path,
                        format_key_path(key_path),
                        node.lc.key(key)[0] + 1,
                        f"key {key!r} must be text; put it in quotes: '{key}'",
                    )
                result[str(key)] = convert(value, (*key_path, str(key)), inner)
            return result
        if isinstance(node, bool | ScalarBoolean):
            return bool(node)
        if isinstance(node, int):
            return int(node)
        if isinstance(node, float):
            if not math.isfinite(node):
                raise fail(key_path, f"{node} is not allowed here; write a finite number")
            return float(node)
        if isinstance(node, str):
            return str(node)
        return node

    data: dict[str, Any] = convert(tree, (), frozenset())
    return data


def _check_version(path: Path, tree: CommentedMap, data: dict[str, Any], expected: int) -> None:
    if "version" not in data:
        raise ConfigError(
            path, "version", 1, f"missing; the file must start with 'version: {expected}'"
        )
    version = data["version"]
    line = line_of(tree, ("version",))
    if isinstance(version, bool) or not isinstance(version, int):
        raise ConfigError(path, "version", line, f"must be a whole number like {expected}")
    if version != expected:
        raise ConfigError(
            path,
            "version",
            line,
            f"unsupported version {version}; this Leadbot reads version {expected}",
        )


def _leaf_errors(schema: dict[str, Any], data: dict[str, Any]) -> list[ValidationError]:
    """Schema errors; for anyOf/oneOf, the most telling error inside instead of the summary.

    That is an error from a branch whose type matched, if any: for a value of "integer or
    text starting with s", 'x1' is better told it does not start with s than it is no integer.
    """
    out: list[ValidationError] = []
    for error in Draft202012Validator(schema).iter_errors(data):
        while error.context:
            deeper = [e for e in error.context if e.validator != "type"] or error.context
            inner = best_match(deeper)
            if inner is None:
                break
            error = inner
        out.append(error)
    return out


def _locate(path: Path, tree: CommentedMap, error: ValidationError) -> ConfigError:
    """A schema error as ConfigError: the key path and line of the key that is wrong."""
    where: list[str | int] = list(error.absolute_path)
    message = error.message
    parent_schema = error.schema if isinstance(error.schema, dict) else {}
    instance = error.instance

    if error.validator == "additionalProperties" and isinstance(instance, dict):
        allowed = sorted(parent_schema.get("properties", {}))
        extras = [key for key in instance if key not in allowed]
        if extras:
            key = extras[0]
            where.append(key)
            message = f"unknown key {key!r}"
            close = difflib.get_close_matches(key, allowed, n=1)
            if close:
                message += f" (did you mean {close[0]!r}?)"
            if allowed:
                message += f"; allowed here: {', '.join(allowed)}"
    elif error.validator == "required" and isinstance(instance, dict):
        missing = [key for key in parent_schema.get("required", []) if key not in instance]
        if missing:
            # Point at the mapping that lacks the key, but name the key in the path.
            line = line_of(tree, where)
            return ConfigError(
                path, format_key_path([*where, missing[0]]), line, "missing required key"
            )
    elif "propertyNames" in error.relative_schema_path and isinstance(instance, str):
        where.append(instance)
        message = f"bad key name: {message}"

    return ConfigError(path, format_key_path(where), line_of(tree, where), message)
