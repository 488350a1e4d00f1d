"""The one Kubernetes object of a kind in a (possibly multi-document) YAML file.

A Flux HelmRelease patch or an Argo CD Application may share its file with other objects
(`---`-separated); the locators for them edit the one document whose `kind` they handle.
"""

from __future__ import annotations

from dataclasses import dataclass

from ruamel.yaml.nodes import Node, ScalarNode

from slipway.gitops.values_edit import PlaceError, compose_documents, mapping_get
from slipway.yaml_input import shown

__all__ = ["Manifest", "manifest"]

_SHOWN_KINDS = 5


@dataclass(frozen=True)
class Manifest:
    """The document holding the object: its index in the file and its root node."""

    index: int
    root: Node


def _field(root: Node | None, key: str) -> str:
    node = mapping_get(root, key)
    return str(node.value) if isinstance(node, ScalarNode) else ""


def manifest(text: str, name: str, kind: str, api_group: str) -> Manifest:
    """The one document whose `kind` is `kind` and whose `apiVersion` is in `api_group`."""
    roots = compose_documents(text, name)
    found, kinds = [], []
    for index, root in enumerate(roots):
        if root is None or (mapping_get(root, "kind") is None and mapping_get(root, "apiVersion") is None):
            continue
        doc_kind, api = _field(root, "kind"), _field(root, "apiVersion")
        kinds.append(f"{shown(doc_kind or '(no kind)')} (line {root.start_mark.line + 1})")
        if doc_kind == kind and api.startswith(f"{api_group}/"):
            found.append(Manifest(index, root))
    wanted = f"a {kind} ({api_group}/*)"
    if len(found) == 1:
        return found[0]
    if found:
        lines = ", ".join(str(m.root.start_mark.line + 1) for m in found)
        raise PlaceError(name, f"{len(found)} documents are {wanted} (lines {lines}); keep one per file")
    listed = ", ".join(kinds[:_SHOWN_KINDS]) + (" ..." if len(kinds) > _SHOWN_KINDS else "")
    what = f"found kind {listed}" if kinds else "no Kubernetes object in the file"
    raise PlaceError(name, f"no document is {wanted} ({what})")
