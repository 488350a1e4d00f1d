"""The one table of tool images the stages run in: upstream defaults, overridable.

Lookup order, later wins: the upstream defaults below; the local table `make engine` writes
(`$SLIPWAY_CACHE/tool-images.json`, or the file `SLIPWAY_TOOL_IMAGES` names) for an
air-gapped engine, each image pinned by digest; an application's `tools:` in slipway.yaml.
Then the app's lock (slipway.lock, tool_lock.py) pins each tool it names to a digest: a tool
whose reference carries a digest is run by that digest.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from slipway.errors import ConfigError
from slipway.refs import registry_path, split_ref

if TYPE_CHECKING:
    from slipway.config import AppConfig

__all__ = [
    "DEFAULT_IMAGES",
    "LOCK_FILE",
    "PROJECT_TOOL_IMAGES",
    "ToolImages",
    "local_image_repositories",
    "local_table",
    "local_table_path",
    "unpinned",
]

# Where an app keeps a copy of this machine's local table for the Dagger toolchain, which runs
# in a container and cannot read the host's cache (`slipway init --dagger` writes it).
PROJECT_TOOL_IMAGES = ".slipway/tool-images.json"

# An app's tool lock, beside its slipway.yaml (tool_lock.py reads and writes it).
LOCK_FILE = "slipway.lock"

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


def local_table() -> dict[str, str]:
    """The local table `make engine` wrote: tool name -> image ({} when there is none)."""
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
        return cls({**DEFAULT_IMAGES, **local_table(), **(overrides or {})})

    @classmethod
    def for_app(cls, config: AppConfig) -> ToolImages:
        """The app's tools (`resolve` with its `tools:`), each one its lock names pinned by the lock.

        A `tools:` entry that names a digest is used as it is. A locked tool the table now names
        another image for is refused: the lock is stale.
        """
        table = dict(cls.resolve(config.tools).images)
        lock_path = config.source.with_name(LOCK_FILE)
        for tool, locked in config.tool_lock.items():
            if split_ref(config.tools.get(tool, "")).digest:
                continue
            if unpinned(locked) != unpinned(table[tool]):
                msg = (
                    f"{lock_path}: tools.{tool} locks {unpinned(locked)} but the tool table names "
                    f"{unpinned(table[tool])} (run `slipway tools lock` to lock the image in use)"
                )
                raise ConfigError(msg)
            table[tool] = locked
        return cls(table)

    def __getitem__(self, tool: str) -> str:
        return self.images[tool]


def unpinned(ref: str) -> str:
    """`ref` without its digest: `repository[:tag]`."""
    return str(replace(split_ref(ref), digest=""))


def local_image_repositories() -> list[str]:
    """Repositories the embedded registry must hold for the resolved table to work offline."""
    repos = set()
    for ref in ToolImages.resolve().images.values():
        host, path = registry_path(ref)
        if not host or host.startswith(("localhost:", "127.0.0.1:")):
            repos.add(path)
    return sorted(repos)
