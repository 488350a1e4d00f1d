"""The `argocd-kustomize-images` locator: an entry of an Argo CD Application's `spec.source.kustomize.images`.

Each entry is a string as `kustomize edit set image` takes it: `name=newName:tag@digest`, or
`repo:tag@digest` when the name is the repository itself. The entry slipway edits is the one
whose name (the part before `=`, else the repository) is the locator's image name (by default
the app's image repository). A promotion of `repo:tag@digest` writes `name=repo:tag@digest`
when the entry had a `name=` (or the repository is another), else `repo:tag@digest`: the
digest is always written when the image has one. With `create`, a missing entry (or list) is
appended; without it, no entry, or several, is refused naming what was found.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from ruamel.yaml.nodes import Node, ScalarNode, SequenceNode

from slipway.gitops.key_paths import At, KeyPath
from slipway.gitops.locators.argocd_application import SOURCE, application
from slipway.gitops.locators.base import Locator
from slipway.gitops.values_edit import mapping_get, set_values, value_at
from slipway.refs import ImageRef, split_ref
from slipway.yaml_input import shown

__all__ = ["ArgoKustomizeImagesLocator"]

_IMAGES = (*SOURCE, "kustomize", "images")
_SHOWN_NAMES = 5


def _entry_name(entry: str) -> str:
    """The image an entry overrides: the part before `=`, else the entry's repository."""
    name, eq, _ = entry.partition("=")
    return name if eq else split_ref(entry).repository


@dataclass(frozen=True)
class _Entry:
    """The matching entry's position and text (None: no entry), the document and the list's size."""

    index: int | None
    text: str
    document: int
    size: int


@dataclass(frozen=True)
class ArgoKustomizeImagesLocator(Locator):
    """The `spec.source.kustomize.images` entry of `image_name` in the file's one Application."""

    kind: ClassVar[str] = "argocd-kustomize-images"
    image_name: str
    create: bool = False

    @property
    def writes_repository(self) -> bool:
        """False: the entry names the repository, but only the app's own is promoted."""
        return False

    def _entry(self, text: str, name: str) -> _Entry:
        found = application(text, name)
        node: Node | None = found.root
        for key in _IMAGES:
            node = mapping_get(node, key)
        if not isinstance(node, SequenceNode):  # absent, empty or not a list: the edit says which
            value_at(found.root, (*_IMAGES, At(0)), name, missing="" if self.create else None)
            return _Entry(None, "", found.index, 0)
        matches: list[tuple[int, ScalarNode]] = []
        names = []
        for index, item in enumerate(node.value):
            entry = str(item.value) if isinstance(item, ScalarNode) else ""
            names.append(shown(_entry_name(entry)) if entry else "(not a string)")
            if entry and _entry_name(entry) == self.image_name:
                matches.append((index, item))
        if len(matches) > 1:
            lines = ", ".join(str(item.start_mark.line + 1) for _, item in matches)
            why = (
                f"{len(matches)} kustomize images entries are named {shown(self.image_name)} (lines {lines})"
            )
            raise self.fail(name, f"{why}; keep one")
        if not matches:
            if self.create:
                return _Entry(None, "", found.index, len(node.value))
            listed = ", ".join(names[:_SHOWN_NAMES]) + (" ..." if len(names) > _SHOWN_NAMES else "")
            what = f"found {listed}" if names else "the list is empty"
            why = f"no spec.source.kustomize.images entry is named {shown(self.image_name)} ({what}"
            raise self.fail(name, f"{why}; see gitops.image_name)", absent=True)
        index, item = matches[0]
        return _Entry(index, str(item.value), found.index, len(node.value))

    def _read(self, text: str, name: str) -> ImageRef:
        """The image the entry sets (the empty image when there is none and `create` is on)."""
        entry = self._entry(text, name)
        if entry.index is None:
            return ImageRef("")
        _, eq, new = entry.text.partition("=")
        return split_ref(new if eq else entry.text)

    def _write(self, text: str, image: ImageRef, name: str) -> str:
        """`text` with the entry set to `image` (appended when missing and `create` is on)."""
        entry = self._entry(text, name)
        keep_name = "=" in entry.text or image.repository != self.image_name
        new = f"{self.image_name}={image}" if keep_name else str(image)
        if new == entry.text:
            return text
        path: KeyPath = (*_IMAGES, At(entry.size if entry.index is None else entry.index))
        return set_values(text, {path: new}, name, create=self.create, document=entry.document)
