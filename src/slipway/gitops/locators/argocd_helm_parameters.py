"""The `argocd-helm-parameters` locator: an Argo CD Application's `spec.source.helm.parameters`.

Each configured key names a parameter (`{name: image.tag, value: ...}`), as `helm --set
image.tag=...` would: `tag_key`, `digest_key`, `repository_key` or `image_key` are parameter
names, and the edit changes the parameter's `value`. With `create`, a missing parameter is
appended as `{name, value}`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from ruamel.yaml.nodes import Node

from slipway.gitops.key_paths import KeyPath, Select
from slipway.gitops.locators.argocd_application import SOURCE, application
from slipway.gitops.locators.keys import KeysLocator

__all__ = ["ArgoHelmParametersLocator"]


@dataclass(frozen=True)
class ArgoHelmParametersLocator(KeysLocator):
    """The `value`s of the parameters named by the keys, in the file's one Application."""

    kind: ClassVar[str] = "argocd-helm-parameters"

    def path(self, key: str) -> KeyPath:
        """`spec.source.helm.parameters[name=<key>].value`."""
        return (*SOURCE, "helm", "parameters", Select("name", key), "value")

    def document(self, text: str, name: str) -> tuple[int | None, Node | None]:
        """The Application document."""
        found = application(text, name)
        return found.index, found.root
