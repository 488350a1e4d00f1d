"""Check a YAML document against a small declarative schema, reporting every problem with file:line.

The schema is data: `Field`s inside `Record`s, lists of records, and maps of scalars. The
checker walks pyyaml's node tree (which keeps line numbers) and returns plain Python values
plus a list of problems; it never stops at the first one.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

__all__ = ["Field", "ListOf", "MapOf", "Problem", "Record", "check_document"]


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a document, located at file:line."""

    path: Path
    line: int
    key: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.key}: {self.message}"


@dataclass(frozen=True)
class Field:
    """A scalar (or nested shape) under a key: its type, default, allowed values and check."""

    kind: type | Record | ListOf | MapOf
    required: bool = False
    default: Any = None
    choices: tuple[str, ...] = ()
    check: Callable[[Any], str | None] | None = None


@dataclass(frozen=True)
class Record:
    """A mapping with known keys; unknown keys are problems."""

    fields: Mapping[str, Field]


@dataclass(frozen=True)
class ListOf:
    """A sequence whose items all have one shape."""

    item: type | Record


@dataclass(frozen=True)
class MapOf:
    """A mapping from free-form string keys to values of one shape."""

    value: type | Record


def _defaults(spec: Field) -> Any:
    if isinstance(spec.kind, Record):
        return {name: _defaults(f) for name, f in spec.kind.fields.items()}
    return spec.default


_TYPE_NAMES = {str: "a string", bool: "true or false", int: "an integer", float: "a number"}


@dataclass
class _Walk:
    path: Path
    problems: list[Problem] = field(default_factory=list)

    def fail(self, node: yaml.Node, key: str, message: str) -> None:
        self.problems.append(Problem(self.path, node.start_mark.line + 1, key, message))

    def shape(self, node: yaml.Node, kind: type | Record | ListOf | MapOf, key: str) -> Any:
        if isinstance(kind, Record):
            return self.record(node, kind, key)
        if isinstance(kind, ListOf):
            if not isinstance(node, yaml.SequenceNode):
                self.fail(node, key, "must be a list")
                return None
            return [self.shape(item, kind.item, f"{key}[{i}]") for i, item in enumerate(node.value)]
        if isinstance(kind, MapOf):
            if not isinstance(node, yaml.MappingNode):
                self.fail(node, key, "must be a mapping")
                return None
            return {str(k.value): self.shape(v, kind.value, f"{key}.{k.value}") for k, v in node.value}
        return self.scalar(node, kind, key)

    def scalar(self, node: yaml.Node, kind: type, key: str) -> Any:
        if not isinstance(node, yaml.ScalarNode):
            self.fail(node, key, f"must be {_TYPE_NAMES.get(kind, kind.__name__)}")
            return None
        value = yaml.safe_load(yaml.serialize(node)) if node.tag != "tag:yaml.org,2002:str" else node.value
        if kind is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            got = type(value).__name__ if value is not None else "nothing"
            self.fail(node, key, f"must be {_TYPE_NAMES.get(kind, kind.__name__)} (got {got})")
            return None
        return value

    def record(self, node: yaml.Node, record: Record, key: str) -> dict[str, Any] | None:
        prefix = f"{key}." if key else ""
        if not isinstance(node, yaml.MappingNode):
            self.fail(node, key or "document", "must be a mapping")
            return None
        seen: dict[str, yaml.Node] = {}
        for k, v in node.value:
            name = str(k.value)
            if name not in record.fields:
                known = ", ".join(record.fields)
                self.fail(k, f"{prefix}{name}", f"unknown key (known keys: {known})")
                continue
            seen[name] = v
        out: dict[str, Any] = {}
        for name, spec in record.fields.items():
            full = f"{prefix}{name}"
            if name not in seen:
                if spec.required:
                    self.fail(node, full, "required key is missing")
                out[name] = _defaults(spec)
                continue
            value = self.shape(seen[name], spec.kind, full)
            if value is not None and spec.choices and value not in spec.choices:
                choices = ", ".join(spec.choices)
                self.fail(seen[name], full, f"must be one of {choices} (got {value!r})")
                value = None
            if value is not None and spec.check is not None and (why := spec.check(value)):
                self.fail(seen[name], full, why)
                value = None
            out[name] = value
        return out


def check_document(text: str, path: Path, schema: Record) -> tuple[dict[str, Any], list[Problem]]:
    """Parse `text` and check it against `schema`; return the values and every problem found."""
    walk = _Walk(path)
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else 1
        return {}, [Problem(path, line, "document", f"not valid YAML: {exc}")]
    if node is None:
        return {}, [Problem(path, 1, "document", "is empty")]
    values = walk.record(node, schema, "")
    return values or {}, walk.problems
