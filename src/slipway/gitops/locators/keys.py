"""The `keys` locator: the image as key paths in a YAML values file (Helm values, the default).

Key paths may select list items (`sidecars[name=api].image.tag`, see `slipway.gitops.key_paths`).
The image is written as its parts (`tag_key`, `digest_key`, optionally `repository_key`), or
whole (`repo:tag@digest`) at `image_key`, as a manifest's `containers[name=api].image` holds it.
With no digest key, the digest is folded into the tag (`tag@sha256:…`), which a chart's
`{{ .Values.image.repository }}:{{ .Values.image.tag }}` still pulls by digest.

The locators for files that hold Helm values elsewhere (a Flux HelmRelease, an Argo CD
Application) are this one with the key paths moved under a prefix of one document.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from ruamel.yaml.nodes import Node

from slipway.errors import ConfigError
from slipway.gitops.key_paths import KeyPath, key_path
from slipway.gitops.locators.base import Locator
from slipway.gitops.values_edit import PlaceError, compose, set_values, value_at
from slipway.refs import ImageRef, split_ref

__all__ = ["KeysLocator", "image_changes", "values_image"]


def image_changes(image: ImageRef, tag_key: str, digest_key: str, repository_key: str = "") -> dict[str, str]:
    """The values-file edits that point an environment at `image`.

    Without a digest key the tag key gets `tag@digest` (a ConfigError when the image has a
    digest but no tag to carry it).
    """
    changes = {}
    if repository_key:
        changes[repository_key] = image.repository
    tag = image.tag
    if not digest_key and image.digest:
        if not tag:
            msg = (
                f"promote: {image} has no tag to carry its digest and gitops.digest_key is empty "
                "(set digest_key, or image_key for the whole reference)"
            )
            raise ConfigError(msg)
        tag = f"{tag}@{image.digest}"
    if tag:
        changes[tag_key] = tag
    if digest_key:
        changes[digest_key] = image.digest
    return changes


def _repository_key(tag_key: str) -> str:
    """`<tag's parent>.repository`: `image.tag` -> `image.repository`, `tag` -> `repository`."""
    steps, key = key_path(tag_key), tag_key.rstrip(".")
    if len(steps) == 1 or not isinstance(steps[-1], str):
        return "repository"
    return key[: len(key) - len(steps[-1])].rstrip(".") + ".repository"


def values_image(text: str, tag_key: str, digest_key: str, path: str) -> ImageRef:
    """The image a values file points at (`<tag's parent>.repository`, tag and digest)."""
    return KeysLocator(tag_key, digest_key).read(text, path)


@dataclass(frozen=True)
class KeysLocator(Locator):
    """Tag, digest and (when set) repository at key paths, or the whole image at `image_key`.

    "" digest_key: no digest key (the digest goes into the tag). `create`: add missing keys.
    """

    kind: ClassVar[str] = "keys"
    tag_key: str = "image.tag"
    digest_key: str = "image.digest"
    repository_key: str = ""
    image_key: str = ""
    create: bool = False

    @property
    def writes_repository(self) -> bool:
        """Only with `repository_key`: then another repository may be promoted."""
        return bool(self.repository_key)

    def path(self, key: str) -> KeyPath:
        """Where a configured key lives in the document (here: the key itself)."""
        return tuple(key_path(key))

    def document(self, text: str, name: str) -> tuple[int | None, Node | None]:
        """The document the keys are in: its index (None: the file has one) and root."""
        return None, compose(text, name)

    def _value(self, root: Node | None, key: str, name: str) -> str:
        return value_at(root, self.path(key), name, missing="" if self.create else None)

    def _read(self, text: str, name: str) -> ImageRef:
        """Tag and digest at their keys; the repository from `<tag's parent>.repository`."""
        _, root = self.document(text, name)
        if self.image_key:
            return split_ref(self._value(root, self.image_key, name))
        tag = self._value(root, self.tag_key, name)
        digest = self._value(root, self.digest_key, name) if self.digest_key else ""
        if not self.digest_key and "@" in tag:
            tag, digest = tag.split("@", 1)
        return ImageRef(self._file_repository(root, name), tag, digest)

    def _write(self, text: str, image: ImageRef, name: str) -> str:
        """The tag (when the image has one), the digest ("" when none) and the repository key."""
        document, _ = self.document(text, name)
        if self.image_key:
            changes = {self.image_key: str(image)}
        else:
            changes = image_changes(image, self.tag_key, self.digest_key, self.repository_key)
        edits = {self.path(k): v for k, v in changes.items()}
        return set_values(text, edits, name, create=self.create, document=document)

    def _file_repository(self, root: Node | None, name: str) -> str:
        try:
            return value_at(root, self.path(_repository_key(self.tag_key)), name)
        except PlaceError:
            return ""

    def repository(self, text: str, name: str) -> str:
        """`<tag's parent>.repository` (or the image key's repository), even without a tag."""
        try:
            _, root = self.document(text, name)
            if self.image_key:
                return split_ref(value_at(root, self.path(self.image_key), name)).repository
            return self._file_repository(root, name)
        except ConfigError:
            return ""
