"""Promotion latency against raw git (clone, sed, commit, push) in the same run, and 8 then 32
racing promotions of different apps to one repository. Needs the local Gitea (`make services`).

Promotions run in one engine session, as a long-lived caller (the Dagger module, build-and-propose)
runs them; `promote_new_session_s` is one promotion that opens its own session, as one CLI call
does after start-up. Latencies are the median of `ROUNDS` runs, promote and raw git interleaved.
`promote_steps_s` and `raw_git_steps_s` are the medians of each step and each git command: where
the difference lies.
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
from typing import Any

import anyio
from common import ROOT, forge, forge_git, seed_gitops, write_result

from slipway.engine.connection import engine_connection
from slipway.host import GitopsOptions, PromoteOptions, run_promote
from slipway.runner import StepRecord

CONCURRENT = (8, 32)
ROUNDS = 5
REPO = "localhost:5000/slipway-examples/web-api"


def _app_source(work: Path, app: str) -> Path:
    """A directory holding the example web-api's slipway.yaml, renamed to `app`."""
    src = work / f"source-{app}"
    src.mkdir()
    text = (ROOT / "examples" / "web-api" / "slipway.yaml").read_text()
    (src / "slipway.yaml").write_text(text.replace("app: web-api", f"app: {app}"))
    return src


def _raw_git(repo: str, token: str, work: Path, tag: str, steps: dict[str, list[float]]) -> float:
    """Clone, sed, commit and push with host git; each command's time added to `steps`."""
    dest = work / f"raw-{uuid.uuid4().hex[:6]}"
    values = dest / "apps/web-api/overlays/dev/values.yaml"
    commands = {
        "clone": lambda: forge_git(token, work, "clone", "-q", repo, str(dest)),
        "edit": lambda: subprocess.run(
            ["sed", "-i", f's/^  tag: .*/  tag: "{tag}"/', str(values)], check=True
        ),
        "commit": lambda: forge_git(token, dest, "commit", "-qam", f"Promote web-api {tag} to dev"),
        "push": lambda: forge_git(token, dest, "push", "-q", "origin", "main"),
    }
    start = time.perf_counter()
    for name, run in commands.items():
        began = time.perf_counter()
        run()
        steps.setdefault(name, []).append(time.perf_counter() - began)
    return time.perf_counter() - start


async def _timed_promote(options: PromoteOptions, steps: dict[str, list[float]] | None = None) -> float:
    """One promotion's wall time; with `steps`, each promotion step's time added to it."""

    def record(rec: StepRecord) -> None:
        if steps is not None and rec.status in ("passed", "failed"):
            steps.setdefault(rec.name, []).append(rec.duration_s)

    start = time.perf_counter()
    await run_promote(options, on_change=record)
    return time.perf_counter() - start


def _medians(steps: dict[str, list[float]]) -> dict[str, float]:
    return {name: round(statistics.median(times), 3) for name, times in steps.items()}


async def _race(gitops: GitopsOptions, sources: dict[int, Path], count: int, digit: str) -> dict[str, Any]:
    """`count` promotions of different apps to dev at once: how many landed and the wall time."""
    landed: list[str] = []

    async def one(i: int) -> None:
        image = f"{REPO}:{digit}{i:039x}"
        result = await run_promote(
            PromoteOptions(gitops, "dev", source=sources[i], image=image, direct_push=True)
        )
        if result.status == "landed":
            landed.append(result.commit)

    start = time.perf_counter()
    async with anyio.create_task_group() as tg:
        for i in range(1, count + 1):
            tg.start_soon(one, i)
    return {"promotions": count, "landed": len(landed), "wall_s": round(time.perf_counter() - start, 2)}


async def main() -> None:
    url, token = forge()
    os.environ["SLIPWAY_BENCH_TOKEN"] = token
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        repo = seed_gitops(url, token, work, max(CONCURRENT))
        gitops = GitopsOptions(repo, token)
        web_api = _app_source(work, "web-api")
        sources = {i: _app_source(work, f"app-{i}") for i in range(1, max(CONCURRENT) + 1)}

        def dev(tag: str) -> PromoteOptions:
            return PromoteOptions(gitops, "dev", source=web_api, image=f"{REPO}:{tag}", direct_push=True)

        # Warm the engine's image and the repository's mirror once, outside the measurement.
        await run_promote(dev("0" * 39 + "1"))
        new_session_s = await _timed_promote(dev("0" * 39 + "2"))
        promote_s: list[float] = []
        raw_s: list[float] = []
        promote_steps: dict[str, list[float]] = {}
        raw_steps: dict[str, list[float]] = {}
        async with engine_connection():
            for r in range(ROUNDS):
                promote_s.append(await _timed_promote(dev(f"{r:x}" * 40), promote_steps))
                raw_s.append(_raw_git(repo, token, work, f"b{r:x}" * 20, raw_steps))
            races = [
                await _race(gitops, sources, n, digit) for n, digit in zip(CONCURRENT, "cd", strict=True)
            ]
    promote, raw = statistics.median(promote_s), statistics.median(raw_s)
    write_result(
        "promote",
        {
            "promote_s": round(promote, 2),
            "raw_git_s": round(raw, 2),
            "ratio_vs_raw_git": round(promote / raw, 2),
            "promote_runs_s": [round(s, 2) for s in promote_s],
            "raw_git_runs_s": [round(s, 2) for s in raw_s],
            "promote_steps_s": _medians(promote_steps),
            "raw_git_steps_s": _medians(raw_steps),
            "promote_new_session_s": round(new_session_s, 2),
            "concurrent": races,
            "goals": {"ratio_vs_raw_git": 1.5},
        },
    )
    short = [f"{r['landed']} of {r['promotions']}" for r in races if r["landed"] != r["promotions"]]
    if short:
        sys.exit(f"only {', '.join(short)} promotions landed")


if __name__ == "__main__":
    anyio.run(main)
