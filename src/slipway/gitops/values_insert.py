"""Add a missing key path to a YAML file: new lines (or flow entries) and nothing else changed.

`insert` writes the steps of a key path that the file lacks, with the value at the end, into
the collection where the path leaves the file:

- a block mapping gets the new key on its own line after its last content (after that line's
  comment), at the column of its other keys; a block list gets a new `- ` item the same way;
- a flow mapping or list (`{a: 1}`, `[a]`) gets `, key: value` before its closing bracket;
- a key with no value at all (`parameters:`) gets the new collection on the lines after it;
- an empty document gets the keys at its end.

Nested new collections follow the file's own indentation (how far a nested mapping, a list
under a key and a list item's mapping are indented; 2 where the file shows none), its line
ending (CRLF when its first line ends so) and block or flow style of the place they go into.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from ruamel.yaml import YAML
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from ruamel.yaml.tokens import BlockEndToken, BlockEntryToken, FlowEntryToken, KeyToken

from slipway.gitops.key_paths import At, Select, Step, path_text
from slipway.gitops.yaml_scalar import render_scalar

__all__ = ["insert", "insert_problem"]


@dataclass(frozen=True)
class _Indent:
    """The file's indentation: nested mapping, list under a key, and a list item's content."""

    mapping: int = 2
    sequence: int = 2
    item: int = 2


def _nodes(root: Node | None) -> Iterator[Node]:
    stack, seen = [root], set()
    while stack:
        node = stack.pop()
        if node is None or id(node) in seen:
            continue
        seen.add(id(node))
        yield node
        if isinstance(node, MappingNode):
            stack += [n for pair in reversed(node.value) for n in reversed(pair)]
        elif isinstance(node, SequenceNode):
            stack += reversed(node.value)


def _indent(root: Node | None) -> _Indent:
    """The offsets the file uses first, each 2 when it shows none."""
    mapping = sequence = item = None
    for node in _nodes(root):
        if isinstance(node, MappingNode) and not node.flow_style:
            for key, value in node.value:
                if getattr(value, "flow_style", True) or not value.value:
                    continue
                first = value.value[0][0] if isinstance(value, MappingNode) else value.value[0]
                if isinstance(value, MappingNode) and mapping is None:
                    mapping = first.start_mark.column - key.start_mark.column
                elif value.start_mark.line > key.start_mark.line and sequence is None:  # no anchor in the way
                    sequence = value.start_mark.column - key.start_mark.column
        if isinstance(node, SequenceNode) and not node.flow_style and node.value and item is None:
            first = node.value[0]
            if first.start_mark.line == node.start_mark.line and not getattr(first, "flow_style", False):
                item = first.start_mark.column - node.start_mark.column
    default = _Indent()
    return _Indent(
        mapping if mapping and mapping > 0 else default.mapping,
        sequence if sequence is not None and sequence >= 0 else default.sequence,
        item if item and item >= 2 else default.item,
    )


def _line_ending(text: str) -> str:
    first = text.find("\n")
    return "\r\n" if first > 0 and text[first - 1] == "\r" else "\n"


def _span(text: str, node: Node) -> tuple[int, int]:
    """Where the last token inside `node` ends, and the column of its first key or `-`.

    An empty flow collection ends after its opening bracket; the column is a block collection's
    own, past any anchor or tag written before it.
    """
    start, end = node.start_mark.index, node.end_mark.index
    flow = bool(getattr(node, "flow_style", False))
    last: int = start + 1 if flow else start
    column = -1
    for token in YAML(typ="rt").scan(text):
        at, until = token.start_mark.index, token.end_mark.index
        if at >= end:
            break
        if isinstance(token, BlockEndToken | FlowEntryToken) or at < start:
            continue
        if flow and (at == start or until == end):
            continue
        if column < 0 and isinstance(token, KeyToken | BlockEntryToken):
            column = token.start_mark.column
        last = max(last, until)
    return last, column


def _after_line(text: str, index: int) -> int:
    """The start of the line after the one `index` is on (or the end of the text)."""
    if index > 0 and text[index - 1] == "\n":
        return index
    newline = text.find("\n", index)
    return len(text) if newline < 0 else newline + 1


def _key(step: str, flow: bool) -> str:
    return render_scalar(step, None, flow)


def _flow_node(rest: Sequence[Step], value: str) -> str:
    if not rest:
        return render_scalar(value, None, True)
    if isinstance(rest[0], str):
        return "{" + _flow_entry(rest, value) + "}"
    return "[" + _flow_item(rest, value) + "]"


def _flow_entry(rest: Sequence[Step], value: str) -> str:
    step = rest[0]
    assert isinstance(step, str)  # a mapping's new entry starts with its key
    return f"{_key(step, True)}: {_flow_node(rest[1:], value)}"


def _flow_item(rest: Sequence[Step], value: str) -> str:
    step = rest[0]
    if isinstance(step, Select):
        pair = f"{_key(step.key, True)}: {render_scalar(step.value, None, True)}"
        return "{" + pair + (", " + _flow_entry(rest[1:], value) if rest[1:] else "") + "}"
    return _flow_node(rest[1:], value)


def _block_after_key(rest: Sequence[Step], value: str, col: int, indent: _Indent) -> list[str]:
    """What follows `key:`: ` value` on its line, or the lines of a nested collection."""
    if not rest:
        return [" " + render_scalar(value)]
    if isinstance(rest[0], str):
        return ["", *_block_entry(rest, value, col + indent.mapping, indent)]
    return ["", *_block_item(rest, value, col + indent.sequence, indent)]


def _block_entry(rest: Sequence[Step], value: str, col: int, indent: _Indent) -> list[str]:
    step = rest[0]
    assert isinstance(step, str)  # a mapping's new entry starts with its key
    first, *more = _block_after_key(rest[1:], value, col, indent)
    return [" " * col + _key(step, False) + ":" + first, *more]


def _block_item(rest: Sequence[Step], value: str, col: int, indent: _Indent) -> list[str]:
    step, dash = rest[0], " " * col + "-" + " " * (indent.item - 1)
    if isinstance(step, Select):
        head = f"{dash}{_key(step.key, False)}: {render_scalar(step.value)}"
        return [head, *(_block_entry(rest[1:], value, col + indent.item, indent) if rest[1:] else [])]
    if not rest[1:]:
        return [dash + render_scalar(value)]
    first, *more = _block_entry(rest[1:], value, col + indent.item, indent)
    return [dash + first.lstrip(" "), *more]


def _lines(text: str, at: int, lines: list[str]) -> str:
    ending = _line_ending(text)
    if at == len(text) and text and not text.endswith("\n"):  # the file keeps its unended last line
        return text + ending + ending.join(lines)
    return text[:at] + ending.join(lines) + ending + text[at:]


def insert(
    text: str, root: Node | None, node: Node | None, key: Node | None, rest: Sequence[Step], value: str
) -> str:
    """`text` with `rest` (steps the file lacks, then `value`) added where the path leaves it.

    `node` is the collection the path reached last (None: an empty document); `key` the key it
    is the value of, used when `node` is an empty value (`key:` and nothing else). The caller
    has checked that `rest` fits `node` (a key for a mapping, a `Select` or `At` for a list).
    """
    indent = _indent(root)
    if node is None:
        return _lines(text, len(text), _block_entry(rest, value, 0, indent))
    if isinstance(node, ScalarNode):  # an empty value: the new collection follows its key's line
        assert key is not None  # only a key's empty value is filled
        after = _after_line(text, key.end_mark.index)
        lines = _block_after_key(rest, value, key.start_mark.column, indent)[1:]
        return _lines(text, after, lines)
    end, col = _span(text, node)
    if getattr(node, "flow_style", False):
        new = _flow_entry(rest, value) if isinstance(node, MappingNode) else _flow_item(rest, value)
        separator = "" if end == node.start_mark.index + 1 else ", "
        return text[:end] + separator + new + text[end:]
    entry = _block_entry if isinstance(node, MappingNode) else _block_item
    return _lines(text, _after_line(text, end), entry(rest, value, col, indent))


def insert_problem(rest: Sequence[Step]) -> str | None:
    """Why `insert` cannot write `rest` into a new place, or None.

    A new list item is a mapping (after a `Select`, keys follow) or a scalar (an `At` last);
    a new list has only position 0; the path ends at a key or a position (a scalar).
    """
    for i, step in enumerate(rest):
        after = rest[i + 1] if i + 1 < len(rest) else None
        if isinstance(step, Select) and not isinstance(after, str):
            return f"{path_text(rest[: i + 1])} must be followed by a key"
        if isinstance(step, At) and i and step.index:
            return f"{path_text(rest[: i + 1])} cannot be added to a new list"
        if isinstance(step, At) and after is not None and not isinstance(after, str):
            return f"{path_text(rest[: i + 1])} must be followed by a key"
    return None
