"""bench/build_bench.py's supply chain figures: the wall time sbom, sign and attest add to the graph."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

from build_bench import supply_chain

from slipway.runner import GraphResult, StepRecord

# name: (started_s, duration_s); sbom runs beside scan, sign and attest after publish
TIMELINE = {
    "test": (0.0, 4.0),
    "build": (4.0, 3.0),
    "scan": (7.0, 2.0),
    "sbom": (7.0, 2.5),
    "publish": (9.0, 0.5),
    "sign": (9.5, 0.75),
    "attest": (9.5, 1.0),
}


def _result(timeline: dict[str, tuple[float, float]], wall_s: float) -> GraphResult:
    steps = {n: StepRecord(n, (), "passed", started_s=t, duration_s=d) for n, (t, d) in timeline.items()}
    return GraphResult(steps, wall_s=wall_s)


def test_only_the_time_after_the_last_other_step_counts_not_the_concurrent_sbom() -> None:
    added, share, busy = supply_chain(_result(TIMELINE, wall_s=10.5))
    assert (added, share, busy) == (1.0, 0.095, 4.25)


def test_a_supply_chain_stage_that_ends_before_the_others_adds_nothing() -> None:
    early = {**TIMELINE, "publish": (9.0, 3.0), "sign": (9.5, 0.5), "attest": (9.5, 0.5)}
    added, share, busy = supply_chain(_result(early, wall_s=12.0))
    assert (added, share) == (0.0, 0.0)
    assert busy == 3.5
