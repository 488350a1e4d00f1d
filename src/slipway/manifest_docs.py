"""Rendered manifests as documents: split without rewriting them, each one's kind, name and Helm hook.

A render (`helm template`, `kustomize build`) is a stream of YAML documents. `split_manifests`
cuts it at its `---` lines and keeps every document's text as the tool wrote it; `join_manifests`
writes documents back in one canonical form (LF line ends, one `---` line before each document,
no blank documents), so the same documents always give the same bytes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import yaml

__all__ = [
    "HOOK_ANNOTATION",
    "Manifest",
    "canonical_manifests",
    "compose_document",
    "join_manifests",
    "mapping_get",
    "split_manifests",
]

HOOK_ANNOTATION = "helm.sh/hook"
_SEPARATOR = re.compile(r"^---(?:[ \t]+(.*))?$")


@dataclass(frozen=True)
class Manifest:
    """One document of a rendered stream: its text as rendered, and what object it is.

    `kind`, `name` and `namespace` are "" when the document does not say (or is not a mapping);
    `hook` is its `helm.sh/hook` annotation ("" for an ordinary manifest).
    """

    text: str
    kind: str = ""
    name: str = ""
    namespace: str = ""
    hook: str = ""

    @property
    def label(self) -> str:
        """`Kind/name`, as messages name an object."""
        return f"{self.kind or '?'}/{self.name or '?'}"


def compose_document(text: str) -> yaml.Node | None:
    """One YAML document as pyyaml's node tree (aliases are not expanded); None when it does not parse."""
    try:
        return yaml.compose(text, Loader=yaml.SafeLoader)
    except (yaml.YAMLError, RecursionError):
        return None


def mapping_get(node: yaml.Node | None, *keys: str) -> yaml.Node | None:
    """The node at `keys` under a mapping node, or None when a step is missing or not a mapping."""
    for key in keys:
        if not isinstance(node, yaml.MappingNode):
            return None
        node = next(
            (v for k, v in node.value if isinstance(k, yaml.ScalarNode) and k.value == key),
            None,
        )
    return node


def _scalar(node: yaml.Node | None) -> str:
    return str(node.value) if isinstance(node, yaml.ScalarNode) else ""


def _describe(text: str) -> Manifest:
    root = compose_document(text)
    return Manifest(
        text=text,
        kind=_scalar(mapping_get(root, "kind")),
        name=_scalar(mapping_get(root, "metadata", "name")),
        namespace=_scalar(mapping_get(root, "metadata", "namespace")),
        hook=_scalar(mapping_get(root, "metadata", "annotations", HOOK_ANNOTATION)),
    )


def _chunks(text: str) -> Iterator[list[str]]:
    lines: list[str] = []
    for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        match = _SEPARATOR.match(line.rstrip())
        if match is None:
            lines.append(line)
            continue
        yield lines
        rest = (match.group(1) or "").strip()
        lines = [rest] if rest and not rest.startswith("#") else []
    yield lines


def split_manifests(text: str) -> list[Manifest]:
    """The documents of a rendered stream, in order; blank documents are dropped."""
    out = []
    for lines in _chunks(text):
        while lines and not lines[-1].strip():
            lines.pop()
        while lines and not lines[0].strip():
            lines.pop(0)
        if lines:
            out.append(_describe("\n".join(lines) + "\n"))
    return out


def join_manifests(manifests: Iterable[Manifest]) -> str:
    """Documents as one stream in the canonical form: `---` before each, LF line ends."""
    return "".join(f"---\n{m.text}" for m in manifests)


def canonical_manifests(text: str) -> str:
    """A rendered stream in the canonical form: the same documents always give the same bytes."""
    return join_manifests(split_manifests(text))
