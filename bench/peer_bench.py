"""slipway against the seed design's CI job (seed_baseline.sh) on the same app and change, in one run.

Cold: a source change neither has seen; the script builds with `docker build --no-cache` and an
empty Go build cache, slipway keeps its cache volumes (the change invalidates its layers).
Warm: both again on the same commit, `WARM_ROUNDS` times each, interleaved; the medians are
compared (one warm run of either varies by a second from run to run). slipway runs
`slipway run build-and-propose` (which also runs conftest, renders the diff and opens a pull
request); the script pushes to the GitOps repository's base branch. Needs the engine, the
registry and Gitea (`make services`).
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from common import ROOT, app_copy, commit, forge, seed_gitops, write_result

SCRIPT = ROOT / "bench" / "seed_baseline.sh"
SCRIPT_REPOSITORY = "127.0.0.1:5000/slipway-bench/web-api-seed"
GOALS = {"cold_ratio": 1.0, "warm_ratio": 0.25}  # slipway's time over the script's
WARM_ROUNDS = 5


def _timed(args: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(args, check=False, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"{args[0]} failed ({done.returncode}):\n{done.stdout[-2000:]}\n{done.stderr[-4000:]}")
    return elapsed


def main() -> None:
    url, token = forge()
    env = {**os.environ, "GITEA_TOKEN": token, "SLIPWAY_BENCH_TOKEN": token}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        app = app_copy(work, "web-api")
        seed_repo, slipway_repo = seed_gitops(url, token, work), seed_gitops(url, token, work)
        script = ["bash", str(SCRIPT), str(app), seed_repo, SCRIPT_REPOSITORY, str(work / "seed-ci")]
        slipway = [sys.executable, "-m", "slipway.cli.app", "run", "build-and-propose", "--source", str(app),
                   "--repo", slipway_repo, "--token", "env:SLIPWAY_BENCH_TOKEN"]  # fmt: skip
        (app / "bench-nonce.txt").write_text(uuid.uuid4().hex)
        commit(app, "cold")
        script_cold = _timed(script, {**env, "COLD": "1"})
        slipway_cold = _timed(slipway, env)
        warm: dict[str, list[float]] = {"script": [], "slipway": []}
        for _ in range(WARM_ROUNDS):
            warm["script"].append(_timed(script, env))
            warm["slipway"].append(_timed(slipway, env))
    script_warm, slipway_warm = statistics.median(warm["script"]), statistics.median(warm["slipway"])
    write_result(
        "peer",
        {
            "script_cold_s": round(script_cold, 2),
            "slipway_cold_s": round(slipway_cold, 2),
            "cold_ratio": round(slipway_cold / script_cold, 3),
            "script_warm_s": round(script_warm, 2),
            "slipway_warm_s": round(slipway_warm, 2),
            "warm_ratio": round(slipway_warm / script_warm, 3),
            "script_warm_runs_s": [round(t, 2) for t in warm["script"]],
            "slipway_warm_runs_s": [round(t, 2) for t in warm["slipway"]],
            "goals": GOALS,
        },
    )


if __name__ == "__main__":
    main()
