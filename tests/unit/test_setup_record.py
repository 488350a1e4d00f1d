"""bench/setup_record.py reads a cold run's log: step times, the suite's time and the wall times."""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"

LOG = """\
==> engine-image ...
==> tools-trivy ...
==> engine-image ... ok (30s)
==> tools-trivy ... ok (489s)
==> gitea-build ... ok (247s)
==> cluster-build-etcd ... ok (300s, cpu 410s, at 1000300)
==> cluster-build-kwok ... ok (50s, cpu 60s, at 1000400)
====== 996 passed in 963.15s (0:16:03) ======
====== 3 passed, 996 deselected in 75.47s (0:01:15) ======
rc=0 total=3400s
"""


@pytest.fixture
def record(monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.syspath_prepend(str(BENCH))
    return importlib.import_module("setup_record").record


def test_steps_suite_and_walls_come_from_the_log(record: Any) -> None:
    data = record(LOG)
    assert data["steps_s"] == {
        "engine-image": 30,
        "tools-trivy": 489,
        "gitea-build": 247,
        "cluster-build-etcd": 300,
        "cluster-build-kwok": 50,
    }
    assert data["parts_s"] == {"engine": 30, "tools": 489, "gitea": 247, "cluster": 350}
    assert data["provision_s"] == 1116
    assert data["tests_s"] == [963.15, 75.47]
    assert data["ci_run_s"] == 3400
    assert data["ci_rc"] == 0
    assert data["provision_wall_s"] == round(3400 - 963.15 - 75.47)
    assert data["goals"] == {"ci_run_s": 4500}
    assert "first_pr_s" not in data


def test_a_log_without_its_total_has_no_walls(record: Any) -> None:
    data = record(LOG.replace("rc=0 total=3400s\n", ""))
    assert data["ci_run_s"] is None and data["provision_wall_s"] is None and data["ci_rc"] is None


DEMO_LOG = """\
==> tools-trivy ... ok (489s, cpu 600s, at 1000489)
==> gitea-build ... ok (247s, cpu 300s, at 1000247)
PR: http://127.0.0.1:3000/slipway/gitops/pulls/1
==> first PR 1490s after make demo started
==> cluster-build-etcd ... ok (300s, cpu 410s, at 1001790)
rc=0 total=3400s
"""


def test_a_cold_demo_log_gives_the_time_and_cpu_to_its_first_pr(record: Any) -> None:
    data = record(DEMO_LOG)
    assert data["first_pr_s"] == 1490
    assert data["first_pr_cpu_s"] == 900  # the cluster's build comes after the PR
    assert data["cpu_s"] == 1310
    assert (data["demo_run_s"], data["demo_rc"]) == (3400, 0)
    assert data["goals"] == {"first_pr_s": 900}
    assert "ci_run_s" not in data and "tests_s" not in data


def test_a_failed_run_says_so(record: Any) -> None:
    assert record(LOG.replace("rc=0", "rc=2"))["ci_rc"] == 2


def test_cpu_seconds_and_a_timeline_come_from_steps_that_print_them(record: Any) -> None:
    data = record(LOG)
    assert data["steps_cpu_s"] == {"cluster-build-etcd": 410, "cluster-build-kwok": 60}
    assert data["cpu_s"] == 470
    assert data["timeline_s"] == {"cluster-build-etcd": [0, 300], "cluster-build-kwok": [350, 400]}
