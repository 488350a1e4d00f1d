"""Flux objects that sync one environment of a GitOps repository into a namespace.

A `GitRepository` polls the repository's branch; a `Kustomization` applies one directory of it
(kustomize build) into the environment's namespace with `wait: true`, so its Ready condition
says whether the rollout finished, and why not.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from slipway.errors import ConfigError
from slipway.gitops.values_path import safe_repo_path
from slipway.identity import check_branch, check_repo_url
from slipway.names import dns_label_problem

__all__ = ["FluxSync", "sync_objects"]

NAMESPACE = "flux-system"


@dataclass(frozen=True)
class FluxSync:
    """Sync `path` of `repo_url`'s `branch` into `namespace`, polling every `interval_s`."""

    name: str
    repo_url: str
    path: str
    namespace: str
    branch: str = "main"
    interval_s: int = 10
    timeout_s: int = 120

    def __post_init__(self) -> None:
        for what, value in (("name", self.name), ("namespace", self.namespace)):
            if problem := dns_label_problem(value):
                msg = f"cluster sync: {what} {value!r} {problem}"
                raise ConfigError(msg)
        check_repo_url(self.repo_url)
        check_branch(self.branch)
        safe_repo_path(self.path)
        if not 1 <= self.interval_s <= 3600 or not 1 <= self.timeout_s <= 3600:
            msg = "cluster sync: --interval and --timeout must be between 1 and 3600 seconds"
            raise ConfigError(msg)


def sync_objects(sync: FluxSync) -> list[dict[str, Any]]:
    """The GitRepository and Kustomization (in flux-system) for `sync`."""
    meta = {"name": sync.name, "namespace": NAMESPACE, "labels": {"app.kubernetes.io/managed-by": "slipway"}}
    source = {
        "apiVersion": "source.toolkit.fluxcd.io/v1",
        "kind": "GitRepository",
        "metadata": meta,
        "spec": {"url": sync.repo_url, "ref": {"branch": sync.branch}, "interval": f"{sync.interval_s}s"},
    }
    apply = {
        "apiVersion": "kustomize.toolkit.fluxcd.io/v1",
        "kind": "Kustomization",
        "metadata": meta,
        "spec": {
            "sourceRef": {"kind": "GitRepository", "name": sync.name},
            "path": f"./{sync.path}",
            "targetNamespace": sync.namespace,
            "interval": f"{sync.interval_s}s",
            "retryInterval": f"{sync.interval_s}s",
            "timeout": f"{sync.timeout_s}s",
            "prune": True,
            "wait": True,
        },
    }
    return [source, apply]
