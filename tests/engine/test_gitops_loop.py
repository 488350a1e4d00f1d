"""The GitOps closed loop on real parts: Gitea, Flux (source- and kustomize-controller), the API server.

build-and-propose --wait → the test merges the PR through Gitea's API (it plays the reviewer) →
Flux syncs the kustomize overlay → the rollout completes → the live digest is the new one; then
rollback → the live digest is the previous one again. `slipway status` reports each step.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from apps import make_app
from conftest import ROOT, Cluster, Forge, GitopsRepo, seed_repo
from slipway.refs import ImageRef

pytestmark = [pytest.mark.engine, pytest.mark.timeout(1500)]

LAYOUT = ROOT / "examples" / "gitops-layouts" / "kustomize-images"
ENTRY = "localhost:5000/slipway-examples/web-api"  # the images: entry the layout's overlays carry


def cli(forge: Forge, *args: str, wait: bool = True, timeout: float = 900) -> Any:
    """`slipway ARGS` with the forge token in the environment (a Popen when not `wait`)."""
    argv = [sys.executable, "-m", "slipway.cli.app", *args]
    env = {**os.environ, forge.token_env: forge.token}
    if not wait:
        return subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    return subprocess.run(argv, env=env, capture_output=True, text=True, check=False, timeout=timeout)


def loop_app(tmp_path: Path, cluster: Cluster, namespace: str) -> tuple[Path, str]:
    """web-api whose GitOps files are the layout's kustomize overlays, with dev on the local cluster."""

    def edit(text: str) -> str:
        text = text.replace(
            "  - name: dev\n",
            f"  - name: dev\n    cluster:\n      kubeconfig: file:{cluster.local.deploy_kubeconfig}\n"
            f"      namespace: {namespace}\n",
        )
        start = text.index("gitops:")
        end = text.index("tools:")
        gitops = (
            "gitops:\n  values_path: apps/{app}/overlays/{env}/kustomization.yaml\n"
            f"  locator: kustomize-images\n  image_name: {ENTRY}\n"
        )
        return text[:start] + gitops + text[end:]

    return make_app(tmp_path, "web-api", {"slipway.yaml": edit})


def sync_dev(forge: Forge, repo: GitopsRepo, namespace: str) -> None:
    proc = cli(forge, "cluster", "sync", namespace, "--repo", repo.url, "--path",
               "apps/web-api/overlays/dev", "--namespace", namespace)  # fmt: skip
    assert proc.returncode == 0, proc.stderr


def dev_status(forge: Forge, repo: GitopsRepo, app: Path) -> dict[str, Any]:
    proc = cli(forge, "status", "--source", str(app), "--repo", repo.url, "--token", f"env:{forge.token_env}",
               "--json")  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    return next(e for e in json.loads(proc.stdout)["environments"] if e["env"] == "dev")


def until(check: Any, timeout: float, what: str) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(2)


def running(proc: subprocess.Popen[str]) -> bool:
    """True while `proc` runs; fails the test with its output when it ended."""
    if proc.poll() is None:
        return True
    out, err = proc.communicate()
    pytest.fail(f"exited {proc.returncode} before its PR was merged:\n{out}\n{err[-3000:]}")


def open_pr(forge: Forge, repo: GitopsRepo) -> int | None:
    with forge.api() as api:
        pulls = api.get(f"/repos/slipway/{repo.name}/pulls", params={"state": "open"}).json()
    return int(pulls[0]["number"]) if pulls else None


def merge(forge: Forge, repo: GitopsRepo, number: int) -> None:
    with forge.api() as api:
        resp = api.post(f"/repos/slipway/{repo.name}/pulls/{number}/merge", json={"Do": "merge"})
    assert resp.status_code == 200, resp.text


async def publish_first(repo_path: str) -> ImageRef:
    """An image in the app's own repository, pinned by digest (the one before the new build)."""
    import uuid

    from dagger import dag

    from slipway.refs import parse_ref

    tag = uuid.uuid4().hex + uuid.uuid4().hex[:8]
    ctr = dag.container().from_("localhost:5000/library/debian:bookworm").with_new_file("/id", tag)
    return parse_ref(await ctr.publish(f"localhost:5000/{repo_path}:{tag}"))


async def test_merge_syncs_the_new_digest_and_rollback_restores_the_previous(
    engine: object, cluster: Cluster, forge: Forge, cluster_namespace: str, tmp_path: Path
) -> None:
    repo = seed_repo(forge, tmp_path, layout=LAYOUT)
    app, repo_path = loop_app(tmp_path, cluster, cluster_namespace)
    published_image = await publish_first(repo_path)
    gitops = ["--repo", repo.url, "--token", f"env:{forge.token_env}"]
    sync_dev(forge, repo, cluster_namespace)

    # A first promotion, straight to dev's branch: the image the rollback must come back to.
    first = cli(forge, "run", "promote", "--source", str(app), "--env", "dev", "--image",
                str(published_image), "--direct-push", *gitops, "--wait", "--wait-timeout", "300")  # fmt: skip
    assert first.returncode == 0, first.stderr
    assert dev_status(forge, repo, app)["live_digest"] == published_image.digest

    # build-and-propose waits; the reviewer merges; Flux applies; the wait ends when it runs.
    proc = cli(forge, "run", "build-and-propose", "--source", str(app), *gitops, "--wait",
               "--wait-timeout", "300", wait=False)  # fmt: skip
    number = until(lambda: running(proc) and open_pr(forge, repo), 900, "the promotion PR")
    merged_at = time.monotonic()
    merge(forge, repo, number)
    out, err = proc.communicate(timeout=600)
    merge_to_live = time.monotonic() - merged_at
    assert proc.returncode == 0, err
    assert forge.token not in out + err
    assert "wait: merge http" in err
    image = out.split("Image: ", 1)[1].split()[0]
    digest = image.split("@", 1)[1]
    assert image.startswith(f"localhost:5000/{repo_path}:")
    now = dev_status(forge, repo, app)
    assert (now["desired_digest"], now["live_digest"], now["rollout"], now["in_sync"]) == (
        digest,
        digest,
        "complete",
        True,
    )
    assert now["sync"].startswith(f"{cluster_namespace}: Ready @ main@sha1:")
    live = cluster.kubectl("get", "deployment/web-api", "-n", cluster_namespace,
                           "-o", "jsonpath={.spec.template.spec.containers[0].image}")  # fmt: skip
    assert live.stdout.endswith(f"@{digest}"), live.stdout
    print(f"merge_to_live_s={merge_to_live:.1f}")

    # Rollback reverts the promotion commit; Flux brings the previous digest back.
    started = time.monotonic()
    back = cli(forge, "run", "rollback", "--source", str(app), "--env", "dev", *gitops)
    assert back.returncode == 0, back.stderr
    until(lambda: dev_status(forge, repo, app)["live_digest"] == published_image.digest, 300, "the rollback")
    print(f"rollback_to_live_s={time.monotonic() - started:.1f}")
    assert dev_status(forge, repo, app)["in_sync"]


async def test_wait_times_out_with_the_controllers_reason(
    engine: object, cluster: Cluster, forge: Forge, cluster_namespace: str, tmp_path: Path
) -> None:
    """A promotion Flux cannot apply (its overlay is broken) times out naming Flux's reason."""
    repo = seed_repo(forge, tmp_path, layout=LAYOUT)
    overlay = repo.checkout / "apps" / "web-api" / "overlays" / "dev" / "kustomization.yaml"
    overlay.write_text(overlay.read_text().replace("../../base", "../../no-such-base"))
    forge.git(repo.checkout, "commit", "-qam", "break dev's overlay")
    forge.git(repo.checkout, "push", "-q", "origin", "main")
    app, repo_path = loop_app(tmp_path, cluster, cluster_namespace)
    published_image = await publish_first(repo_path)
    sync_dev(forge, repo, cluster_namespace)
    proc = cli(forge, "run", "promote", "--source", str(app), "--env", "dev", "--image", str(published_image),
               "--direct-push", "--repo", repo.url, "--token", f"env:{forge.token_env}", "--wait",
               "--wait-timeout", "40")  # fmt: skip
    assert proc.returncode == 1, proc.stderr
    error = [line for line in proc.stderr.splitlines() if line.startswith("error: ")]
    assert len(error) == 1 and "timed out after 40s waiting for dev" in error[0], proc.stderr
    assert "no-such-base" in error[0], error[0]  # kustomize-controller's own words
