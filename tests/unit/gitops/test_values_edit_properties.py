"""Property: setting one scalar in a commented YAML mapping changes that scalar and nothing else."""

from __future__ import annotations

import difflib
import string
from dataclasses import dataclass, field
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from slipway.gitops.values_edit import read_value, set_values

_WORDS = {"y", "yes", "n", "no", "true", "false", "on", "off", "null"}
KEYS = st.from_regex(r"[a-z][a-z0-9_-]{0,7}", fullmatch=True).filter(lambda k: k not in _WORDS)
# Printable text for quoted scalars and comments: ASCII plus a few multi-byte characters.
TEXT = st.text(alphabet=string.ascii_letters + string.digits + " !\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~éß中😀")


def _single_quoted(s: str) -> str:
    return "'" + s.replace("'", "''") + "'"


def _double_quoted(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


SCALARS = st.one_of(
    st.from_regex(r"[a-z][a-z0-9_./-]{0,10}", fullmatch=True).filter(lambda s: s not in _WORDS),
    TEXT.map(_single_quoted),
    TEXT.map(_double_quoted),
    st.integers().map(str),
    st.floats(allow_nan=False, allow_infinity=False).map(repr),
    st.sampled_from(["true", "false"]),
)
COMMENTS = st.one_of(st.just(""), TEXT.map(lambda c: "  # " + c.strip()))


@dataclass
class Leaf:
    """Where one scalar sits: its key path, line index and column span."""

    path: str
    line: int
    start: int
    end: int


@dataclass
class Doc:
    """A generated document's lines and the scalars in it."""

    lines: list[str] = field(default_factory=list)
    leaves: list[Leaf] = field(default_factory=list)


def _flow_entry(draw: Any, doc: Doc, head: str, path: str) -> None:
    items = draw(st.lists(st.tuples(KEYS, SCALARS), min_size=1, max_size=3, unique_by=lambda t: t[0]))
    line = head + " {"
    for i, (key, scalar) in enumerate(items):
        line += (", " if i else "") + key + ": "
        doc.leaves.append(Leaf(f"{path}.{key}", len(doc.lines), len(line), len(line) + len(scalar)))
        line += scalar
    doc.lines.append(line + "}" + draw(COMMENTS))


def _mapping(draw: Any, doc: Doc, prefix: str, indent: int, depth: int) -> None:
    for key in draw(st.lists(KEYS, min_size=1, max_size=4, unique=True)):
        if draw(st.booleans()):
            doc.lines.append(" " * indent + "#" + draw(TEXT))
        path = f"{prefix}.{key}" if prefix else key
        head = " " * indent + key + ":"
        kind = draw(st.sampled_from(["scalar", "scalar", "map", "flow"] if depth < 3 else ["scalar"]))
        if kind == "map":
            doc.lines.append(head + draw(COMMENTS))
            _mapping(draw, doc, path, indent + 2, depth + 1)
        elif kind == "flow":
            _flow_entry(draw, doc, head, path)
        else:
            scalar = draw(SCALARS)
            doc.leaves.append(Leaf(path, len(doc.lines), len(head) + 1, len(head) + 1 + len(scalar)))
            doc.lines.append(f"{head} {scalar}{draw(COMMENTS)}")


@st.composite
def documents(draw: Any) -> tuple[str, str, str, Doc]:
    """A commented mapping document: its text, line ending, BOM and layout."""
    doc = Doc()
    _mapping(draw, doc, "", 0, 0)
    eol = draw(st.sampled_from(["\n", "\r\n"]))
    bom = draw(st.sampled_from(["", "\ufeff"]))
    return bom + eol.join(doc.lines) + eol, eol, bom, doc


def _load(text: str, path: str) -> Any:
    node = YAML(typ="rt").load(text)
    for part in path.split("."):
        node = node[part]
    return node


@settings(max_examples=200, deadline=None, derandomize=True)
@given(documents(), st.data(), st.text(max_size=20))
def test_setting_one_scalar_changes_only_its_span(
    generated: tuple[str, str, str, Doc], data: st.DataObject, value: str
) -> None:
    text, eol, bom, doc = generated
    leaf = data.draw(st.sampled_from(doc.leaves))
    assert read_value(text, leaf.path) is not None  # the generator wrote valid YAML
    out = set_values(text, {leaf.path: value})
    assert read_value(out, leaf.path) == value
    assert _load(out, leaf.path) == value
    assert out.startswith(bom)
    before, after = text[len(bom) :].split(eol), out[len(bom) :].split(eol)
    assert len(before) == len(after)
    changed = [i for i, (a, b) in enumerate(zip(before, after, strict=True)) if a != b]
    assert changed in ([], [leaf.line])
    old_line, new_line = before[leaf.line], after[leaf.line]
    tail = len(old_line) - leaf.end
    assert new_line[: leaf.start] == old_line[: leaf.start]
    assert new_line[len(new_line) - tail :] == old_line[leaf.end :]


def _set_in(data: Any, parent: str, key: str, value: Any) -> None:
    for part in parent.split(".") if parent else []:
        data = data[part]
    data[key] = value


@settings(max_examples=150, deadline=None, derandomize=True)
@given(documents(), st.data(), st.text(max_size=20))
def test_adding_a_key_adds_it_and_keeps_every_other_line(
    generated: tuple[str, str, str, Doc], data: st.DataObject, value: str
) -> None:
    text, eol, bom, doc = generated
    parents = sorted({leaf.path.rpartition(".")[0] for leaf in doc.leaves})
    parent = data.draw(st.sampled_from(parents))
    key = f"{parent}.new-key.leaf" if parent else "new-key.leaf"
    out = set_values(text, {key: value}, create=True)
    assert read_value(out, key) == value
    expected = YAML(typ="safe").load(text)
    _set_in(expected, parent, "new-key", {"leaf": value})
    assert YAML(typ="safe").load(out) == expected
    assert out.startswith(bom)
    before, after = text[len(bom) :].split(eol), out[len(bom) :].split(eol)
    ops = difflib.SequenceMatcher(None, before, after, autojunk=False).get_opcodes()
    changed = [(op, i2 - i1, j2 - j1) for op, i1, i2, j1, j2 in ops if op != "equal"]
    assert changed in ([("insert", 0, 2)], [("replace", 1, 1)]), changed  # two new lines, or a flow line
