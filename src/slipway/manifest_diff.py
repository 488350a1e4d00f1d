"""The rendered-manifest diff a reviewer reads: real changes only, not the noise of a render.

Two renders of one chart differ in ways nobody changed: a random name suffix (`randAlphaNum`,
kustomize's content hashes) makes an object look deleted and re-added and moves it in the sort
order, and `checksum/*` annotations change whenever what they checksum changes. Before diffing,
both sides are put into a view (used only for the diff, never applied) where:

- documents are in one order: by kind, namespace and name;
- `checksum/*` annotation values read `<checksum>` (what they checksum is in the diff itself);
- an object that exists on one side only, whose name differs from exactly one object of the same
  kind and namespace on the other side only in one random-looking segment (both 5 or more
  lowercase letters and digits of the same length, a digit in either, different in more than
  half their positions: `x7k2p` and `q9z1m`, not `v0012` and `v0013`), is named `...-<random>` on
  both sides, so its content is diffed line by line: every other change in it still shows.

Nothing else is touched: values, lists and their order, key order and comments diff as rendered.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, replace

import yaml

from slipway.manifest_docs import Manifest, compose_document, join_manifests, mapping_get, split_manifests

__all__ = ["diff_view", "rendered_diff"]

CHECKSUM_PREFIX = "checksum/"
_SEGMENT = re.compile(r"[a-z0-9]{5,}")
_PARTS = re.compile(r"([-.])")


@dataclass(frozen=True)
class _Edit:
    start: int
    end: int
    text: str


def _looks_random(a: str, b: str) -> bool:
    """Two generated suffixes, not an edit: same length, a digit somewhere, most positions differ."""
    if len(a) != len(b) or not (_SEGMENT.fullmatch(a) and _SEGMENT.fullmatch(b)):
        return False
    differing = sum(x != y for x, y in zip(a, b, strict=True))
    return differing * 2 > len(a) and bool(re.search(r"[0-9]", a + b))


def _random_variant(a: str, b: str) -> str | None:
    """`a` with its one random-looking segment as `<random>`, when that is all that differs from `b`."""
    pa, pb = _PARTS.split(a), _PARTS.split(b)
    if len(pa) != len(pb):
        return None
    differ = [i for i, (x, y) in enumerate(zip(pa, pb, strict=True)) if x != y]
    if len(differ) != 1 or not _looks_random(pa[differ[0]], pb[differ[0]]):
        return None
    return "".join("<random>" if i == differ[0] else part for i, part in enumerate(pa))


def _checksum_edits(node: yaml.Node | None, inside_annotations: bool = False) -> list[_Edit]:
    """`<checksum>` for every `checksum/*` value of an `annotations` mapping anywhere in the document."""
    edits: list[_Edit] = []
    if isinstance(node, yaml.SequenceNode):
        for item in node.value:
            edits += _checksum_edits(item)
    if not isinstance(node, yaml.MappingNode):
        return edits
    for key, value in node.value:
        name = key.value if isinstance(key, yaml.ScalarNode) else ""
        if inside_annotations and isinstance(value, yaml.ScalarNode) and name.startswith(CHECKSUM_PREFIX):
            edits.append(_Edit(value.start_mark.index, value.end_mark.index, "<checksum>"))
        elif not inside_annotations:
            edits += _checksum_edits(value, name == "annotations")
    return edits


def _apply(text: str, edits: list[_Edit]) -> str:
    for edit in sorted(edits, key=lambda e: e.start, reverse=True):
        text = text[: edit.start] + edit.text + text[edit.end :]
    return text


def _view(doc: Manifest, name: str | None) -> Manifest:
    """`doc` with its checksums masked and, when `name` is given, its metadata.name shown as `name`."""
    root = compose_document(doc.text)
    if root is None:
        return doc
    try:
        edits = _checksum_edits(root)
    except RecursionError:
        edits = []
    name_node = mapping_get(root, "metadata", "name")
    if name is not None and isinstance(name_node, yaml.ScalarNode):
        edits.append(_Edit(name_node.start_mark.index, name_node.end_mark.index, name))
    return replace(doc, text=_apply(doc.text, edits), name=name if name is not None else doc.name)


def _identity(doc: Manifest) -> tuple[str, str, str]:
    return doc.kind, doc.namespace, doc.name


def _random_names(old: list[Manifest], new: list[Manifest]) -> dict[int, str]:
    """id(document) -> its name with the random segment masked, for objects paired across the sides."""
    old_ids, new_ids = {_identity(d) for d in old}, {_identity(d) for d in new}
    only_old = [d for d in old if d.name and _identity(d) not in new_ids]
    only_new = [d for d in new if d.name and _identity(d) not in old_ids]

    def partners(doc: Manifest, others: list[Manifest]) -> list[tuple[Manifest, str]]:
        out = []
        for other in others:
            if (other.kind, other.namespace) == (doc.kind, doc.namespace):
                masked = _random_variant(doc.name, other.name)
                if masked is not None:
                    out.append((other, masked))
        return out

    names: dict[int, str] = {}
    for doc in only_old:
        found = partners(doc, only_new)
        if len(found) == 1 and len(partners(found[0][0], only_old)) == 1:
            names[id(doc)] = names[id(found[0][0])] = found[0][1]
    return names


def diff_view(old: str, new: str) -> tuple[str, str]:
    """Both renders as the diff shows them: one document order, checksums and random names masked."""
    old_docs, new_docs = split_manifests(old), split_manifests(new)
    names = _random_names(old_docs, new_docs)

    def view(docs: list[Manifest]) -> str:
        shown = [_view(d, names.get(id(d))) for d in docs]
        return join_manifests(sorted(shown, key=lambda d: (*_identity(d), d.text)))

    return view(old_docs), view(new_docs)


def rendered_diff(old: str, new: str, old_label: str, new_label: str) -> str:
    """The unified diff of two renders' views ("" when they differ only in noise)."""
    a, b = diff_view(old, new)
    return "".join(difflib.unified_diff(a.splitlines(True), b.splitlines(True), old_label, new_label))
