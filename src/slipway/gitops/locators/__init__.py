"""Image locators: where an environment's image lives in its GitOps file, read and written.

Each locator reads the image a file points at (`read`) and writes a new one into it (`write`),
leaving every other byte as it was. `locator_for` picks the one `gitops.locator` names:

- `keys`: key paths in a YAML values file (`image.tag`, `image.digest`, optionally
  `image.repository`, or the whole reference at `image_key`);
- `helmrelease`: the same keys under `spec.values` of a Flux HelmRelease;
- `argocd-helm-values`: the same keys under an Argo CD Application's
  `spec.source.helm.valuesObject`;
- `argocd-helm-parameters`: the keys as names of the Application's `spec.source.helm.parameters`;
- `kustomize-images`: the entry of a kustomization's `images:` list whose `name` is the app's
  image (`newName`, `newTag`, `digest`, as `kustomize edit set image` writes them);
- `argocd-kustomize-images`: the Application's `spec.source.kustomize.images` entry
  (`name=repo:tag@digest`).

`gitops.create` lets each add the key or entry it is missing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from slipway.gitops.locators.argocd_helm_parameters import ArgoHelmParametersLocator
from slipway.gitops.locators.argocd_helm_values import ArgoHelmValuesLocator
from slipway.gitops.locators.argocd_kustomize_images import ArgoKustomizeImagesLocator
from slipway.gitops.locators.base import Locator
from slipway.gitops.locators.helmrelease import HelmReleaseLocator
from slipway.gitops.locators.keys import KeysLocator, image_changes, values_image
from slipway.gitops.locators.kustomize_images import KustomizeImagesLocator

if TYPE_CHECKING:
    from slipway.config import GitopsConfig

__all__ = [
    "ArgoHelmParametersLocator",
    "ArgoHelmValuesLocator",
    "ArgoKustomizeImagesLocator",
    "HelmReleaseLocator",
    "KeysLocator",
    "KustomizeImagesLocator",
    "Locator",
    "image_changes",
    "locator_for",
    "values_image",
]

_KEYS: dict[str, type[KeysLocator]] = {
    "keys": KeysLocator,
    "helmrelease": HelmReleaseLocator,
    "argocd-helm-values": ArgoHelmValuesLocator,
    "argocd-helm-parameters": ArgoHelmParametersLocator,
}


def locator_for(gitops: GitopsConfig, repository: str) -> Locator:
    """The locator `gitops.locator` names, for an app whose image repository is `repository`."""
    name = gitops.image_name or repository
    if gitops.locator == "kustomize-images":
        return KustomizeImagesLocator(name, gitops.create)
    if gitops.locator == "argocd-kustomize-images":
        return ArgoKustomizeImagesLocator(name, gitops.create)
    keys = _KEYS[gitops.locator]
    return keys(gitops.tag_key, gitops.digest_key, gitops.repository_key, gitops.image_key, gitops.create)
