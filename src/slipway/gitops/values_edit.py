"""Change scalar values in a YAML file so that the diff is exactly the changed values.

ruamel.yaml composes the file into nodes that know where each scalar starts and ends; the edit
replaces only those characters in the original text, keeping the scalar's quoting style, so
comments, key order, indentation, other quoting and line endings are untouched byte for byte.
A value that is really defined elsewhere (inherited through a `<<` merge, or reached through an
alias) can be read but is never edited: the edit would land on the anchor and change more than
was asked.

Key paths are those of `slipway.gitops.key_paths`: `image.tag`, `containers[name=api].image`,
or tuples of steps. With `create`, a path the file lacks is added (`slipway.gitops.values_insert`)
instead of refused. A multi-document file is edited in one of its documents (`document`).
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.composer import Composer, ComposerError
from ruamel.yaml.error import ReusedAnchorWarning, YAMLError
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from slipway.errors import ConfigError
from slipway.gitops.key_paths import At, KeyPath, Select, Step, display, key_path, path_text
from slipway.gitops.values_insert import insert, insert_problem
from slipway.gitops.values_path import safe_repo_path
from slipway.gitops.yaml_scalar import render_scalar
from slipway.yaml_input import MAX_YAML_DEPTH, check_yaml_size, describe_yaml_error, shown

__all__ = [
    "KeyPath",
    "PlaceError",
    "Select",
    "compose",
    "compose_documents",
    "describe",
    "mapping_get",
    "read_value",
    "safe_repo_path",
    "set_values",
    "value_at",
]

_STR = "tag:yaml.org,2002:str"
_NULL = "tag:yaml.org,2002:null"
_MERGE = "tag:yaml.org,2002:merge"
_SHOWN_NAMES = 5


class PlaceError(ConfigError):
    """A file does not hold a key path as asked: `where` (file, maybe :line) and `why`.

    `absent` is True when the path is missing in a place where `create` would add it.
    """

    def __init__(self, where: str, why: str, *, absent: bool = False) -> None:
        super().__init__(f"values: {where}: {why}")
        self.where = where
        self.why = why
        self.absent = absent


_fail = PlaceError  # every failure here names the file and the place


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


@dataclass(frozen=True)
class _Gap:
    """Where a key path leaves the file: `depth` steps exist and reach `node`.

    `key` is the key `node` is the value of (None in a list or at the root); `fillable` says
    whether `insert` can add the remaining steps there; `why` says what was found instead.
    """

    depth: int
    node: Node | None
    key: Node | None
    fillable: bool
    via: str
    why: str


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
    return _compose_all(text, name, single=True)[0]


def compose_documents(text: str, name: str = "values.yaml") -> list[Node | None]:
    """Each document of `text` as ruamel nodes, after the checks of `compose`."""
    return _compose_all(text, name, single=False)


def _compose_all(text: str, name: str, *, single: bool) -> list[Node | None]:
    check_yaml_size(text, name, "values")
    yaml = YAML(typ="rt")
    yaml.Composer = _ShallowComposer
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ReusedAnchorWarning)
            roots: list[Node | None] = [yaml.compose(text)] if single else list(yaml.compose_all(text))
    except YAMLError as exc:
        line, why = describe_yaml_error(exc, text)
        raise _fail(f"{name}:{line}" if line else name, f"malformed YAML: {why}") from exc
    for root in roots:
        _check_duplicates(root, name)
    return roots or [None]


def _root(text: str, name: str, document: int | None) -> Node | None:
    if document is None:
        return compose(text, name)
    roots = compose_documents(text, name)
    if not 0 <= document < len(roots):
        raise _fail(name, f"has {len(roots)} documents, not a document {document + 1}")
    return roots[document]


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


def describe(node: Node | None) -> str:
    """What a node is, for messages: "a mapping", "a list", "empty", "the scalar 'x'"."""
    if isinstance(node, MappingNode):
        return "a mapping"
    if isinstance(node, SequenceNode):
        return "a list"
    if node is None or node.tag == _NULL:
        return "empty"
    return f"the scalar {shown(node.value)}"


def _via(key: Node, value: Node, merged: bool) -> str:
    """How a value was reached: "<<" (merge), "alias *name", or "" (written in place)."""
    if merged:
        return "<<"
    if value.start_mark.index < key.start_mark.index:  # an alias: its anchor came earlier
        return f"alias *{value.anchor}"
    return ""


def _names(items: Sequence[Node], key: str) -> str:
    """The `key` values of a list's items, for "what was found"."""
    names = []
    for item in items:
        value = mapping_get(item, key)
        names.append(shown(value.value) if isinstance(value, ScalarNode) else f"(no {key})")
    listed = ", ".join(names[:_SHOWN_NAMES]) + (" ..." if len(names) > _SHOWN_NAMES else "")
    return f"found {key}: {listed}" if names else "the list is empty"


def _keys(mapping: MappingNode, subject: str) -> str:
    keys = [shown(k.value) for k, _ in mapping.value if isinstance(k, ScalarNode) and k.tag != _MERGE]
    listed = ", ".join(keys[:_SHOWN_NAMES]) + (" ..." if len(keys) > _SHOWN_NAMES else "")
    return f"{subject} has {listed}" if keys else f"{subject} is empty"


def _select(seq: SequenceNode, step: Select, steps: Sequence[Step], name: str) -> tuple[Node, bool] | None:
    """The one item of `seq` whose `step.key` is `step.value` (and whether it is an alias), None for none."""
    matches, edge = [], seq.start_mark.index
    for item in seq.value:
        value = mapping_get(item, step.key)
        if isinstance(value, ScalarNode) and value.value == step.value:
            matches.append((item, item.start_mark.index < edge))  # an alias: its anchor came earlier
        edge = max(edge, item.end_mark.index)
    if len(matches) > 1:
        lines = ", ".join(str(m.start_mark.line + 1) for m, _ in matches)
        raise _fail(name, f"key path {path_text(steps)} matches {len(matches)} items (lines {lines})")
    return matches[0] if matches else None


def _empty_value(node: Node | None, key: Node | None, in_flow: bool) -> bool:
    """A key written with no value at all (`key:`), in block style: `insert` can fill it."""
    return (
        isinstance(node, ScalarNode) and key is not None and not in_flow and node.tag == _NULL
        and node.start_mark.index == node.end_mark.index
    )  # fmt: skip


def _walk(root: Node | None, steps: Sequence[Step], name: str) -> _Leaf | _Gap:
    """The scalar `steps` lead to, or where and why they leave the file."""
    node, key, via, flow, key_line = root, None, "", False, 1
    for i, step in enumerate(steps):
        subject = f"key path {path_text(steps[:i])}" if i else "the document"
        in_flow, flow = flow, bool(getattr(node, "flow_style", False))
        why, fillable = "", False
        if isinstance(step, str):
            if not isinstance(node, MappingNode):
                why = f"{subject} is {describe(node)}, not a mapping"
                fillable = node is None or _empty_value(node, key, in_flow)
            elif (found := _lookup(node, step)) is None:
                why, fillable = (
                    f"key path {path_text(steps[: i + 1])} is absent ({_keys(node, subject)})",
                    True,
                )
            else:
                key, node, via = found[0], found[1], via or _via(*found)
                key_line = found[0].start_mark.line + 1
                continue
        elif not isinstance(node, SequenceNode):
            why, fillable = f"{subject} is {describe(node)}, not a list", _empty_value(node, key, in_flow)
        elif (item := _item(node, step, steps[: i + 1], name)) is None:
            fillable = not isinstance(step, At) or step.index == len(node.value)
            found_ = (
                _names(node.value, step.key)
                if isinstance(step, Select)
                else f"the list has {len(node.value)}"
            )
            why = f"key path {path_text(steps[: i + 1])} {_no_item(step)} ({found_})"
        else:
            via = via or item[1]
            node, key, key_line = item[0], None, item[0].start_mark.line + 1
            continue
        return _Gap(i, node, key, fillable and not via, via, why)
    if not isinstance(node, ScalarNode):
        raise _fail(name, f"key path {path_text(steps)} holds a collection, not a scalar")
    return _Leaf(node, key_line, flow, via)


def _no_item(step: Select | At) -> str:
    return "matches no item" if isinstance(step, Select) else "is absent"


def _item(seq: SequenceNode, step: Select | At, steps: Sequence[Step], name: str) -> tuple[Node, str] | None:
    """The list item `step` picks and how it was reached ("alias *a" or ""), None when there is none."""
    if isinstance(step, Select):
        picked = _select(seq, step, steps, name)
        if picked is None:
            return None
        item, aliased = picked
    elif 0 <= step.index < len(seq.value):
        item = seq.value[step.index]
        edge = max([seq.start_mark.index] + [n.end_mark.index for n in seq.value[: step.index]])
        aliased = item.start_mark.index < edge  # an alias: its anchor came earlier
    else:
        return None
    return item, f"alias *{item.anchor}" if aliased else ""


def _locate(root: Node | None, key: KeyPath, name: str) -> _Leaf:
    found = _walk(root, key_path(key), name)
    if isinstance(found, _Gap):
        raise _fail(name, found.why, absent=found.fillable)
    return found


def value_at(
    root: Node | None, key: KeyPath, name: str = "values.yaml", *, missing: str | None = None
) -> str:
    """The scalar at `key` in a composed document (see `compose`) as written, "" for null.

    With `missing` set, a path the file lacks where it could be added reads as `missing`.
    """
    found = _walk(root, key_path(key), name)
    if isinstance(found, _Gap):
        if missing is not None and found.fillable:
            return missing
        raise _fail(name, found.why, absent=found.fillable)
    return "" if found.node.tag == _NULL else str(found.node.value)


def read_value(
    text: str,
    key: KeyPath,
    name: str = "values.yaml",
    *,
    document: int | None = None,
    missing: str | None = None,
) -> str:
    """The scalar at `key` (e.g. `.image.tag`, `containers[name=api].image`) as written, "" for null."""
    return value_at(_root(text, name, document), key, name, missing=missing)


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
    node, shown_key = leaf.node, display(key)
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
    return start, end, render_scalar(value, node.style, leaf.flow)


def _add(
    text: str, root: Node | None, gap: _Gap, steps: Sequence[Step], key: KeyPath, name: str, value: str
) -> str:
    """`text` with the steps `gap` lacks added, or the reason they cannot be."""
    if gap.fillable:
        if why := insert_problem(steps[gap.depth :]):
            raise _fail(name, f"{gap.why}; {display(key)} cannot be added: {why}")
        return insert(text, root, gap.node, gap.key, steps[gap.depth :], value)
    if gap.via:
        remedy = "remove the merge" if gap.via == "<<" else "replace the alias"
        line = gap.node.start_mark.line + 1 if gap.node else 1
        why = f"would be added under the anchor at line {line} (via {gap.via}); add it there or {remedy}"
        raise _fail(name, f"{display(key)} {why}")
    raise _fail(name, gap.why)


def set_values(
    text: str,
    changes: Mapping[str, str] | Mapping[KeyPath, str],
    name: str = "values.yaml",
    *,
    create: bool = False,
    document: int | None = None,
) -> str:
    """Return `text` with each `key -> value` in `changes` set, all else byte-identical.

    With `create`, a key path the file lacks is added (see `slipway.gitops.values_insert`);
    without it, or where adding is impossible, a ConfigError says what the file holds instead.
    `document` picks one document of a multi-document file (None: the file has one).
    """
    for key, value in changes.items():
        if any("\ud800" <= c <= "\udfff" for c in value):
            raise _fail(name, f"{display(key)}: the new value is not valid text")
    root = _root(text, name, document)
    edits: dict[int, tuple[int, str]] = {}
    added: list[tuple[KeyPath, str]] = []
    for key, value in changes.items():
        found = _walk(root, key_path(key), name)
        if isinstance(found, _Gap):
            if not create:
                raise _fail(name, found.why, absent=found.fillable)
            added.append((key, value))
            continue
        start, end, new = _edit(text, found, key, value, name)
        if edits.get(start, (end, new)) != (end, new):
            raise _fail(name, f"{display(key)}: set twice to different values")
        edits[start] = (end, new)
    out = text
    for start in sorted(edits, reverse=True):
        end, new = edits[start]
        out = out[:start] + new + out[end:]
    for key, value in added:
        root = _root(out, name, document)
        steps = key_path(key)
        found = _walk(root, steps, name)
        if isinstance(found, _Gap):
            out = _add(out, root, found, steps, key, name, value)
        else:
            start, end, new = _edit(out, found, key, value, name)
            out = out[:start] + new + out[end:]
    new_root = _root(out, name, document)
    for key, value in changes.items():
        node = _locate(new_root, key, name).node
        if node.tag != _STR or node.value != value:
            raise _fail(name, f"{display(key)}: edit did not round-trip (value {shown(value)})")
    return out
