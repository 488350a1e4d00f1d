"""CLI start-up: median `slipway --help` and `slipway plan --help` times over `python -c pass`, in one run.

The three commands take turns, so a busier moment of the machine weighs on all of them alike.
slipway's modules are compiled to bytecode first, as installing the wheel does (an editable
install under PYTHONDONTWRITEBYTECODE would otherwise compile them on every start).
"""

from __future__ import annotations

import compileall
import statistics
import subprocess
import sys
import time

from common import ROOT, write_result

RUNS = 21
COMMANDS = {
    "python_pass": [sys.executable, "-c", "pass"],
    "slipway_help": [sys.executable, "-m", "slipway.cli.app", "--help"],
    "slipway_plan_help": [sys.executable, "-m", "slipway.cli.app", "plan", "--help"],
}


def _medians() -> dict[str, float]:
    times: dict[str, list[float]] = {name: [] for name in COMMANDS}
    for _ in range(RUNS):
        for name, args in COMMANDS.items():
            start = time.perf_counter()
            subprocess.run(args, capture_output=True, check=True)
            times[name].append(time.perf_counter() - start)
    return {name: statistics.median(runs) for name, runs in times.items()}


def main() -> None:
    compileall.compile_dir(ROOT / "src" / "slipway", quiet=1)
    medians = _medians()
    baseline = medians["python_pass"]
    write_result(
        "startup",
        {
            "python_pass_s": round(baseline, 4),
            "slipway_help_s": round(medians["slipway_help"], 4),
            "slipway_plan_help_s": round(medians["slipway_plan_help"], 4),
            "ratio": round(medians["slipway_help"] / baseline, 2),
            "plan_help_ratio": round(medians["slipway_plan_help"] / baseline, 2),
            "runs": RUNS,
            "goals": {"ratio": 4.0, "plan_help_ratio": 4.0},
        },
    )


if __name__ == "__main__":
    main()
