"""validate and plan with a cluster: `kubectl apply --dry-run=server` per environment, via the CLI.

An environment whose slipway.yaml entry names a cluster is also dry-run on its API server (the
real local cluster), with the deploy-only kubeconfig as a secret; errors are the server's words.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from test_dagger_call import as_json, error_lines, gitops_args, provenance, slipway_call

from apps import make_app, registry_tags
from conftest import Cluster, Forge, GitopsRepo

pytestmark = [pytest.mark.engine, pytest.mark.timeout(900)]


def _with_clusters(kubeconfig: Path, namespaces: dict[str, str]) -> object:
    """A slipway.yaml edit giving each named environment a cluster: block."""

    def edit(text: str) -> str:
        for env, namespace in namespaces.items():
            text = text.replace(
                f"  - name: {env}\n",
                f"  - name: {env}\n    cluster:\n      kubeconfig: file:{kubeconfig}\n      namespace: {namespace}\n",
            )
        return text

    return edit


def _plan(forge: Forge, gitops: GitopsRepo, app: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    args = ["plan", "--source", str(app), "--repo", gitops.url, "--token", f"env:{forge.token_env}", *extra]
    return subprocess.run([sys.executable, "-m", "slipway.cli.app", *args], capture_output=True, text=True,
                          env={**os.environ, forge.token_env: forge.token}, check=False, timeout=900)  # fmt: skip


def _no_secret(cluster: Cluster, forge: Forge, proc: subprocess.CompletedProcess[str]) -> None:
    out = (proc.stdout + proc.stderr).encode()
    assert "Traceback" not in proc.stderr
    assert forge.token.encode() not in out
    assert not [t for t in cluster.tokens() if t in out], "a cluster token was printed"


def test_plan_dry_runs_every_environment_with_a_cluster(
    cluster: Cluster, forge: Forge, gitops_repo: GitopsRepo, cluster_namespace: str, tmp_path: Path
) -> None:
    kubeconfig = cluster.local.deploy_kubeconfig
    edit = _with_clusters(kubeconfig, {"dev": cluster_namespace, "staging": cluster_namespace})
    app, repo_path = make_app(tmp_path, "web-api", {"slipway.yaml": edit})  # type: ignore[dict-item]
    proc = _plan(forge, gitops_repo, app)
    _no_secret(cluster, forge, proc)
    assert proc.returncode == 0, proc.stderr
    # deployment + service (+ whatever the chart adds) were accepted by the server, per env
    assert "server-side dry-run (dev): " in proc.stdout and "server-side dry-run (staging): " in proc.stdout
    assert "server-side dry-run (prod)" not in proc.stdout  # prod names no cluster
    assert registry_tags(repo_path) == []
    # a dry run persists nothing
    got = cluster.kubectl("get", "deployments", "-n", cluster_namespace, "-o", "name")
    assert got.returncode == 0 and got.stdout.strip() == ""


def test_server_rejection_fails_validate_with_the_servers_message(
    cluster: Cluster, forge: Forge, gitops_repo: GitopsRepo, cluster_namespace: str, tmp_path: Path
) -> None:
    edit = _with_clusters(cluster.local.deploy_kubeconfig, {"dev": cluster_namespace})
    # kubeconform's schema allows a negative replica count; the API server does not.
    negative = {
        "slipway.yaml": edit,
        "chart/values-dev.yaml": lambda t: t.replace("replicaCount: 1", "replicaCount: -1"),
    }
    app, _ = make_app(tmp_path, "web-api", negative)  # type: ignore[arg-type]
    proc = _plan(forge, gitops_repo, app)
    _no_secret(cluster, forge, proc)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    errors = [line for line in proc.stderr.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1, proc.stderr
    assert "validate" in errors[0] and f"dev (namespace {cluster_namespace})" in errors[0], errors[0]
    assert "spec.replicas: Invalid value: -1" in errors[0], errors[0]


def test_missing_namespace_and_wrong_token_are_one_readable_line(
    cluster: Cluster, forge: Forge, gitops_repo: GitopsRepo, tmp_path: Path
) -> None:
    edit = _with_clusters(cluster.local.deploy_kubeconfig, {"dev": "slipway-no-such-namespace"})
    app, _ = make_app(tmp_path, "web-api", {"slipway.yaml": edit})  # type: ignore[dict-item]
    proc = _plan(forge, gitops_repo, app)
    _no_secret(cluster, forge, proc)
    assert proc.returncode == 1
    assert "slipway cluster namespace slipway-no-such-namespace" in proc.stderr, proc.stderr

    bad = tmp_path / "kubeconfig-bad"
    real = cluster.local.deploy_kubeconfig.read_text()
    wrong_token = "slipway-wrong-token-" + "x" * 20
    for token in cluster.tokens():
        real = real.replace(token.decode(), wrong_token)
    assert wrong_token in real
    bad.write_text(real)
    proc = _plan(forge, gitops_repo, app, "--kubeconfig", f"file:{bad}")
    _no_secret(cluster, forge, proc)
    assert wrong_token not in proc.stdout + proc.stderr
    assert proc.returncode == 1
    assert "credentials are refused" in proc.stderr, proc.stderr


def test_dagger_call_plan_dry_runs_with_the_kubeconfig_secret(
    module_loaded: str, cluster: Cluster, forge: Forge, gitops_repo: GitopsRepo, cluster_namespace: str,
    tmp_path: Path,
) -> None:  # fmt: skip
    """The module path: `dagger call --kubeconfig file:… --kube-service tcp://… plan …`."""
    edit = _with_clusters(Path("/nowhere/the-module-takes-it-as-an-argument"), {"dev": cluster_namespace})
    app, _ = make_app(tmp_path, "web-api", {"slipway.yaml": edit})  # type: ignore[dict-item]
    args = ["plan", *provenance(app), *gitops_args(forge, gitops_repo)]
    missing = slipway_call(*args, forge=forge)
    assert missing.returncode != 0
    assert any("name a cluster: pass --kubeconfig" in line for line in error_lines(missing)), missing.stderr

    kube = ["--kubeconfig", f"file:{cluster.local.deploy_kubeconfig}",
            "--kube-service", f"tcp://127.0.0.1:{cluster.local.api_port}"]  # fmt: skip
    plan = as_json(*kube, *args, forge=forge)
    checked = {e["env"]: e["server_checked"] for e in plan["environments"]}
    assert checked["staging"] is None and checked["prod"] is None
    assert isinstance(checked["dev"], int) and checked["dev"] >= 2, checked
    validate = next(s for s in plan["stages"] if s["name"] == "validate")
    assert json.loads(validate["evidence"])["server_checked"] == checked["dev"]
