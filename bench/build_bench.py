"""Build graph timings on examples/web-api, all in one run: cold, warm, one-line edit."""

from __future__ import annotations

import tempfile
import uuid
from pathlib import Path

import anyio
from common import app_copy, commit, write_result

from slipway.host import BuildOptions, run_build
from slipway.runner import GraphResult


async def _timed(app: Path, suffix: str) -> GraphResult:
    _, result = await run_build(BuildOptions(source=app, cache_suffix=suffix))
    if not result.ok:
        raise SystemExit(f"bench build failed: {[r.message for r in result.failures]}")
    return result


async def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        app = app_copy(Path(tmp), "web-api")
        # Cold: new cache volumes and a source no earlier run has seen (no cached layers).
        suffix = f"-bench-{uuid.uuid4().hex[:8]}"
        (app / "bench-nonce.txt").write_text(uuid.uuid4().hex)
        commit(app, "cold")
        cold = await _timed(app, suffix)
        warm = await _timed(app, suffix)
        server = app / "internal" / "server" / "server.go"
        text = server.read_text()
        server.write_text(text + f"\n// bench edit {uuid.uuid4().hex}\n")
        commit(app, "one-line edit")
        edit = await _timed(app, suffix)
    critical = cold.critical_path_s()
    write_result(
        "build",
        {
            "cold_s": round(cold.wall_s, 2),
            "warm_s": round(warm.wall_s, 2),
            "edit_s": round(edit.wall_s, 2),
            "critical_path_s": round(critical, 2),
            "wall_s": round(cold.wall_s, 2),
            "warm_over_cold": round(warm.wall_s / cold.wall_s, 3),
            "edit_over_cold": round(edit.wall_s / cold.wall_s, 3),
            "wall_over_critical_path": round(cold.wall_s / critical, 3),
            "cold_steps_s": {n: round(r.duration_s, 2) for n, r in cold.steps.items()},
            "goals": {
                "warm_over_cold": 0.05,
                "edit_over_cold": 0.35,
                "wall_over_critical_path": 1.15,
            },
        },
    )


if __name__ == "__main__":
    anyio.run(main)
