"""The one table of tool images the stages run in: upstream defaults, overridable.

Lookup order, later wins: the upstream defaults below; the local table `make engine` writes
(`$SLIPWAY_CACHE/tool-images.json`, or the file `SLIPWAY_TOOL_IMAGES` names) for an
air-gapped engine; an application's `tools:` in slipway.yaml.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from slipway.errors import ConfigError

__all__ = [
    "DEFAULT_IMAGES",
    "PROJECT_TOOL_IMAGES",
    "ToolImages",
    "local_image_repositories",
    "local_table_path",
]

# Where an app keeps a copy of this machine's local table for the Dagger toolchain, which runs
# in a container and cannot read the host's cache (`slipway init --dagger` writes it).
PROJECT_TOOL_IMAGES = ".slipway/tool-images.json"

DEFAULT_IMAGES: Mapping[str, str] = {
    "base": "debian:bookworm",
    "go": "golang:1.26-bookworm",
    "node": "node:20-bookworm-slim",
    "helm": "alpine/helm:3.22.0",
    "kustomize": "registry.k8s.io/kustomize/kustomize:v5.8.2",
    "kubeconform": "ghcr.io/yannh/kubeconform:v0.8.0",
    "conftest": "openpolicyagent/conftest:v0.71.1",
    "trivy": "aquasec/trivy:0.74.0",
    "cosign": "ghcr.io/sigstore/cosign/cosign:v2.4.3",
    "git": "alpine/git:2.47.2",
    # kubectl for server-side dry-runs and deploys; the local image also holds helm.
    "kubectl": "registry.k8s.io/kubectl:v1.37.2",
}


def local_table_path() -> Path:
    """Where `make engine` writes the tool images it built for the local engine."""
    if explicit := os.environ.get("SLIPWAY_TOOL_IMAGES"):
        return Path(explicit)
    cache = Path(os.environ.get("SLIPWAY_CACHE", Path.home() / ".cache" / "slipway"))
    return cache / "tool-images.json"


def _local_table() -> dict[str, str]:
    path = local_table_path()
    if not path.is_file():
        return {}
    try:
        table = json.loads(path.read_text())
    except json.JSONDecodeError as exc:
        msg = f"toolchain: could not read {path}: {exc} (rerun `make engine`)"
        raise ConfigError(msg) from exc
    return {str(k): str(v) for k, v in table.items()}


@dataclass(frozen=True)
class ToolImages:
    """Tool name -> image reference."""

    images: Mapping[str, str]

    @classmethod
    def resolve(cls, overrides: Mapping[str, str] | None = None) -> ToolImages:
        """Defaults, then the local engine's table, then `overrides` (unknown tools refused)."""
        unknown = sorted(set(overrides or {}) - set(DEFAULT_IMAGES))
        if unknown:
            known = ", ".join(DEFAULT_IMAGES)
            msg = f"toolchain: unknown tools {unknown} in tools: (known: {known})"
            raise ConfigError(msg)
        return cls({**DEFAULT_IMAGES, **_local_table(), **(overrides or {})})

    def __getitem__(self, tool: str) -> str:
        return self.images[tool]


def _docker_io_repository(ref: str) -> str:
    name = ref.split("@", 1)[0].rsplit(":", 1)[0]
    return name if "/" in name else f"library/{name}"


def _names_registry(ref: str) -> bool:
    """Whether `ref` names its registry host (else it is a Docker Hub name, like `golang:1.26`)."""
    first, slash, _ = ref.partition("/")
    return bool(slash) and ("." in first or ":" in first or first == "localhost")


def local_image_repositories() -> list[str]:
    """Repositories the embedded registry must hold for the resolved table to work offline."""
    prefixes = ("localhost:", "127.0.0.1:")
    repos = set()
    for ref in ToolImages.resolve().images.values():
        if ref.startswith(prefixes):
            repos.add(ref.split("/", 1)[1].split("@", 1)[0].rsplit(":", 1)[0])
        elif not _names_registry(ref):
            repos.add(_docker_io_repository(ref))
    return sorted(repos)
