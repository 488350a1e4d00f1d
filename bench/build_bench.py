"""Build graph timings on examples/web-api, all in one run: cold, warm, one-line edit.

Every build is signed (a key pair made for the run), so the graph holds sbom, sign and attest.
`supply_chain_s` is the wall time they add to the graph: from the end of the last other step
to the end of the graph (sbom runs beside the gates, so only what waits on it counts), and
`supply_chain_share` that over the graph's wall time; measured on the warm graph and, as
`edit_`, on a one-line edit, where all three really run (a new commit, so a new digest).
`*_supply_chain_busy_s` is their summed durations, concurrent or not.
"""

from __future__ import annotations

import tempfile
import uuid
from pathlib import Path

import anyio
from common import app_copy, commit, write_result

from slipway.host import BuildOptions, run_build
from slipway.runner import GraphResult

SUPPLY_CHAIN = ("sbom", "sign", "attest")


def supply_chain(result: GraphResult) -> tuple[float, float, float]:
    """The wall time the supply chain stages add to `result`, that as a share of its wall time,
    and their summed durations."""
    others = [r for name, r in result.steps.items() if name not in SUPPLY_CHAIN]
    others_end = max((r.started_s + r.duration_s for r in others), default=0.0)
    added = max(0.0, result.wall_s - others_end)
    busy = sum(result.steps[name].duration_s for name in SUPPLY_CHAIN)
    return round(added, 2), round(added / result.wall_s, 3), round(busy, 2)


async def _key_pair(app: Path, out: Path) -> str:
    """A fresh key pair (no password): its public key goes into the app, the private key's path back."""
    from slipway.engine.connection import engine_connection
    from slipway.keys import generate_key_pair
    from slipway.tool_images import ToolImages

    async with engine_connection():
        private, public = await generate_key_pair(out, ToolImages.resolve()["cosign"], "")
    (app / "cosign.pub").write_text(public.read_text())
    cfg = app / "slipway.yaml"
    cfg.write_text(cfg.read_text() + "signing:\n  public_key: cosign.pub\n")
    return f"file:{private}"


async def _timed(app: Path, suffix: str, key: str) -> GraphResult:
    _, result = await run_build(BuildOptions(source=app, cache_suffix=suffix, signing_key=key))
    if not result.ok:
        raise SystemExit(f"bench build failed: {[r.message for r in result.failures]}")
    return result


async def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        app = app_copy(Path(tmp), "web-api")
        # Cold: new cache volumes and a source no earlier run has seen (no cached layers).
        suffix = f"-bench-{uuid.uuid4().hex[:8]}"
        (app / "bench-nonce.txt").write_text(uuid.uuid4().hex)
        key = await _key_pair(app, Path(tmp) / "keys")
        commit(app, "cold")
        cold = await _timed(app, suffix, key)
        warm = await _timed(app, suffix, key)
        server = app / "internal" / "server" / "server.go"
        text = server.read_text()
        server.write_text(text + f"\n// bench edit {uuid.uuid4().hex}\n")
        commit(app, "one-line edit")
        edit = await _timed(app, suffix, key)
    critical = cold.critical_path_s()
    warm_chain, warm_share, warm_busy = supply_chain(warm)
    edit_chain, edit_share, edit_busy = supply_chain(edit)
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
            "supply_chain_s": warm_chain,
            "supply_chain_share": warm_share,
            "edit_supply_chain_s": edit_chain,
            "edit_supply_chain_share": edit_share,
            "supply_chain_busy_s": warm_busy,
            "edit_supply_chain_busy_s": edit_busy,
            "cold_steps_s": {n: round(r.duration_s, 2) for n, r in cold.steps.items()},
            "edit_steps_s": {n: round(r.duration_s, 2) for n, r in edit.steps.items()},
            "goals": {
                "warm_over_cold": 0.05,
                "edit_over_cold": 0.35,
                "wall_over_critical_path": 1.15,
                "supply_chain_share": 0.15,
            },
        },
    )


if __name__ == "__main__":
    anyio.run(main)
