"""The cluster `make cluster` provisions on 127.0.0.1: where its files are and how its parts are.

Same variables and defaults as `src/slipway/provision/cluster.sh`.
"""

from __future__ import annotations

import os
import ssl
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from slipway.errors import ConfigError
from slipway.kube.target import KubeTarget

if TYPE_CHECKING:
    import dagger

__all__ = ["PARTS", "LocalCluster", "PartState"]

PARTS = (
    "etcd",
    "kube-apiserver",
    "kube-controller-manager",
    "kube-scheduler",
    "kwok",
    "source-controller",
    "kustomize-controller",
)
SCRIPT = Path(__file__).resolve().parent.parent / "provision" / "cluster.sh"


@dataclass(frozen=True)
class PartState:
    """One process of the local cluster: whether it is built, its pid and memory if it runs."""

    name: str
    built: bool
    pid: int | None = None
    rss_mib: int = 0


@dataclass(frozen=True)
class LocalCluster:
    """Paths and the API server port of the locally provisioned cluster."""

    home: Path
    api_port: int

    @classmethod
    def from_env(cls) -> LocalCluster:
        """Read SLIPWAY_CACHE and SLIPWAY_CLUSTER_API_PORT as cluster.sh does."""
        cache = Path(os.environ.get("SLIPWAY_CACHE", Path.home() / ".cache" / "slipway"))
        return cls(cache / "cluster", int(os.environ.get("SLIPWAY_CLUSTER_API_PORT", "16443")))

    @property
    def server(self) -> str:
        """The API server's URL on the host."""
        return f"https://127.0.0.1:{self.api_port}"

    @property
    def kubeconfig(self) -> Path:
        """The admin kubeconfig (system:masters): provisioning and tests only."""
        return self.home / "kubeconfig"

    @property
    def deploy_kubeconfig(self) -> Path:
        """The deploy-only kubeconfig: namespaced app objects in namespaces bound to it."""
        return self.home / "kubeconfig-deploy"

    def provisioned(self) -> bool:
        """Whether `make cluster` has written the kubeconfigs."""
        return self.kubeconfig.is_file() and self.deploy_kubeconfig.is_file()

    def target(self, namespace: str, *, admin: bool = False) -> KubeTarget:
        """A KubeTarget for `namespace`, with the deploy (or admin) kubeconfig as a secret."""
        from dagger import dag

        path = self.kubeconfig if admin else self.deploy_kubeconfig
        if not path.is_file():
            msg = f"cluster: no kubeconfig at {path} (run `make cluster` or `slipway cluster up`)"
            raise ConfigError(msg)
        name = f"slipway-kubeconfig-{'admin' if admin else 'deploy'}"
        secret: dagger.Secret = dag.set_secret(name, path.read_text())
        return KubeTarget(kubeconfig=secret, namespace=namespace, server=self.server)

    def part_state(self, name: str) -> PartState:
        """Whether `name` is built and whether our process for it runs (pid file + /proc)."""
        binary = self.home / "bin" / name
        built = binary.is_file()
        try:
            pid = int((self.home / "run" / f"{name}.pid").read_text().strip())
            exe = str(Path(f"/proc/{pid}/exe").readlink()).removesuffix(" (deleted)")
        except (OSError, ValueError):
            return PartState(name, built)
        if exe != str(binary.resolve()):
            return PartState(name, built)
        return PartState(name, built, pid, _rss_mib(pid))

    def api_ready(self, timeout: float = 5.0) -> str:
        """'' when /readyz answers ok with the admin token, else why not."""
        import httpx

        try:
            config: dict[str, Any] = yaml.safe_load(self.kubeconfig.read_text())
            token = str(config["users"][0]["user"]["token"])
        except (OSError, yaml.YAMLError, KeyError, IndexError, TypeError) as exc:
            return f"unreadable kubeconfig {self.kubeconfig}: {type(exc).__name__}"
        context = ssl.create_default_context(cafile=str(self.home / "pki" / "ca.crt"))
        try:
            resp = httpx.get(
                f"{self.server}/readyz",
                headers={"Authorization": f"Bearer {token}"},
                verify=context,
                timeout=timeout,
            )
        except httpx.HTTPError as exc:
            return f"{self.server}/readyz: {type(exc).__name__}"
        return "" if resp.status_code == 200 else f"{self.server}/readyz answered {resp.status_code}"


def _rss_mib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) // 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0
