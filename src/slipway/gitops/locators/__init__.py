"""Image locators: where an environment's image lives in its GitOps file, read and written.

Each locator reads the image a file points at (`read`) and writes a new one into it (`write`),
leaving every other byte as it was. `locator_for` picks the one `gitops.locator` names:

- `keys`: key paths in a YAML values file (`image.tag`, `image.digest`, optionally
  `image.repository`);
- `kustomize-images`: the entry of a kustomization's `images:` list whose `name` is the app's
  image (`newName`, `newTag`, `digest`, as `kustomize edit set image` writes them).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from slipway.gitops.locators.base import Locator
from slipway.gitops.locators.keys import KeysLocator, image_changes, values_image
from slipway.gitops.locators.kustomize_images import KustomizeImagesLocator

if TYPE_CHECKING:
    from slipway.config import GitopsConfig

__all__ = [
    "KeysLocator",
    "KustomizeImagesLocator",
    "Locator",
    "image_changes",
    "locator_for",
    "values_image",
]


def locator_for(gitops: GitopsConfig, repository: str) -> Locator:
    """The locator `gitops.locator` names, for an app whose image repository is `repository`."""
    if gitops.locator == "kustomize-images":
        return KustomizeImagesLocator(gitops.image_name or repository)
    return KeysLocator(gitops.tag_key, gitops.digest_key, gitops.repository_key)
