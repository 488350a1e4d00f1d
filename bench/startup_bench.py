"""CLI start-up: median `slipway --help` time over `python -c pass`, in one run."""

from __future__ import annotations

import statistics
import subprocess
import sys
import time

from common import write_result

RUNS = 15


def _median(args: list[str]) -> float:
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        subprocess.run(args, capture_output=True, check=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    baseline = _median([sys.executable, "-c", "pass"])
    help_s = _median([sys.executable, "-m", "slipway.cli.app", "--help"])
    write_result(
        "startup",
        {
            "python_pass_s": round(baseline, 4),
            "slipway_help_s": round(help_s, 4),
            "ratio": round(help_s / baseline, 2),
            "runs": RUNS,
            "goals": {"ratio": 4.0},
        },
    )


if __name__ == "__main__":
    main()
