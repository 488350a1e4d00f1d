"""slipway.yaml's per-environment deploy settings: deploy mode, cluster, and their cross-checks."""

from __future__ import annotations

from pathlib import Path

import pytest
from config_text import CONFIG_HEAD

from slipway.config import AppConfig, ClusterConfig, parse_config
from slipway.errors import ConfigError

HEAD = CONFIG_HEAD


def _parse(envs: str) -> AppConfig:
    return parse_config(HEAD + envs, Path("slipway.yaml"))


def test_environment_defaults_are_gitops_without_cluster() -> None:
    cfg = _parse("  - name: dev\n")
    env = cfg.environment("dev")
    assert (env.deploy, env.allow_direct, env.cluster) == ("gitops", False, None)


def test_cluster_is_read_with_its_defaults() -> None:
    cfg = _parse(
        "  - name: dev\n    deploy: direct\n    cluster:\n"
        "      kubeconfig: env:DEV_KUBECONFIG\n      namespace: demo-dev\n"
    )
    env = cfg.environment("dev")
    assert env.deploy == "direct"
    assert env.cluster == ClusterConfig("env:DEV_KUBECONFIG", "demo-dev", 120, "")


@pytest.mark.parametrize(
    ("envs", "problem"),
    [
        ("  - name: dev\n    deploy: direct\n", "deploy: direct needs a cluster"),
        (
            "  - name: prod\n    protected: true\n    deploy: direct\n    cluster:\n"
            "      kubeconfig: file:/k\n      namespace: p\n",
            "set allow_direct: true",
        ),
        ("  - name: dev\n    deploy: sideways\n", "must be one of gitops, direct"),
        (
            "  - name: dev\n    cluster:\n      kubeconfig: apiVersion v1\n      namespace: d\n",
            "as env:NAME or file:PATH",
        ),
        ("  - name: dev\n    cluster:\n      kubeconfig: env:K\n      namespace: Dev_1\n", "DNS-1123"),
        (
            "  - name: dev\n    cluster:\n      namespace: dev\n",
            "cluster.kubeconfig: required key is missing",
        ),
        (
            "  - name: dev\n    cluster:\n      kubeconfig: env:K\n      namespace: d\n      rollout_timeout: 0\n",
            "between 1 and 3600",
        ),
    ],
)
def test_bad_environment_settings_are_refused(envs: str, problem: str) -> None:
    with pytest.raises(ConfigError, match="problem") as info:
        _parse(envs)
    assert problem in str(info.value)


def test_protected_direct_with_allow_direct_is_accepted() -> None:
    cfg = _parse(
        "  - name: prod\n    protected: true\n    deploy: direct\n    allow_direct: true\n"
        "    cluster:\n      kubeconfig: file:/k\n      namespace: p\n"
    )
    assert cfg.environment("prod").allow_direct
