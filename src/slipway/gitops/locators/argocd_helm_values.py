"""The `argocd-helm-values` locator: the image in an Argo CD Application's `spec.source.helm.valuesObject`.

The keys are those of `keys`, relative to `valuesObject`: `image.tag` is
`spec.source.helm.valuesObject.image.tag`. (`spec.source.helm.values`, Helm values as one
string, is not edited.)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from ruamel.yaml.nodes import Node

from slipway.gitops.key_paths import KeyPath, key_path
from slipway.gitops.locators.argocd_application import SOURCE, application
from slipway.gitops.locators.keys import KeysLocator

__all__ = ["ArgoHelmValuesLocator"]


@dataclass(frozen=True)
class ArgoHelmValuesLocator(KeysLocator):
    """The `keys` locator under `spec.source.helm.valuesObject` of the file's one Application."""

    kind: ClassVar[str] = "argocd-helm-values"

    def path(self, key: str) -> KeyPath:
        """`spec.source.helm.valuesObject.<key>`."""
        return (*SOURCE, "helm", "valuesObject", *key_path(key))

    def document(self, text: str, name: str) -> tuple[int | None, Node | None]:
        """The Application document."""
        found = application(text, name)
        return found.index, found.root
