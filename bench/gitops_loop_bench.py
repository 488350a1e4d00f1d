"""The GitOps closed loop's latency: merge → Flux sync → rollout → new digest live, and rollback → live.

Real parts: Gitea, Flux (GitRepository polling every 10 s), the local API server with kwok. The
bench plays the reviewer (merges through Gitea's API) and watches the Deployment with the host's
kubectl every 0.5 s. Writes merge_to_live_s and rollback_to_live_s into bench/results/deploy.json
(other keys kept). Needs `make services cluster`.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path

import anyio
import httpx
from common import RESULTS, ROOT, app_copy, forge, forge_git

from slipway.engine.connection import engine_connection
from slipway.host import GitopsOptions, PromoteOptions, run_promote, run_rollback
from slipway.kube.local_cluster import LocalCluster

ROUNDS = 3
LAYOUT = ROOT / "examples" / "gitops-layouts" / "kustomize-images"
ENTRY = "localhost:5000/slipway-examples/web-api"
POLL_S = 0.5


def _seed(url: str, token: str, work: Path) -> tuple[str, str]:
    name = f"loop-{uuid.uuid4().hex[:8]}"
    resp = httpx.post(f"{url}/api/v1/user/repos", json={"name": name, "default_branch": "main"},
                      headers={"Authorization": f"token {token}"}, timeout=30)  # fmt: skip
    resp.raise_for_status()
    src = work / name
    subprocess.run(["cp", "-r", str(LAYOUT), str(src)], check=True)
    forge_git(token, src, "init", "-q", "-b", "main")
    forge_git(token, src, "add", "-A")
    forge_git(token, src, "commit", "-qm", "seed")
    forge_git(token, src, "push", "-q", f"{url}/slipway/{name}.git", "main")
    return name, f"{url}/slipway/{name}.git"


def _slipway(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "slipway.cli.app", *args], check=True, capture_output=True)


def _loop_app(work: Path, cluster: LocalCluster, namespace: str) -> Path:
    app = app_copy(work, "web-api")
    cfg = app / "slipway.yaml"
    text = cfg.read_text().replace(
        "  - name: dev\n",
        f"  - name: dev\n    cluster:\n      kubeconfig: file:{cluster.deploy_kubeconfig}\n"
        f"      namespace: {namespace}\n",
    )
    gitops = (
        "gitops:\n  values_path: apps/{app}/overlays/{env}/kustomization.yaml\n"
        f"  locator: kustomize-images\n  image_name: {ENTRY}\n"
    )
    cfg.write_text(text[: text.index("gitops:")] + gitops + text[text.index("tools:") :])
    return app


def _live_digest(cluster: LocalCluster, namespace: str) -> str:
    jsonpath = (
        "{.spec.template.spec.containers[0].image} {.status.updatedReplicas} {.status.availableReplicas}"
        " {.spec.replicas} {.status.observedGeneration} {.metadata.generation}"
    )
    proc = subprocess.run(
        [str(cluster.home / "bin" / "kubectl"), f"--kubeconfig={cluster.kubeconfig}", "-n", namespace,
         "get", "deployment/web-api", "-o", f"jsonpath={jsonpath}"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    parts = proc.stdout.split()
    if len(parts) != 6 or len(set(parts[1:4])) != 1 or parts[4] != parts[5]:
        return ""  # absent, or not fully rolled out
    return parts[0].partition("@")[2]


def _until_live(
    cluster: LocalCluster, namespace: str, digest: str, start: float, timeout: float = 300
) -> float:
    while _live_digest(cluster, namespace) != digest:
        if time.monotonic() - start > timeout:
            raise SystemExit(f"{namespace} did not run {digest} within {timeout}s")
        time.sleep(POLL_S)
    return time.monotonic() - start


async def _images(repository: str, count: int) -> list[str]:
    from dagger import dag

    out = []
    for _ in range(count):
        tag = uuid.uuid4().hex + uuid.uuid4().hex[:8]
        ctr = dag.container().from_("localhost:5000/library/debian:bookworm").with_new_file("/id", tag)
        out.append(await ctr.publish(f"{repository}:{tag}"))
    return out


def main() -> None:
    url, token = forge()
    os.environ["SLIPWAY_BENCH_TOKEN"] = token
    cluster = LocalCluster.from_env()
    work = Path(os.environ.get("TMPDIR", "/tmp")) / f"slipway-loop-{uuid.uuid4().hex[:6]}"
    work.mkdir(parents=True)
    namespace = f"bench-{uuid.uuid4().hex[:8]}"
    _slipway("cluster", "namespace", namespace)
    name, repo = _seed(url, token, work)
    _slipway("cluster", "sync", namespace, "--repo", repo, "--path", "apps/web-api/overlays/dev",
             "--namespace", namespace)  # fmt: skip
    app = _loop_app(work, cluster, namespace)
    gitops = GitopsOptions(repo, token)
    repository = str(app.joinpath("slipway.yaml").read_text().split("repository: ", 1)[1].split()[0])

    async def publish() -> list[str]:
        async with engine_connection():
            return await _images(repository, ROUNDS + 1)

    images = anyio.run(publish)
    first = PromoteOptions(gitops, "dev", source=app, image=images[0], direct_push=True)
    anyio.run(run_promote, first)
    _until_live(cluster, namespace, images[0].partition("@")[2], time.monotonic())

    merge_s, rollback_s, rollback_cmd_s = [], [], []
    for image in images[1:]:
        proposed = anyio.run(run_promote, PromoteOptions(gitops, "dev", source=app, image=image))
        number = proposed.pull_request.number
        start = time.monotonic()
        resp = httpx.post(f"{url}/api/v1/repos/slipway/{name}/pulls/{number}/merge", json={"Do": "merge"},
                          headers={"Authorization": f"token {token}"}, timeout=30)  # fmt: skip
        resp.raise_for_status()
        merge_s.append(_until_live(cluster, namespace, image.partition("@")[2], start))
        start = time.monotonic()
        anyio.run(run_rollback, gitops, "", "dev", app)
        rollback_cmd_s.append(time.monotonic() - start)
        # every round is rolled back, so dev returns to the first image each time
        rollback_s.append(_until_live(cluster, namespace, images[0].partition("@")[2], start))

    path = RESULTS / "deploy.json"
    data = json.loads(path.read_text()) if path.is_file() else {}
    data.update(
        {
            "merge_to_live_s": round(statistics.median(merge_s), 2),
            "rollback_to_live_s": round(statistics.median(rollback_s), 2),
            "rollback_command_s": round(statistics.median(rollback_cmd_s), 2),
            "loop_rounds": ROUNDS,
            "flux_poll_interval_s": 10,
            "merge_to_live_goal_s": 30,
            "rollback_to_live_goal_s": 30,
            "loop_samples": {
                "merge_to_live_s": [round(x, 2) for x in merge_s],
                "rollback_to_live_s": [round(x, 2) for x in rollback_s],
            },
        }
    )
    RESULTS.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2) + "\n")
    print(f"{path.relative_to(ROOT)}: {json.dumps(data)}")


if __name__ == "__main__":
    main()
