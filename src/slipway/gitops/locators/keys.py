"""The `keys` locator: the image as key paths in a YAML values file (Helm values, the default)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from slipway.errors import ConfigError
from slipway.gitops.locators.base import Locator
from slipway.gitops.values_edit import read_value, set_values
from slipway.refs import ImageRef

__all__ = ["KeysLocator", "image_changes", "values_image"]


def image_changes(image: ImageRef, tag_key: str, digest_key: str, repository_key: str = "") -> dict[str, str]:
    """The values-file edits that point an environment at `image`."""
    changes = {}
    if repository_key:
        changes[repository_key] = image.repository
    if image.tag:
        changes[tag_key] = image.tag
    if digest_key:
        changes[digest_key] = image.digest
    return changes


def _repository_key(tag_key: str) -> str:
    return tag_key.rsplit(".", 1)[0] + ".repository" if "." in tag_key.strip(".") else "repository"


def _file_repository(text: str, tag_key: str, path: str) -> str:
    try:
        return read_value(text, _repository_key(tag_key), path)
    except ConfigError:
        return ""


def values_image(text: str, tag_key: str, digest_key: str, path: str) -> ImageRef:
    """The image a values file points at (`<tag's parent>.repository`, tag and digest)."""
    return ImageRef(
        _file_repository(text, tag_key, path),
        read_value(text, tag_key, path),
        read_value(text, digest_key, path) if digest_key else "",
    )


@dataclass(frozen=True)
class KeysLocator(Locator):
    """Tag, digest and (when set) repository at dotted key paths; "" digest_key: no digest."""

    kind: ClassVar[str] = "keys"
    tag_key: str = "image.tag"
    digest_key: str = "image.digest"
    repository_key: str = ""

    @property
    def writes_repository(self) -> bool:
        """Only with `repository_key`: then another repository may be promoted."""
        return bool(self.repository_key)

    def read(self, text: str, name: str) -> ImageRef:
        """Tag and digest at their keys; the repository from `<tag's parent>.repository`."""
        return values_image(text, self.tag_key, self.digest_key, name)

    def write(self, text: str, image: ImageRef, name: str) -> str:
        """The tag (when the image has one), the digest ("" when none) and the repository key."""
        changes = image_changes(image, self.tag_key, self.digest_key, self.repository_key)
        return set_values(text, changes, name)

    def repository(self, text: str, name: str) -> str:
        """`<tag's parent>.repository`, even when the tag itself is absent."""
        return _file_repository(text, self.tag_key, name)
