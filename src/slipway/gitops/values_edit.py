"""Change scalar values in a YAML file so that the diff is exactly the changed values.

ruamel.yaml finds where each value sits (line and column); the edit then replaces only that
scalar's characters in the original text, keeping its quoting style, so comments, key order,
indentation, other quoting and line endings are untouched byte for byte.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from io import StringIO
from pathlib import PurePosixPath
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap
from ruamel.yaml.error import YAMLError

from slipway.errors import ConfigError

__all__ = ["read_value", "safe_repo_path", "set_values"]

_PLAIN_SAFE = re.compile(r"^[A-Za-z_/.][\w./:@+-]*$")


def _fail(where: str, why: str) -> ConfigError:
    return ConfigError(f"values: {where}: {why}")


def safe_repo_path(path: str) -> str:
    """`path` as a repo-relative POSIX path; refuse absolute paths and any `..` escape."""
    p = PurePosixPath(path)
    if p.is_absolute() or ".." in p.parts or not p.parts:
        raise _fail(path, "must be a relative path inside the GitOps repository (no '/' or '..')")
    return str(p)


def _key_path(key: str) -> list[str]:
    parts = [k for k in key.lstrip(".").split(".") if k]
    if not parts:
        raise _fail(key, "empty key path")
    return parts


def _load(text: str, name: str) -> Any:
    yaml = YAML(typ="rt")
    try:
        return yaml.load(StringIO(text))
    except YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f":{mark.line + 1}" if mark else ""
        raise _fail(f"{name}{line}", f"malformed YAML: {getattr(exc, 'problem', exc)}") from exc


def _locate(doc: Any, key: str, name: str) -> tuple[CommentedMap, str]:
    parts = _key_path(key)
    node = doc
    for i, part in enumerate(parts[:-1]):
        node = node.get(part) if isinstance(node, CommentedMap) else None
        if not isinstance(node, CommentedMap):
            raise _fail(name, f"key path .{'.'.join(parts[: i + 1])} is absent or not a mapping")
    if not isinstance(node, CommentedMap) or parts[-1] not in node:
        raise _fail(name, f"key path .{key.lstrip('.')} is absent")
    if isinstance(node[parts[-1]], dict | list):
        raise _fail(name, f"key path .{key.lstrip('.')} holds a collection, not a scalar")
    return node, parts[-1]


def read_value(text: str, key: str, name: str = "values.yaml") -> str:
    """The scalar at `key` (dotted path, e.g. `.image.tag`) as a string."""
    node, leaf = _locate(_load(text, name), key, name)
    value = node[leaf]
    return "" if value is None else str(value)


def _scalar_span(line: str, col: int) -> tuple[int, int, str]:
    """Start, end and quote style ('"', "'" or '') of the scalar starting at `col`."""
    quote = line[col] if col < len(line) and line[col] in "'\"" else ""
    if quote == '"':
        i = col + 1
        while i < len(line) and line[i] != '"':
            i += 2 if line[i] == "\\" else 1
        return col, i + 1, quote
    if quote == "'":
        i = col + 1
        while i < len(line):
            if line[i] == "'" and line[i + 1 : i + 2] == "'":
                i += 2
                continue
            if line[i] == "'":
                break
            i += 1
        return col, i + 1, quote
    end = line.find(" #", col)
    end = len(line) if end < 0 else end
    while end > col and line[end - 1] in " \t":
        end -= 1
    return col, end, ""


def _render(value: str, quote: str) -> str:
    if quote == "'":
        return "'" + value.replace("'", "''") + "'"
    if quote == '"' or not _PLAIN_SAFE.match(value):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return value


def set_values(text: str, changes: Mapping[str, str], name: str = "values.yaml") -> str:
    """Return `text` with each `key -> value` in `changes` set, all else byte-identical."""
    doc = _load(text, name)
    lines = text.splitlines(keepends=True)
    for key, value in changes.items():
        node, leaf = _locate(doc, key, name)
        line_no, col = node.lc.value(leaf)
        body = lines[line_no].rstrip("\r\n")
        ending = lines[line_no][len(body) :]
        if col >= len(body) or body[col] in "|>&*!":
            raise _fail(f"{name}:{line_no + 1}", f"{key}: only single-line scalars can be edited")
        start, end, quote = _scalar_span(body, col)
        lines[line_no] = body[:start] + _render(value, quote) + body[end:] + ending
    out = "".join(lines)
    for key, value in changes.items():
        if read_value(out, key, name) != value:
            raise _fail(name, f"{key}: edit did not round-trip (value {value!r})")
    return out
