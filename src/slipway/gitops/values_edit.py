"""Change scalar values in a YAML file so that the diff is exactly the changed values.

ruamel.yaml composes the file into nodes that know where each scalar starts and ends; the edit
replaces only those characters in the original text, keeping the scalar's quoting style, so
comments, key order, indentation, other quoting and line endings are untouched byte for byte.
A value that is really defined elsewhere (inherited through a `<<` merge, or reached through an
alias) can be read but is never edited: the edit would land on the anchor and change more than
was asked.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.composer import Composer, ComposerError
from ruamel.yaml.error import ReusedAnchorWarning, YAMLError
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from slipway.errors import ConfigError
from slipway.gitops.values_path import safe_repo_path
from slipway.yaml_input import MAX_YAML_DEPTH, check_yaml_size, describe_yaml_error, shown

__all__ = ["read_value", "safe_repo_path", "set_values"]

_STR = "tag:yaml.org,2002:str"
_NULL = "tag:yaml.org,2002:null"
_MERGE = "tag:yaml.org,2002:merge"
_PLAIN_SAFE = re.compile(r"[A-Za-z_/][\w./:@+-]*", re.ASCII)
# Words YAML 1.1 (which Helm's parser follows) reads as booleans or null when unquoted.
_YAML_WORDS = frozenset({"y", "yes", "n", "no", "true", "false", "on", "off", "null"})
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\0": "\\0", "\t": "\\t", "\n": "\\n", "\r": "\\r"}


def _fail(where: str, why: str) -> ConfigError:
    return ConfigError(f"values: {where}: {why}")


class _ShallowComposer(Composer):
    """ruamel's composer, refusing documents nested deeper than MAX_YAML_DEPTH levels."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        depth = getattr(self, "_slipway_depth", 0) + 1
        if depth > MAX_YAML_DEPTH:
            mark = self.parser.peek_event().start_mark
            raise ComposerError(None, None, f"nested deeper than {MAX_YAML_DEPTH} levels", mark)
        self._slipway_depth = depth
        try:
            return super().compose_node(parent, index)
        finally:
            self._slipway_depth = depth - 1


@dataclass(frozen=True)
class _Leaf:
    """A scalar found at a key path, and how it was reached ("" when written in place)."""

    node: ScalarNode
    key_line: int
    flow: bool
    via: str


def _key_path(key: str) -> list[str]:
    parts = [k for k in key.lstrip(".").split(".") if k]
    if not parts:
        raise _fail(key, "empty key path")
    return parts


def _duplicate(mapping: MappingNode) -> tuple[ScalarNode, int] | None:
    """The first key that repeats an earlier one in `mapping`, and that earlier key's line."""
    first: dict[tuple[str | None, str], int] = {}
    for k, _ in mapping.value:
        if isinstance(k, ScalarNode):
            if (k.tag, k.value) in first:
                return k, first[k.tag, k.value]
            first[k.tag, k.value] = k.start_mark.line + 1
    return None


def _check_duplicates(root: Node | None, name: str) -> None:
    """Refuse a duplicate key in any mapping (YAML forbids them; parsers disagree on which wins)."""
    stack, visited = [root], set()
    while stack:
        node = stack.pop()
        if node is None or id(node) in visited:
            continue
        visited.add(id(node))
        if isinstance(node, MappingNode):
            if found := _duplicate(node):
                key, line = found
                where = f"{name}:{key.start_mark.line + 1}"
                raise _fail(where, f"duplicate key {shown(key.value)} (first at line {line})")
            stack += [n for pair in node.value for n in pair]
        elif isinstance(node, SequenceNode):
            stack += node.value


def _compose(text: str, name: str) -> Node | None:
    check_yaml_size(text, name, "values")
    yaml = YAML(typ="rt")
    yaml.Composer = _ShallowComposer
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ReusedAnchorWarning)
            root: Node | None = yaml.compose(text)
    except YAMLError as exc:
        line, why = describe_yaml_error(exc, text)
        raise _fail(f"{name}:{line}" if line else name, f"malformed YAML: {why}") from exc
    _check_duplicates(root, name)
    return root


def _lookup(mapping: MappingNode, part: str) -> tuple[Node, Node, bool] | None:
    """The key and value nodes for `part`, own keys first, then `<<` merges; True when merged."""
    stack: list[tuple[MappingNode, bool]] = [(mapping, False)]
    visited: set[int] = set()
    while stack:
        current, merged = stack.pop()
        if id(current) in visited:
            continue
        visited.add(id(current))
        sources: list[Node] = []
        for k, v in current.value:
            if isinstance(k, ScalarNode) and k.tag == _MERGE:
                sources += v.value if isinstance(v, SequenceNode) else [v]
            elif isinstance(k, ScalarNode) and k.value == part:
                return k, v, merged
        stack += [(s, True) for s in reversed(sources) if isinstance(s, MappingNode)]
    return None


def _via(key: Node, value: Node, merged: bool) -> str:
    """How a value was reached: "<<" (merge), "alias *name", or "" (written in place)."""
    if merged:
        return "<<"
    if value.start_mark.index < key.start_mark.index:  # an alias: its anchor came earlier
        return f"alias *{value.anchor}"
    return ""


def _locate(root: Node | None, key: str, name: str) -> _Leaf:
    parts = _key_path(key)
    node, via, flow, key_line = root, "", False, 1
    for i, part in enumerate(parts):
        found = _lookup(node, part) if isinstance(node, MappingNode) else None
        last = i == len(parts) - 1
        if found is None or (not last and not isinstance(found[1], MappingNode)):
            suffix = "is absent" if last else "is absent or not a mapping"
            raise _fail(name, f"key path .{'.'.join(parts[: i + 1])} {suffix}")
        flow = bool(getattr(node, "flow_style", False))
        node, via, key_line = found[1], via or _via(*found), found[0].start_mark.line + 1
    if not isinstance(node, ScalarNode):
        raise _fail(name, f"key path .{'.'.join(parts)} holds a collection, not a scalar")
    return _Leaf(node, key_line, flow, via)


def read_value(text: str, key: str, name: str = "values.yaml") -> str:
    """The scalar at `key` (dotted path, e.g. `.image.tag`) as written, "" for null."""
    node = _locate(_compose(text, name), key, name).node
    return "" if node.tag == _NULL else str(node.value)


def _plain_ok(value: str, flow: bool) -> bool:
    return (
        bool(_PLAIN_SAFE.fullmatch(value))
        and value.lower() not in _YAML_WORDS
        and not value.endswith(":")
        and not (flow and ":" in value)
    )


def _double_quoted(value: str) -> str:
    def escape(c: str) -> str:
        if c in _ESCAPES:
            return _ESCAPES[c]
        if c.isprintable():
            return c
        code = ord(c)
        return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"

    return '"' + "".join(escape(c) for c in value) + '"'


def _render(value: str, style: str | None, flow: bool) -> str:
    if style == "'" and value.isprintable():
        return "'" + value.replace("'", "''") + "'"
    if style is None and _plain_ok(value, flow):
        return value
    return _double_quoted(value)


def _skip_properties(text: str, start: int, end: int) -> int:
    """The index after any anchor (`&a`) and tag (`!t`) written before a scalar."""
    i = start
    while i < end and text[i] in "&!":
        while i < end and text[i] not in " \t\r\n":
            i += 1
        while i < end and text[i] in " \t":
            i += 1
    return i


def _edit(text: str, leaf: _Leaf, key: str, value: str, name: str) -> tuple[int, int, str]:
    """The span of `leaf`'s scalar in `text` and what replaces it."""
    node, shown_key = leaf.node, key.lstrip(".")
    where = f"{name}:{leaf.key_line}"
    if leaf.via:
        remedy = "remove the merge" if leaf.via == "<<" else "replace the alias"
        line = node.start_mark.line + 1
        why = f"comes from the anchor at line {line} (via {leaf.via}); edit it there or {remedy}"
        raise _fail(name, f"{shown_key} {why}")
    start, end = _skip_properties(text, node.start_mark.index, node.end_mark.index), node.end_mark.index
    if start >= end:
        raise _fail(
            where, f'{shown_key}: has no value to replace (write {shown_key.rsplit(".", 1)[-1]}: "" first)'
        )
    if node.style in ("|", ">") or node.start_mark.line != node.end_mark.line:
        raise _fail(where, f"{shown_key}: only single-line scalars can be edited")
    if any("\ud800" <= c <= "\udfff" for c in value):
        raise _fail(name, f"{shown_key}: the new value is not valid text")
    return start, end, _render(value, node.style, leaf.flow)


def set_values(text: str, changes: Mapping[str, str], name: str = "values.yaml") -> str:
    """Return `text` with each `key -> value` in `changes` set, all else byte-identical."""
    root = _compose(text, name)
    edits: dict[int, tuple[int, str]] = {}
    for key, value in changes.items():
        start, end, new = _edit(text, _locate(root, key, name), key, value, name)
        if edits.get(start, (end, new)) != (end, new):
            raise _fail(name, f"{key.lstrip('.')}: set twice to different values")
        edits[start] = (end, new)
    out = text
    for start in sorted(edits, reverse=True):
        end, new = edits[start]
        out = out[:start] + new + out[end:]
    new_root = _compose(out, name)
    for key, value in changes.items():
        node = _locate(new_root, key, name).node
        if node.tag != _STR or node.value != value:
            raise _fail(name, f"{key.lstrip('.')}: edit did not round-trip (value {shown(value)})")
    return out
