"""Every bench figure that has a goal, against it: the last step of `make bench`.

Reads bench/results/*.json. A result states its goals as a `goals` mapping (figure name → the
most it may be) or as `<figure>_goal_s` beside `<figure>_s`. Figures recorded from a cold run's
log (setup.json, setup_demo.json: see setup_record.py) are shown as they were last recorded; a
goal whose figure that file lacks is shown as not measured there, and so is every goal of a
result whose run failed (a non-zero `*_rc`: it stopped early, so its times understate).

Usage: `python bench/goals.py` (exit 0 even when goals are missed: the table is the report).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from common import RESULTS

_GOAL_SUFFIX = "_goal_s"


@dataclass(frozen=True)
class Goal:
    """One figure of one result file, its measured value (None: not in that file) and its goal."""

    result: str
    figure: str
    measured: float | None
    goal: float
    failed: bool = False

    @property
    def verdict(self) -> str:
        """`met`, `missed`, `not measured` or `run failed`."""
        if self.failed:
            return "run failed"
        if self.measured is None:
            return "not measured"
        return "met" if self.measured <= self.goal else "missed"


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def goals_of(result: str, data: dict[str, Any]) -> Iterator[Goal]:
    """The goals one result file states, each with its figure's value."""
    failed = any(key.endswith("_rc") and value not in (0, None) for key, value in data.items())
    for figure, goal in (data.get("goals") or {}).items():
        if (limit := _number(goal)) is not None:
            yield Goal(result, figure, _number(data.get(figure)), limit, failed)
    for key, goal in data.items():
        if key.endswith(_GOAL_SUFFIX) and (limit := _number(goal)) is not None:
            figure = key.removesuffix(_GOAL_SUFFIX) + "_s"
            yield Goal(result, figure, _number(data.get(figure)), limit, failed)


def all_goals(results: Path) -> list[Goal]:
    """The goals of every result file in `results`, file by file."""
    found: list[Goal] = []
    for path in sorted(results.glob("*.json")):
        data = json.loads(path.read_text())
        if isinstance(data, dict):
            found.extend(goals_of(path.stem, data))
    return found


def table(goals: list[Goal]) -> str:
    """The goals as aligned text, one per line."""
    rows = [("result", "figure", "measured", "goal (at most)", "")]
    for g in goals:
        measured = "-" if g.measured is None else f"{g.measured:g}"
        rows.append((g.result, g.figure, measured, f"{g.goal:g}", g.verdict))
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    return "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(row[:4], widths, strict=True)) + "  " + row[4]
        for row in rows
    )


def main(results: Path = RESULTS) -> None:
    goals = all_goals(results)
    if not goals:
        raise SystemExit(f"goals: no result in {results} states a goal (run `make bench` first)")
    print(table(goals))
    verdicts = ("met", "missed", "not measured", "run failed")
    counts = {v: n for v in verdicts if (n := sum(g.verdict == v for g in goals))}
    print("\n" + ", ".join(f"{n} {verdict}" for verdict, n in counts.items()))


if __name__ == "__main__":
    main(*(Path(arg) for arg in sys.argv[1:2]))
