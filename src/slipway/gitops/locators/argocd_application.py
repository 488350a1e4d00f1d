"""The Argo CD Application an `argocd-*` locator edits: the file's one Application, single-source.

The image lives under `spec.source` (its `helm` or `kustomize` block). A multi-source
Application (`spec.sources`) is refused rather than given a second, conflicting `spec.source`.
"""

from __future__ import annotations

from slipway.gitops.locators.manifest import Manifest, manifest
from slipway.gitops.values_edit import PlaceError, mapping_get

__all__ = ["SOURCE", "application"]

SOURCE = ("spec", "source")


def application(text: str, name: str) -> Manifest:
    """The file's one `Application` of `argoproj.io`, with no `spec.sources`."""
    found = manifest(text, name, "Application", "argoproj.io")
    if mapping_get(mapping_get(found.root, "spec"), "sources") is not None:
        why = "the Application has spec.sources (multi-source), not spec.source; slipway edits spec.source"
        raise PlaceError(name, why)
    return found
