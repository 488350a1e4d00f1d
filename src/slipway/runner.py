"""A pipeline graph is data: steps with `needs`, run concurrently with anyio.

A step starts once everything it needs has passed. When a step fails, every step that depends
on it (directly or not) is skipped; independent branches finish, so one run reports every
failing gate. Each step's status, duration and evidence (its return value) are recorded.
"""

from __future__ import annotations

import time
import traceback
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import anyio

from slipway.errors import ConfigError, SlipwayError, StageError

__all__ = ["GraphResult", "Step", "StepRecord", "run_graph"]

Outputs = Mapping[str, Any]


@dataclass(frozen=True)
class Step:
    """A named unit of work; `run` receives the outputs of the steps it needs."""

    name: str
    run: Callable[[Outputs], Awaitable[Any]]
    needs: tuple[str, ...] = ()


@dataclass
class StepRecord:
    """What happened to one step."""

    name: str
    needs: tuple[str, ...]
    status: str = "pending"  # pending | running | passed | failed | skipped
    started_s: float = 0.0
    duration_s: float = 0.0
    evidence: Any = None
    error: SlipwayError | None = None
    # What the step raised, before an unexpected exception became `error`.
    raised: Exception | None = None

    @property
    def message(self) -> str:
        """The failure (or skip) reason, one line."""
        return str(self.error) if self.error else ""


@dataclass
class GraphResult:
    """Every step's record, in declaration order, and the run's wall-clock time."""

    steps: dict[str, StepRecord] = field(default_factory=dict)
    wall_s: float = 0.0

    @property
    def ok(self) -> bool:
        """Whether every step passed."""
        return all(s.status == "passed" for s in self.steps.values())

    @property
    def failures(self) -> list[StepRecord]:
        """The failed steps, earliest finish first."""
        failed = [s for s in self.steps.values() if s.status == "failed"]
        return sorted(failed, key=lambda s: s.started_s + s.duration_s)

    def critical_path_s(self) -> float:
        """The longest chain of step durations through `needs`."""
        memo: dict[str, float] = {}

        def longest(name: str) -> float:
            if name not in memo:
                rec = self.steps[name]
                memo[name] = rec.duration_s + max((longest(n) for n in rec.needs), default=0.0)
            return memo[name]

        return max((longest(n) for n in self.steps), default=0.0)


def _check(steps: Sequence[Step]) -> None:
    names = [s.name for s in steps]
    if len(set(names)) != len(names):
        raise ConfigError(f"graph: duplicate step names in {names}")
    for s in steps:
        unknown = [n for n in s.needs if n not in names]
        if unknown:
            raise ConfigError(f"graph: step {s.name!r} needs unknown steps {unknown}")
    order = {s.name: s.needs for s in steps}
    state: dict[str, int] = {}

    def visit(name: str, trail: tuple[str, ...]) -> None:
        if state.get(name) == 1:
            raise ConfigError(f"graph: cycle {' -> '.join((*trail, name))}")
        if state.get(name) == 0:
            state[name] = 1
            for n in order[name]:
                visit(n, (*trail, name))
            state[name] = 2

    for s in steps:
        state.setdefault(s.name, 0)
    for s in steps:
        visit(s.name, ())


async def run_graph(
    steps: Sequence[Step], on_change: Callable[[StepRecord], None] | None = None
) -> GraphResult:
    """Run `steps` respecting `needs`; never raises for a failing step (see the records)."""
    _check(steps)
    result = GraphResult({s.name: StepRecord(s.name, s.needs) for s in steps})
    done = {s.name: anyio.Event() for s in steps}
    outputs: dict[str, Any] = {}
    start = time.monotonic()

    def changed(rec: StepRecord) -> None:
        if on_change is not None:
            on_change(rec)

    async def run_one(step: Step) -> None:
        rec = result.steps[step.name]
        try:
            for need in step.needs:
                await done[need].wait()
            blocked = [n for n in step.needs if result.steps[n].status != "passed"]
            if blocked:
                rec.status = "skipped"
                rec.error = StageError(step.name, f"skipped: {', '.join(blocked)} did not pass")
                return
            rec.status, rec.started_s = "running", time.monotonic() - start
            changed(rec)
            try:
                outputs[step.name] = rec.evidence = await step.run(outputs)
                rec.status = "passed"
            except SlipwayError as exc:
                rec.status, rec.error, rec.raised = "failed", exc, exc
            except Exception as exc:
                rec.status, rec.raised = "failed", exc
                rec.error = StageError(
                    step.name, f"unexpected error: {exc!r}", details=traceback.format_exc()
                )
            rec.duration_s = time.monotonic() - start - rec.started_s
        finally:
            changed(rec)
            done[step.name].set()

    async with anyio.create_task_group() as tg:
        for step in steps:
            tg.start_soon(run_one, step)
    result.wall_s = time.monotonic() - start
    return result
