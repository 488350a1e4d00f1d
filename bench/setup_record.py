"""Record a cold set-up: every provisioning step's time, from the log of a wiped `.ci/run` or `make demo`.

A cold run cannot be repeated cheaply (it starts from nothing: no caches, images or services),
so this reads the log such a run printed and writes `bench/results/setup.json` (or the name
given). From either log:

- `steps_s`: each `step` of the provisioning scripts (`==> NAME ... ok (Ns, cpu Cs, at T)`), in
  order; `steps_cpu_s`: the CPU seconds (user + system) each used; `timeline_s`: each step's
  start and end, in seconds from the first step's start (where the log has `at`);
- `cpu_s`: the steps' CPU seconds in all: on 2 cores, half of it is the least wall time the
  provisioning can take, however it is scheduled;
- `provision_s`: their sum; `parts_s`: the steps grouped by the script prefix before the first `-`.

From a `.ci/run` log:
- `tests_s`: the suite's wall time(s) as pytest reported them;
- `ci_run_s`: the whole run, from the `rc=N total=Ns` line the caller appended (see
  docs/engine.md); its goal is 75 minutes, inside CI's limit `ci_limit_s` (90); `ci_rc`: its exit
  code (non-zero: the suite stopped early, so a passing run takes longer);
- `provision_wall_s`: the run minus the suite's pytest time: the venv, lint and every service
  and tool, cold (the steps overlap, so `provision_s` exceeds it).

From a cold `make demo`'s log (it has demo/run.sh's "first PR" line):
- `first_pr_s`: how long after make started the first PR was open. Issue 12's goal for a cold
  set-up on 2 cores is 15 minutes to it. `first_pr_cpu_s`: the CPU seconds of the steps before it;
- `demo_run_s`, `demo_rc`: the whole `make demo` (the cluster and the closed loop come after
  the first PR), from the same `rc=N total=Ns` line.

Usage: `python bench/setup_record.py /tmp/cold-ci.log` (writes setup.json), or
`python bench/setup_record.py /tmp/cold-demo.log setup_demo` for a cold `make demo`.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

from common import write_result

_STEP = re.compile(r"^==> (\S+) \.\.\. ok \((\d+)s(?:, cpu (\d+)s, at (\d+))?\)", re.MULTILINE)
_PYTEST = re.compile(r"^=+ .*?(\d+) passed.* in ([\d.]+)s", re.MULTILINE)
_TOTAL = re.compile(r"\btotal=(\d+)s")
_RC = re.compile(r"\brc=(\d+) total=")
_FIRST_PR = re.compile(r"^==> first PR (\d+)s after make demo started", re.MULTILINE)


def record(text: str) -> dict[str, Any]:
    """The set-up figures a cold run's log holds."""
    matches = list(_STEP.finditer(text))
    found = [m.groups() for m in matches]
    steps = [(name, int(seconds)) for name, seconds, _, _ in found]
    cpu = {name: int(used) for name, _, used, _ in found if used}
    ends = [(name, int(seconds), int(at)) for name, seconds, _, at in found if at]
    origin = min((at - seconds for _, seconds, at in ends), default=0)
    parts: dict[str, int] = {}
    for name, seconds in steps:
        part = name.split("-", 1)[0]
        parts[part] = parts.get(part, 0) + seconds
    total = int(m.group(1)) if (m := _TOTAL.search(text)) else None
    rc = int(m.group(1)) if (m := _RC.search(text)) else None
    common = {
        "steps_s": dict(steps),
        "parts_s": parts,
        "provision_s": sum(seconds for _, seconds in steps),
        "steps_cpu_s": cpu,
        "cpu_s": sum(cpu.values()),
        "timeline_s": {name: [at - seconds - origin, at - origin] for name, seconds, at in ends},
    }
    if first := _FIRST_PR.search(text):
        before = {m.group(1) for m in matches if m.start() < first.start()}
        return {
            **common,
            "first_pr_s": int(first.group(1)),
            "first_pr_cpu_s": sum(used for name, used in cpu.items() if name in before),
            "demo_run_s": total,
            "demo_rc": rc,
            "goals": {"first_pr_s": 15 * 60},
        }
    tests = [float(seconds) for _, seconds in _PYTEST.findall(text)]
    return {
        **common,
        "tests_s": tests,
        "ci_run_s": total,
        "ci_rc": rc,
        "provision_wall_s": round(total - sum(tests)) if total is not None else None,
        "ci_limit_s": 90 * 60,
        "goals": {"ci_run_s": 75 * 60},
    }


def main(log: Path, name: str = "setup") -> None:
    data = record(log.read_text(errors="replace"))
    if not data["steps_s"]:
        raise SystemExit(f"setup_record: no provisioning steps in {log} (was it a cold run's log?)")
    write_result(name, data)


if __name__ == "__main__":
    if len(sys.argv) not in (2, 3):
        raise SystemExit("usage: setup_record.py LOG [RESULT_NAME]")
    main(Path(sys.argv[1]), *sys.argv[2:])
