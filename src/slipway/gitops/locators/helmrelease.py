"""The `helmrelease` locator: the image in a Flux HelmRelease's `spec.values`.

The keys are those of `keys` (`tag_key`, `digest_key`, `repository_key`, `image_key`), relative
to `spec.values`: `image.tag` is `spec.values.image.tag`. The file may hold other objects
besides the HelmRelease (a kustomize patch file, `---`-separated); exactly one document must be
a `HelmRelease` of `helm.toolkit.fluxcd.io`, and only it is edited.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from ruamel.yaml.nodes import Node

from slipway.gitops.key_paths import KeyPath, key_path
from slipway.gitops.locators.keys import KeysLocator
from slipway.gitops.locators.manifest import manifest

__all__ = ["HelmReleaseLocator"]


@dataclass(frozen=True)
class HelmReleaseLocator(KeysLocator):
    """The `keys` locator under `spec.values` of the file's one HelmRelease."""

    kind: ClassVar[str] = "helmrelease"

    def path(self, key: str) -> KeyPath:
        """`spec.values.<key>`."""
        return ("spec", "values", *key_path(key))

    def document(self, text: str, name: str) -> tuple[int | None, Node | None]:
        """The HelmRelease document."""
        found = manifest(text, name, "HelmRelease", "helm.toolkit.fluxcd.io")
        return found.index, found.root
