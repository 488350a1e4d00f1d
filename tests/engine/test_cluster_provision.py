"""The local cluster: idempotent provisioning, deploy-only credentials, pods that run (kwok)."""

from __future__ import annotations

import re
import stat
import subprocess
import time
import uuid
from pathlib import Path

import pytest

from conftest import CLUSTER_SH, Cluster, Forge
from slipway.kube.local_cluster import PARTS

pytestmark = pytest.mark.engine


def _pids(cluster: Cluster) -> dict[str, int]:
    return {p: int((cluster.local.home / "run" / f"{p}.pid").read_text()) for p in PARTS}


def test_warm_up_rebuilds_and_restarts_nothing(cluster: Cluster) -> None:
    before = _pids(cluster)
    start = time.monotonic()
    proc = subprocess.run(["bash", str(CLUSTER_SH), "up"], capture_output=True, text=True, check=False,
                          timeout=300)  # fmt: skip
    took = time.monotonic() - start
    assert proc.returncode == 0, proc.stdout + proc.stderr
    redone = re.findall(
        r"^==> (cluster-(?:build|start|stop)-\S+|cluster-pki) \.\.\.", proc.stdout, re.MULTILINE
    )
    assert redone == [], f"a warm `cluster.sh up` redid: {redone}"
    assert all(f"==> {p}: cached" in proc.stdout for p in ("etcd", "kube-apiserver", "kwok"))
    assert all(f"==> {p}: already running" in proc.stdout for p in PARTS)
    assert _pids(cluster) == before
    assert "ready on https://127.0.0.1:" in proc.stdout
    assert took < 120, f"warm up took {took:.0f}s"


def test_status_prints_one_line_per_part(cluster: Cluster) -> None:
    proc = subprocess.run(["bash", str(CLUSTER_SH), "status"], capture_output=True, text=True, check=True)
    for part in PARTS:
        assert re.search(rf"^{part}: +running \(pid \d+, \d+ MiB\), healthy$", proc.stdout, re.MULTILINE), (
            proc.stdout
        )
    env = subprocess.run(["bash", str(CLUSTER_SH), "env"], capture_output=True, text=True, check=True)
    assert env.stdout.strip() == f"export KUBECONFIG={cluster.local.kubeconfig}"


def test_kubeconfigs_are_private_and_tokens_never_printed(cluster: Cluster) -> None:
    for path in (cluster.local.kubeconfig, cluster.local.deploy_kubeconfig, cluster.local.home / "pki"):
        mode = stat.S_IMODE(path.stat().st_mode)
        assert mode & 0o077 == 0, f"{path} is {oct(mode)}"
    shown = cluster.up_output.encode()
    assert all(shown.count(t) == 0 for t in cluster.tokens())


def test_deploy_identity_deploys_apps_in_its_namespaces_only(
    cluster: Cluster, cluster_namespace: str
) -> None:
    def can(*args: str) -> str:
        return cluster.kubectl("auth", "can-i", *args, deploy=True).stdout.strip()

    ns = cluster_namespace
    assert can("create", "deployments.apps", "-n", ns) == "yes"
    assert can("patch", "deployments.apps", "-n", ns) == "yes"
    assert can("create", "secrets", "-n", ns) == "yes"  # helm keeps its releases in Secrets
    assert can("create", "deployments.apps", "-n", "kube-system") == "no"
    assert can("create", "namespaces") == "no"
    assert can("create", "clusterrolebindings.rbac.authorization.k8s.io") == "no"
    assert can("get", "nodes") == "no"
    assert can("list", "secrets", "-n", "flux-system") == "no"


DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
        - name: web
          image: localhost:5000/slipway-examples/web-api@sha256:0000000000000000000000000000000000000000000000000000000000000000
"""


def test_pods_become_running_on_the_fake_node(cluster: Cluster, cluster_namespace: str) -> None:
    applied = cluster.kubectl("apply", "-n", cluster_namespace, "-f", "-", deploy=True, stdin=DEPLOYMENT)
    assert applied.returncode == 0, applied.stderr
    rollout = cluster.kubectl("rollout", "status", "deployment/web", "-n", cluster_namespace, "--timeout=90s",
                              deploy=True)  # fmt: skip
    assert rollout.returncode == 0, rollout.stdout + rollout.stderr
    pods = cluster.kubectl("get", "pods", "-n", cluster_namespace, "-o",
                           "jsonpath={range .items[*]}{.spec.nodeName} {.status.phase}{'\\n'}{end}")  # fmt: skip
    assert pods.stdout.split("\n")[:2] == ["kwok-node-0 Running", "kwok-node-0 Running"], pods.stdout


def test_flux_crds_and_namespace_are_there(cluster: Cluster) -> None:
    crds = cluster.kubectl("get", "crds", "-o", "name").stdout.split()
    for crd in ("gitrepositories.source.toolkit.fluxcd.io", "kustomizations.kustomize.toolkit.fluxcd.io"):
        assert f"customresourcedefinition.apiextensions.k8s.io/{crd}" in crds
    assert cluster.kubectl("get", "namespace", "flux-system").returncode == 0


def test_flux_applies_what_a_git_repository_holds(cluster: Cluster, forge: Forge, tmp_path: Path) -> None:
    """Source- and kustomize-controller sync a repository on the local Gitea into the cluster."""
    name = f"flux-{uuid.uuid4().hex[:8]}"
    with forge.api() as api:
        resp = api.post("/user/repos", json={"name": name, "default_branch": "main", "private": True})
        assert resp.status_code == 201, resp.text
    work = tmp_path / name
    (work / "deploy").mkdir(parents=True)
    (work / "deploy" / "deployment.yaml").write_text(DEPLOYMENT)
    forge.git(work, "init", "-q", "-b", "main")
    forge.git(work, "add", "-A")
    forge.git(work, "commit", "-qm", "Seed")
    forge.git(work, "push", "-q", f"{forge.url}/slipway/{name}.git", "main")
    ns = f"{name}-dev"
    assert cluster.kubectl("create", "namespace", ns).returncode == 0
    objects = f"""\
apiVersion: v1
kind: Secret
metadata: {{name: {name}, namespace: flux-system}}
stringData: {{username: slipway, password: {forge.token}}}
---
apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata: {{name: {name}, namespace: flux-system}}
spec:
  interval: 10s
  url: {forge.url}/slipway/{name}.git
  ref: {{branch: main}}
  secretRef: {{name: {name}}}
---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {{name: {name}, namespace: flux-system}}
spec:
  interval: 10s
  path: ./deploy
  prune: true
  targetNamespace: {ns}
  sourceRef: {{kind: GitRepository, name: {name}}}
"""
    try:
        applied = cluster.kubectl("apply", "-f", "-", stdin=objects)
        assert applied.returncode == 0, applied.stderr
        ready = cluster.kubectl("wait", "-n", "flux-system", "--for=condition=Ready", f"kustomization/{name}",
                                "--timeout=90s")  # fmt: skip
        status = cluster.kubectl("get", "-n", "flux-system", "gitrepository,kustomization", name).stdout
        assert ready.returncode == 0, status
        rollout = cluster.kubectl("rollout", "status", "-n", ns, "deployment/web", "--timeout=60s")
        assert rollout.returncode == 0, rollout.stdout + rollout.stderr
    finally:
        cluster.kubectl("delete", "-n", "flux-system", f"kustomization/{name}", f"gitrepository/{name}",
                        f"secret/{name}", "--wait=false")  # fmt: skip
        cluster.kubectl("delete", "namespace", ns, "--wait=false")
