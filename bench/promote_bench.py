"""Promotion latency against raw git (clone, sed, commit, push) in the same run, and 8 racing
promotions of different apps to one repository. Needs the local Gitea (`make services`)."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import anyio
from common import ROOT, forge, forge_git, seed_gitops, write_result

from slipway.engine.connection import engine_connection
from slipway.host import GitopsOptions, PromoteOptions, run_promote

CONCURRENT = 8
REPO = "localhost:5000/slipway-examples/web-api"


def _app_source(work: Path, app: str) -> Path:
    """A directory holding the example web-api's slipway.yaml, renamed to `app`."""
    src = work / f"source-{app}"
    src.mkdir()
    text = (ROOT / "examples" / "web-api" / "slipway.yaml").read_text()
    (src / "slipway.yaml").write_text(text.replace("app: web-api", f"app: {app}"))
    return src


def _raw_git(repo: str, token: str, work: Path, tag: str) -> float:
    start = time.perf_counter()
    dest = work / f"raw-{uuid.uuid4().hex[:6]}"
    forge_git(token, work, "clone", "-q", repo, str(dest))
    values = dest / "apps/web-api/overlays/dev/values.yaml"
    subprocess.run(["sed", "-i", f's/^  tag: .*/  tag: "{tag}"/', str(values)], check=True)
    forge_git(token, dest, "commit", "-qam", f"Promote web-api {tag} to dev")
    forge_git(token, dest, "push", "-q", "origin", "main")
    return time.perf_counter() - start


async def main() -> None:
    url, token = forge()
    os.environ["SLIPWAY_BENCH_TOKEN"] = token
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        repo = seed_gitops(url, token, work, CONCURRENT)
        gitops = GitopsOptions(repo, token)
        web_api = _app_source(work, "web-api")
        sources = {i: _app_source(work, f"app-{i}") for i in range(1, CONCURRENT + 1)}
        # Warm the engine's image and connection once, outside the measurement.
        await run_promote(
            PromoteOptions(gitops, "staging", source=web_api, image=f"{REPO}:{'0' * 39}1", direct_push=True)
        )
        start = time.perf_counter()
        await run_promote(
            PromoteOptions(gitops, "dev", source=web_api, image=f"{REPO}:{'a' * 40}", direct_push=True)
        )
        promote_s = time.perf_counter() - start
        raw_s = _raw_git(repo, token, work, "b" * 40)

        landed: list[str] = []

        async def one(i: int) -> None:
            result = await run_promote(
                PromoteOptions(
                    gitops, "dev", source=sources[i], image=f"{REPO}:{str(i) * 40}", direct_push=True
                )
            )
            if result.status == "landed":
                landed.append(result.commit)

        start = time.perf_counter()
        async with engine_connection(), anyio.create_task_group() as tg:
            for i in range(1, CONCURRENT + 1):
                tg.start_soon(one, i)
        concurrent_s = time.perf_counter() - start
    write_result(
        "promote",
        {
            "promote_s": round(promote_s, 2),
            "raw_git_s": round(raw_s, 2),
            "ratio_vs_raw_git": round(promote_s / raw_s, 2),
            "concurrent_promotions": CONCURRENT,
            "landed": len(landed),
            "concurrent_wall_s": round(concurrent_s, 2),
            "goals": {"ratio_vs_raw_git": 1.5},
        },
    )
    if len(landed) != CONCURRENT:
        sys.exit(f"only {len(landed)} of {CONCURRENT} promotions landed")


if __name__ == "__main__":
    anyio.run(main)
