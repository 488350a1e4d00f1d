"""A Kubernetes API server as engine containers reach it: kubeconfig secret, namespace, tunnel.

The kubeconfig is a `dagger.Secret` mounted as a file (`with_mounted_secret`): it never lands in
a layer, an environment variable or a log. An API server on the host's loopback (the cluster
`make cluster` provisions) is reached through a Dagger host tunnel bound under `TUNNEL_ALIAS`,
never through a private address. The kubeconfig still names the loopback URL, so commands in
the container override the server and the TLS name to verify: kubectl with the flags
`KubeTarget.kubectl()` adds, helm with the `HELM_KUBEAPISERVER`/`HELM_KUBETLS_SERVER_NAME`
variables `kube_container` sets.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from slipway.engine.host_tunnel import host_tunnel
from slipway.errors import ConfigError
from slipway.stages.tool_container import tool_container

if TYPE_CHECKING:
    import dagger

__all__ = ["KUBECONFIG_PATH", "TUNNEL_ALIAS", "KubeTarget", "fresh", "kube_container", "kubeconfig_server"]

KUBECONFIG_PATH = "/run/secrets/slipway/kubeconfig"
TUNNEL_ALIAS = "slipway-kube"
_LOOPBACK = ("127.0.0.1", "localhost", "::1")


@dataclass(frozen=True)
class KubeTarget:
    """One environment's cluster: its kubeconfig (a secret), namespace and API server URL.

    `server` is the URL the kubeconfig's current context names (e.g. https://127.0.0.1:16443).
    `service`, when given, is the tunnel to a loopback server (a Dagger module gets it as an
    argument, since it cannot open the caller's host itself); otherwise one is opened here.
    """

    kubeconfig: dagger.Secret
    namespace: str
    server: str
    service: dagger.Service | None = None

    def __post_init__(self) -> None:
        parts = urlsplit(self.server)
        if parts.scheme != "https" or not parts.hostname:
            msg = f"kube: server {self.server!r} is not an https:// URL (give the API server's URL)"
            raise ConfigError(msg)
        if not self.namespace:
            msg = "kube: namespace is empty (name the environment's namespace)"
            raise ConfigError(msg)

    @property
    def tunneled(self) -> bool:
        """Whether the API server is on the host's loopback, reached through a host tunnel."""
        return urlsplit(self.server).hostname in _LOOPBACK

    @property
    def port(self) -> int:
        """The API server's port."""
        return urlsplit(self.server).port or 443

    @property
    def container_server(self) -> str:
        """The API server's URL as a container on the engine reaches it."""
        return f"https://{TUNNEL_ALIAS}:{self.port}" if self.tunneled else self.server

    def kubectl(self, *args: str) -> list[str]:
        """A kubectl command line for a `kube_container`: reaches the server, in the namespace."""
        cmd = ["kubectl"]
        if self.tunneled:
            host = urlsplit(self.server).hostname or ""
            cmd += [f"--server={self.container_server}", f"--tls-server-name={host}"]
        return [*cmd, f"--namespace={self.namespace}", *args]


def kubeconfig_server(text: str, where: str = "kubeconfig") -> str:
    """The server URL of a kubeconfig's current context (never echoes the kubeconfig)."""
    import yaml

    try:
        config = yaml.safe_load(text) or {}
        contexts = {c["name"]: c["context"] for c in config.get("contexts") or []}
        clusters = {c["name"]: c["cluster"] for c in config.get("clusters") or []}
        context = contexts[config["current-context"]]
        server = str(clusters[context["cluster"]]["server"])
    except KeyError as exc:  # only a name: the kubeconfig's text is never quoted
        msg = f"kube: {where} names no server for its current context (missing {exc})"
        raise ConfigError(msg) from None
    except (yaml.YAMLError, TypeError, AttributeError) as exc:  # YAML errors quote the text
        msg = (
            f"kube: {where} names no server for its current context (not a kubeconfig: {type(exc).__name__})"
        )
        raise ConfigError(msg) from None
    return server


def fresh(ctr: dagger.Container) -> dagger.Container:
    """`ctr` with a value no other call has: the engine runs its next command again, never from cache.

    `kube_container` applies it once; apply it again before each further command on a container
    that is reused (polling the same object).
    """
    return ctr.with_env_variable("SLIPWAY_FRESH", f"{time.time_ns()}-{uuid.uuid4().hex}")


async def kube_container(target: KubeTarget, image: str) -> dagger.Container:
    """A container from `image` (kubectl, helm) wired to the target's API server.

    The kubeconfig is mounted read-only at KUBECONFIG_PATH; a loopback server is bound through a
    host tunnel. Run kubectl as `target.kubectl(...)`; helm picks the server up from HELM_*.
    """
    ctr = (
        (await tool_container(image))
        .with_mounted_secret(KUBECONFIG_PATH, target.kubeconfig, mode=0o400)
        .with_env_variable("KUBECONFIG", KUBECONFIG_PATH)
        .with_env_variable("HELM_NAMESPACE", target.namespace)
    )
    # A cluster's answers are live state (and secrets are not part of Dagger's cache key).
    ctr = fresh(ctr)
    if target.tunneled:
        host = urlsplit(target.server).hostname or ""
        tunnel = target.service or await host_tunnel(host, target.port)
        ctr = (
            ctr.with_service_binding(TUNNEL_ALIAS, tunnel)
            .with_env_variable("HELM_KUBEAPISERVER", target.container_server)
            .with_env_variable("HELM_KUBETLS_SERVER_NAME", host)
        )
    return ctr
