"""KubeTarget: which servers go through the host tunnel and the kubectl command line it builds."""

from __future__ import annotations

from typing import Any, cast

import pytest

from slipway.errors import ConfigError
from slipway.kube.target import TUNNEL_ALIAS, KubeTarget

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
