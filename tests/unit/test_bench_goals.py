"""bench/goals.py: each result's figures against their goals, in both ways results state them."""

from __future__ import annotations

import importlib
import json
from pathlib import Path
from typing import Any

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"


@pytest.fixture
def goals(monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.syspath_prepend(str(BENCH))
    return importlib.import_module("goals")


def _write(results: Path, name: str, data: dict[str, Any]) -> None:
    (results / f"{name}.json").write_text(json.dumps(data))


def test_each_goal_is_met_missed_or_not_measured(goals: Any, tmp_path: Path) -> None:
    _write(tmp_path, "promote", {"ratio_vs_raw_git": 2.74, "goals": {"ratio_vs_raw_git": 1.5}})
    _write(
        tmp_path,
        "startup",
        {"ratio": 2.94, "plan_help_ratio": 4.0, "goals": {"ratio": 4, "plan_help_ratio": 4}},
    )
    _write(
        tmp_path,
        "deploy",
        {"merge_to_live_s": 8.1, "merge_to_live_goal_s": 30, "rollback_to_live_goal_s": 30},
    )
    _write(tmp_path, "setup", {"ci_run_s": None, "goals": {"ci_run_s": 4500, "flag": True}})
    _write(tmp_path, "notes", {"note": "no goals here"})
    _write(tmp_path, "cold", {"ci_run_s": 4400, "ci_rc": 2, "goals": {"ci_run_s": 4500}})
    _write(tmp_path, "demo", {"first_pr_s": 800, "demo_rc": 0, "goals": {"first_pr_s": 900}})
    found = {(g.result, g.figure): g.verdict for g in goals.all_goals(tmp_path)}
    assert found == {
        ("promote", "ratio_vs_raw_git"): "missed",
        ("startup", "ratio"): "met",
        ("startup", "plan_help_ratio"): "met",  # a figure equal to its goal meets it
        ("deploy", "merge_to_live_s"): "met",
        ("deploy", "rollback_to_live_s"): "not measured",
        ("setup", "ci_run_s"): "not measured",
        ("cold", "ci_run_s"): "run failed",  # stopped early: its time would understate
        ("demo", "first_pr_s"): "met",
    }


def test_the_report_names_every_figure_and_counts_verdicts(
    goals: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _write(tmp_path, "promote", {"ratio_vs_raw_git": 2.74, "goals": {"ratio_vs_raw_git": 1.5}})
    _write(tmp_path, "peer", {"cold_ratio": 0.272, "goals": {"cold_ratio": 1.0, "warm_ratio": 0.25}})
    goals.main(tmp_path)
    lines = capsys.readouterr().out.splitlines()
    assert lines[1].split() == ["peer", "cold_ratio", "0.272", "1", "met"]
    assert lines[2].split() == ["peer", "warm_ratio", "-", "0.25", "not", "measured"]
    assert lines[3].split() == ["promote", "ratio_vs_raw_git", "2.74", "1.5", "missed"]
    assert lines[-1] == "1 met, 1 missed, 1 not measured"  # no verdict that did not occur


def test_no_goals_at_all_is_an_error(goals: Any, tmp_path: Path) -> None:
    with pytest.raises(SystemExit, match="no result in"):
        goals.main(tmp_path)
