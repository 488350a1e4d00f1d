"""Check a YAML document against a small declarative schema, reporting every problem with file:line.

The schema is data: `Field`s inside `Record`s, lists of records, and maps of scalars. The
checker walks pyyaml's node tree (which keeps line numbers) and returns plain Python values
plus a list of problems; it never stops at the first one. Duplicate keys are problems too, and
a document nested deeper than MAX_YAML_DEPTH levels is refused while it is being read.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import yaml
from yaml.composer import ComposerError

from slipway.yaml_input import MAX_YAML_DEPTH, describe_yaml_error, shown

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
    absent_none: bool = False  # an absent optional Record reads as None, not as its defaults


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
    if isinstance(spec.kind, Record) and not spec.absent_none:
        return {name: _defaults(f) for name, f in spec.kind.fields.items()}
    return spec.default


class _ShallowLoader(yaml.SafeLoader):
    """pyyaml's safe loader, refusing documents nested deeper than MAX_YAML_DEPTH levels."""

    _depth = 0

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        if self._depth >= MAX_YAML_DEPTH:
            mark = self.peek_event().start_mark  # type: ignore[no-untyped-call]
            raise ComposerError(None, None, f"nested deeper than {MAX_YAML_DEPTH} levels", mark)
        self._depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


def _key_name(node: yaml.Node) -> str | None:
    """A mapping key as text, or None when it is not a scalar."""
    if not isinstance(node, yaml.ScalarNode):
        return None
    name = str(node.value)
    return name if name.isprintable() and len(name) <= 60 else shown(name)


_TYPE_NAMES = {
    str: "a string", bool: "true or false", int: "an integer", float: "a number",
    date: "a date (YYYY-MM-DD)",
}  # fmt: skip


def _scalar_value(node: yaml.ScalarNode) -> Any:
    if node.tag == "tag:yaml.org,2002:str":
        return node.value
    try:
        return yaml.safe_load(yaml.serialize(node))
    except ValueError:  # looks like a timestamp but is not a date, such as 2026-13-01
        return node.value


def _iso_date(text: str) -> date | str:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return text


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
            return {name: self.shape(v, kind.value, f"{key}.{name}") for name, _, v in self.pairs(node, key)}
        return self.scalar(node, kind, key)

    def pairs(self, node: yaml.MappingNode, key: str) -> list[tuple[str, yaml.Node, yaml.Node]]:
        """The (name, key node, value node) entries of `node`; duplicate and non-string keys are problems."""
        prefix = f"{key}." if key else ""
        first: dict[str, int] = {}
        out = []
        for k, v in node.value:
            name = _key_name(k)
            if name is None:
                self.fail(k, key or "document", "keys must be strings")
                continue
            line = k.start_mark.line + 1
            if name in first:
                self.fail(
                    k, f"{prefix}{name}", f"duplicate key {shown(k.value)} (first at line {first[name]})"
                )
                continue
            first[name] = line
            out.append((name, k, v))
        return out

    def scalar(self, node: yaml.Node, kind: type, key: str) -> Any:
        if not isinstance(node, yaml.ScalarNode):
            self.fail(node, key, f"must be {_TYPE_NAMES.get(kind, kind.__name__)}")
            return None
        value = _scalar_value(node)
        if kind is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if kind is date and isinstance(value, str):  # a quoted date
            value = _iso_date(value)
        if kind is date and isinstance(value, datetime):
            value = value.date()
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
        for name, k, v in self.pairs(node, key):
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
                self.fail(seen[name], full, f"must be one of {choices} (got {shown(value)})")
                value = None
            if value is not None and spec.check is not None and (why := spec.check(value)):
                self.fail(seen[name], full, why)
                value = None
            out[name] = value
        return out


def check_document(text: str, path: Path, schema: Record) -> tuple[dict[str, Any], list[Problem]]:
    """Parse `text` and check it against `schema`; return the values and every problem, in line order."""
    walk = _Walk(path)
    try:
        node = yaml.compose(text, Loader=_ShallowLoader)
    except yaml.YAMLError as exc:
        line, why = describe_yaml_error(exc, text)
        return {}, [Problem(path, line or 1, "document", f"not valid YAML: {why}")]
    if node is None:
        return {}, [Problem(path, 1, "document", "is empty")]
    values = walk.record(node, schema, "")
    return values or {}, sorted(walk.problems, key=lambda p: p.line)
