"""KubeTarget: which servers go through the host tunnel and the kubectl command line it builds."""

from __future__ import annotations

from typing import Any, cast

import pytest

from slipway.errors import ConfigError
from slipway.kube.target import TUNNEL_ALIAS, KubeTarget, kubeconfig_server

SECRET = cast(Any, object())  # a stand-in for a dagger.Secret: never read by these functions


def test_loopback_server_goes_through_the_tunnel_with_the_original_tls_name() -> None:
    target = KubeTarget(SECRET, "web-dev", "https://127.0.0.1:16443")
    assert target.tunneled
    assert target.container_server == f"https://{TUNNEL_ALIAS}:16443"
    assert target.kubectl("get", "pods") == [
        "kubectl",
        f"--server=https://{TUNNEL_ALIAS}:16443",
        "--tls-server-name=127.0.0.1",
        "--namespace=web-dev",
        "get",
        "pods",
    ]


def test_remote_server_is_used_as_the_kubeconfig_names_it() -> None:
    target = KubeTarget(SECRET, "prod", "https://k8s.example.com")
    assert not target.tunneled
    assert target.port == 443
    assert target.kubectl("apply") == ["kubectl", "--namespace=prod", "apply"]


@pytest.mark.parametrize(
    ("server", "namespace", "words"),
    [
        ("http://127.0.0.1:8080", "dev", "is not an https:// URL"),
        ("127.0.0.1:6443", "dev", "is not an https:// URL"),
        ("https://127.0.0.1:6443", "", "namespace is empty"),
    ],
)
def test_bad_targets_are_config_errors(server: str, namespace: str, words: str) -> None:
    with pytest.raises(ConfigError, match=words):
        KubeTarget(SECRET, namespace, server)


KUBECONFIG = """\
apiVersion: v1
kind: Config
clusters:
- {name: a, cluster: {server: "https://a.example:6443"}}
- {name: b, cluster: {server: "https://127.0.0.1:16443"}}
users:
- {name: u, user: {token: sekret-token}}
contexts:
- {name: ca, context: {cluster: a, user: u}}
- {name: cb, context: {cluster: b, user: u}}
current-context: cb
"""


def test_the_server_comes_from_the_current_context() -> None:
    assert kubeconfig_server(KUBECONFIG) == "https://127.0.0.1:16443"


def test_a_kubeconfig_without_a_server_is_a_config_error_that_does_not_echo_it() -> None:
    broken = KUBECONFIG.replace("current-context: cb", "current-context: missing")
    with pytest.raises(ConfigError, match="names no server") as caught:
        kubeconfig_server(broken, "env dev kubeconfig")
    assert "sekret-token" not in str(caught.value)
    assert "env dev kubeconfig" in str(caught.value)
