"""Direct deploy to the local cluster, as a user runs it: `slipway run deploy` end to end.

- direct_deploy_s: median wall time of `slipway run deploy --env dev` (a helm upgrade of
  examples/web-api to a new digest: connect, pin the digest, helm upgrade --install --atomic
  --wait, rollout status) over RUNS upgrades, after one warm-up install;
- direct_deploy_steps_s: that median run's image/deploy/verify step times;
- raw_helm_s: the same `helm upgrade --install --atomic --wait` from this host's helm, no engine;
- direct_rollback_s: `slipway run rollback --env dev` (helm history, helm rollback --wait, verify).

Merges its keys into bench/results/deploy.json (the GitOps loop's bench adds its own keys there).
Needs the engine and the local cluster (`make services cluster`).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import anyio
from common import ROOT, merge_result

from slipway.engine.connection import engine_connection
from slipway.engine.settings import EngineSettings
from slipway.kube.local_cluster import LocalCluster

RUNS = 3
REPO = "localhost:5000/slipway-examples/web-api"
CLUSTER_SH = ROOT / "src" / "slipway" / "provision" / "cluster.sh"


async def _publish(count: int) -> list[str]:
    """`count` distinct images in the example app's repository, pinned by digest."""
    from dagger import dag

    refs = []
    async with engine_connection():
        for _ in range(count):
            tag = uuid.uuid4().hex + uuid.uuid4().hex[:8]
            ctr = dag.container().from_("localhost:5000/library/debian:bookworm").with_new_file("/id", tag)
            refs.append(await ctr.publish(f"{REPO}:{tag}"))
    return refs


def _app(work: Path, cluster: LocalCluster, namespace: str) -> Path:
    app = work / "web-api"
    shutil.copytree(ROOT / "examples" / "web-api", app, ignore=shutil.ignore_patterns("*.go", "internal"))
    cfg = app / "slipway.yaml"
    direct = (
        "  - name: dev\n    protected: false\n    deploy: direct\n"
        f"    cluster: {{kubeconfig: 'file:{cluster.deploy_kubeconfig}', namespace: {namespace}, "
        "rollout_timeout: 120}\n"
    )
    cfg.write_text(cfg.read_text().replace("  - name: dev\n    protected: false\n", direct))
    return app


def _slipway(*args: str) -> tuple[float, dict[str, float]]:
    """Run `slipway ARGS --json`; its wall time and each step's duration."""
    env = {**os.environ, **EngineSettings.from_env().client_env()}
    start = time.monotonic()
    proc = subprocess.run([sys.executable, "-m", "slipway.cli.app", *args, "--json"], capture_output=True,
                          text=True, env=env, check=False, timeout=900)  # fmt: skip
    took = time.monotonic() - start
    if proc.returncode != 0:
        raise SystemExit(f"bench: slipway {' '.join(args[:2])} failed: {proc.stderr[-2000:]}")
    steps = {s["name"]: round(s["duration_s"], 2) for s in json.loads(proc.stdout)["steps"]}
    return took, steps


def _raw_helm(cluster: LocalCluster, app: Path, namespace: str, image: str) -> float:
    helm = (
        Path(os.environ.get("SLIPWAY_CACHE", Path.home() / ".cache" / "slipway")) / "tools" / "bin" / "helm"
    )
    repository, _, digest = image.partition("@")
    start = time.monotonic()
    subprocess.run(
        [str(helm), "upgrade", "--install", "web-api", str(app / "chart"), "--namespace", namespace,
         "--kubeconfig", str(cluster.deploy_kubeconfig), "--atomic", "--wait", "--timeout", "120s",
         "--values", str(app / "chart" / "values-dev.yaml"),
         "--set-string", f"image.repository={repository.rsplit(':', 1)[0]}", "--set-string", f"image.digest={digest}"],
        check=True, capture_output=True,
    )  # fmt: skip
    return time.monotonic() - start


def main() -> None:
    cluster = LocalCluster.from_env()
    namespace = f"bench-{uuid.uuid4().hex[:8]}"
    subprocess.run(["bash", str(CLUSTER_SH), "namespace", namespace], check=True, capture_output=True)
    images = anyio.run(_publish, RUNS + 2)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            app = _app(Path(tmp), cluster, namespace)
            deploy = ["run", "deploy", "--source", str(app), "--env", "dev", "--image"]
            _slipway(*deploy, images[0])  # the install, and a warm engine, outside the measurement
            runs = sorted((_slipway(*deploy, image) for image in images[1 : RUNS + 1]), key=lambda r: r[0])
            wall, steps = runs[len(runs) // 2]
            raw = _raw_helm(cluster, app, namespace, images[RUNS + 1])
            rollback_s, rollback_steps = _slipway("run", "rollback", "--source", str(app), "--env", "dev")
    finally:
        subprocess.run([str(cluster.home / "bin" / "kubectl"), f"--kubeconfig={cluster.kubeconfig}", "delete",
                        "namespace", namespace, "--wait=false"], check=False, capture_output=True)  # fmt: skip
    merge_result(
        "deploy",
        {
            "direct_deploy_s": round(wall, 2),
            "direct_deploy_runs_s": [round(r[0], 2) for r in runs],
            "direct_deploy_steps_s": steps,
            "raw_helm_s": round(raw, 2),
            "direct_rollback_s": round(rollback_s, 2),
            "direct_rollback_steps_s": rollback_steps,
            "direct_machine": f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at the end",
        },
    )


if __name__ == "__main__":
    main()
