"""An environment's cluster as the flows take it: its KubeTarget, from slipway.yaml or arguments."""

from __future__ import annotations

from typing import TYPE_CHECKING

from slipway.errors import ConfigError
from slipway.kube.target import KubeTarget, kubeconfig_server
from slipway.secrets import read_secret

if TYPE_CHECKING:
    import dagger

    from slipway.config import AppConfig, ClusterConfig

__all__ = [
    "env_cluster",
    "env_workload",
    "host_kube_target",
    "read_kubeconfig",
    "secret_kube_target",
    "secret_kube_targets",
]


def env_cluster(config: AppConfig, env: str, *, required_for: str = "") -> ClusterConfig | None:
    """`env`'s cluster settings; None when it names none, or a ConfigError if `required_for` is set."""
    cluster = config.environment(env).cluster
    if cluster is None and required_for:
        msg = (
            f"config: environment {env!r} in {config.source} names no cluster, which {required_for} "
            "needs (add cluster: with kubeconfig and namespace)"
        )
        raise ConfigError(msg)
    return cluster


def read_kubeconfig(cluster: ClusterConfig, env: str, kubeconfig: str = "") -> tuple[str, str]:
    """`env`'s kubeconfig text and the server it names, read on this host (no engine needed).

    `kubeconfig` (env:NAME or file:PATH, from the command line) overrides the config's source.
    Every error names the source, never the kubeconfig's content.
    """
    option = "--kubeconfig" if kubeconfig else f"environments[{env}].cluster.kubeconfig"
    text = read_secret(kubeconfig or cluster.kubeconfig, option, multiline=True)
    return text, kubeconfig_server(text, f"the kubeconfig for {env} ({option})")


def env_workload(config: AppConfig, env: str) -> str:
    """The Deployment that runs the app in `env`: its cluster's `workload`, or the app's name."""
    cluster = config.environment(env).cluster
    return (cluster.workload if cluster else "") or config.app


def host_kube_target(cluster: ClusterConfig, env: str, kubeconfig: str = "") -> KubeTarget:
    """`env`'s KubeTarget, its kubeconfig read on this host (needs an engine connection).

    `kubeconfig` (env:NAME or file:PATH, from the command line) overrides the config's source.
    """
    from dagger import dag

    text, server = read_kubeconfig(cluster, env, kubeconfig)
    secret = dag.set_secret(f"slipway-kubeconfig-{env}", text)
    return KubeTarget(kubeconfig=secret, namespace=cluster.namespace, server=server)


async def secret_kube_target(
    kubeconfig: dagger.Secret, namespace: str, service: dagger.Service | None = None
) -> KubeTarget:
    """A KubeTarget from a kubeconfig already held as a secret (the Dagger module's arguments)."""
    server = kubeconfig_server(await kubeconfig.plaintext(), "--kubeconfig")
    return KubeTarget(kubeconfig=kubeconfig, namespace=namespace, server=server, service=service)


async def secret_kube_targets(
    config: AppConfig,
    envs: list[str],
    kubeconfig: dagger.Secret | None,
    service: dagger.Service | None = None,
) -> dict[str, KubeTarget]:
    """The KubeTarget of each of `envs` naming a cluster, all from one kubeconfig secret.

    A ConfigError when one of them names a cluster and no kubeconfig was given: the server-side
    dry-run is never skipped silently.
    """
    clustered = {e: c for e in envs if (c := config.environment(e).cluster) is not None}
    if clustered and kubeconfig is None:
        names = ", ".join(clustered)
        msg = (
            f"config: environment(s) {names} in {config.source} name a cluster: pass --kubeconfig "
            "(and --kube-service tcp://localhost:PORT for an API server on this machine's loopback)"
        )
        raise ConfigError(msg)
    if kubeconfig is None:
        return {}
    return {e: await secret_kube_target(kubeconfig, c.namespace, service) for e, c in clustered.items()}
