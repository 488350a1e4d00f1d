"""Reaching a Kubernetes API server from engine containers, and the locally provisioned cluster."""

from slipway.kube.local_cluster import LocalCluster
from slipway.kube.target import KUBECONFIG_PATH, TUNNEL_ALIAS, KubeTarget, kube_container, kubeconfig_server

__all__ = [
    "KUBECONFIG_PATH",
    "TUNNEL_ALIAS",
    "KubeTarget",
    "LocalCluster",
    "kube_container",
    "kubeconfig_server",
]
