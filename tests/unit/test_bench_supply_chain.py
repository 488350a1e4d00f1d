"""bench/build_bench.py's supply chain figures: sbom+sign+attest durations over the graph's wall."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

from build_bench import supply_chain

from slipway.runner import GraphResult, StepRecord


def test_supply_chain_is_the_three_stages_summed_over_the_wall_time() -> None:
    durations = {"test": 9.0, "build": 6.0, "publish": 0.5, "sbom": 1.5, "sign": 0.75, "attest": 1.25}
    steps = {name: StepRecord(name, (), "passed", duration_s=d) for name, d in durations.items()}
    assert supply_chain(GraphResult(steps, wall_s=14.0)) == (3.5, 0.25)
