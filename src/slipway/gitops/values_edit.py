"""Change scalar values in a YAML file so that the diff is exactly the changed values.

ruamel.yaml composes the file into nodes that know where each scalar starts and ends; the edit
replaces only those characters in the original text, keeping the scalar's quoting style, so
comments, key order, indentation, other quoting and line endings are untouched byte for byte.
A value that is really defined elsewhere (inherited through a `<<` merge, or reached through an
alias) can be read but is never edited: the edit would land on the anchor and change more than
was asked.

A key path is a dotted string (`image.tag`) or a tuple of steps: a mapping key, or a `Select`
that picks the one item of a list whose mapping has `key: value` (a kustomization's
`("images", Select("name", repo), "newTag")`). Tuples need no escaping, so names may hold dots.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeAlias

from ruamel.yaml import YAML
from ruamel.yaml.composer import Composer, ComposerError
from ruamel.yaml.error import ReusedAnchorWarning, YAMLError
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from slipway.errors import ConfigError
from slipway.gitops.values_path import safe_repo_path
from slipway.yaml_input import MAX_YAML_DEPTH, check_yaml_size, describe_yaml_error, shown

__all__ = [
    "KeyPath",
    "Select",
    "compose",
    "mapping_get",
    "read_value",
    "safe_repo_path",
    "set_values",
    "value_at",
]

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
class Select:
    """A key path step into a list: the one item whose mapping has `key: value`."""

    key: str
    value: str

    def __str__(self) -> str:
        return f"[{self.key}={self.value}]"


KeyPath: TypeAlias = str | tuple[str | Select, ...]
_Step: TypeAlias = str | Select


@dataclass(frozen=True)
class _Leaf:
    """A scalar found at a key path, and how it was reached ("" when written in place)."""

    node: ScalarNode
    key_line: int
    flow: bool
    via: str


def _key_path(key: KeyPath) -> list[_Step]:
    parts: list[_Step] = [k for k in key.lstrip(".").split(".") if k] if isinstance(key, str) else list(key)
    if not parts:
        raise _fail(str(key), "empty key path")
    return parts


def _path_text(parts: Sequence[_Step]) -> str:
    """`.image.tag`, `.images[name=web].newTag`: a key path as messages show it."""
    return "".join(str(p) if isinstance(p, Select) else f".{p}" for p in parts)


def _display(key: KeyPath) -> str:
    return key.lstrip(".") if isinstance(key, str) else _path_text(_key_path(key)).lstrip(".")


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


def compose(text: str, name: str = "values.yaml") -> Node | None:
    """`text` as ruamel nodes, after the size, depth, syntax and duplicate-key checks."""
    return _compose(text, name)


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


def mapping_get(mapping: Node | None, key: str) -> Node | None:
    """The value of `key` in `mapping` (own keys first, then `<<` merges); None when absent."""
    found = _lookup(mapping, key) if isinstance(mapping, MappingNode) else None
    return found[1] if found else None


def _via(key: Node, value: Node, merged: bool) -> str:
    """How a value was reached: "<<" (merge), "alias *name", or "" (written in place)."""
    if merged:
        return "<<"
    if value.start_mark.index < key.start_mark.index:  # an alias: its anchor came earlier
        return f"alias *{value.anchor}"
    return ""


def _fits(node: Node | None, step: _Step) -> bool:
    """Whether `node` is what `step` walks into: a list for a Select, a mapping for a key."""
    return isinstance(node, SequenceNode if isinstance(step, Select) else MappingNode)


def _select(seq: SequenceNode, step: Select, shown_path: str, name: str) -> tuple[Node, bool]:
    """The one item of `seq` whose `step.key` is `step.value`, and whether it is an alias."""
    matches, edge = [], seq.start_mark.index
    for item in seq.value:
        value = mapping_get(item, step.key)
        if isinstance(value, ScalarNode) and value.value == step.value:
            matches.append((item, item.start_mark.index < edge))  # an alias: its anchor came earlier
        edge = max(edge, item.end_mark.index)
    if len(matches) != 1:
        lines = ", ".join(str(m.start_mark.line + 1) for m, _ in matches)
        found = f"{len(matches)} items (lines {lines})" if matches else "no item"
        raise _fail(name, f"key path {shown_path} matches {found}")
    return matches[0]


def _locate(root: Node | None, key: KeyPath, name: str) -> _Leaf:
    parts = _key_path(key)
    node, via, flow, key_line = root, "", False, 1
    if not _fits(node, parts[0]) and isinstance(parts[0], Select):
        raise _fail(name, f"key path {_path_text(parts[:1])}: the document is not a list")
    for i, part in enumerate(parts):
        last = i == len(parts) - 1
        shown_path = _path_text(parts[: i + 1])
        flow = bool(getattr(node, "flow_style", False))
        if isinstance(part, Select):
            assert isinstance(node, SequenceNode)  # checked by the step before (or above)
            item, aliased = _select(node, part, shown_path, name)
            via = via or (f"alias *{item.anchor}" if aliased else "")
            node, key_line = item, item.start_mark.line + 1
        else:
            found = _lookup(node, part) if isinstance(node, MappingNode) else None
            if found is None:
                raise _fail(name, f"key path {shown_path} is absent" + ("" if last else _not_a(parts[i + 1])))
            node, via, key_line = found[1], via or _via(*found), found[0].start_mark.line + 1
        if not last and not _fits(node, parts[i + 1]):
            raise _fail(name, f"key path {shown_path} is absent{_not_a(parts[i + 1])}")
    if not isinstance(node, ScalarNode):
        raise _fail(name, f"key path {_path_text(parts)} holds a collection, not a scalar")
    return _Leaf(node, key_line, flow, via)


def _not_a(step: _Step) -> str:
    return " or not a list" if isinstance(step, Select) else " or not a mapping"


def value_at(root: Node | None, key: KeyPath, name: str = "values.yaml") -> str:
    """The scalar at `key` in a composed document (see `compose`) as written, "" for null."""
    node = _locate(root, key, name).node
    return "" if node.tag == _NULL else str(node.value)


def read_value(text: str, key: KeyPath, name: str = "values.yaml") -> str:
    """The scalar at `key` (dotted path, e.g. `.image.tag`, or steps) as written, "" for null."""
    return value_at(_compose(text, name), key, name)


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


def _edit(text: str, leaf: _Leaf, key: KeyPath, value: str, name: str) -> tuple[int, int, str]:
    """The span of `leaf`'s scalar in `text` and what replaces it."""
    node, shown_key = leaf.node, _display(key)
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


def set_values(
    text: str, changes: Mapping[str, str] | Mapping[KeyPath, str], name: str = "values.yaml"
) -> str:
    """Return `text` with each `key -> value` in `changes` set, all else byte-identical."""
    root = _compose(text, name)
    edits: dict[int, tuple[int, str]] = {}
    for key, value in changes.items():
        start, end, new = _edit(text, _locate(root, key, name), key, value, name)
        if edits.get(start, (end, new)) != (end, new):
            raise _fail(name, f"{_display(key)}: set twice to different values")
        edits[start] = (end, new)
    out = text
    for start in sorted(edits, reverse=True):
        end, new = edits[start]
        out = out[:start] + new + out[end:]
    new_root = _compose(out, name)
    for key, value in changes.items():
        node = _locate(new_root, key, name).node
        if node.tag != _STR or node.value != value:
            raise _fail(name, f"{_display(key)}: edit did not round-trip (value {shown(value)})")
    return out
