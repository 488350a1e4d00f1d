from __future__ import annotations

import anyio
import pytest

from slipway.errors import ConfigError, StageError
from slipway.runner import Step, run_graph


def _step(
    name: str, log: list[str], needs: tuple[str, ...] = (), fail: bool = False, delay: float = 0
) -> Step:
    async def run(outputs: dict) -> str:
        log.append(f"start {name}")
        await anyio.sleep(delay)
        if fail:
            raise StageError(name, f"could not {name}")
        log.append(f"end {name}")
        return f"{name}:{sorted(outputs)}"

    return Step(name, run, needs)


async def test_needs_order_and_outputs() -> None:
    log: list[str] = []
    steps = [_step("a", log), _step("b", log, needs=("a",)), _step("c", log, needs=("a", "b"))]
    result = await run_graph(steps)
    assert result.ok
    assert log.index("end a") < log.index("start b") < log.index("end b") < log.index("start c")
    assert result.steps["c"].evidence == "c:['a', 'b']"


async def test_independent_branches_run_concurrently() -> None:
    log: list[str] = []
    steps = [_step("slow", log, delay=0.2), _step("fast", log)]
    await run_graph(steps)
    assert log.index("start fast") < log.index("end slow")


async def test_failure_skips_dependents_but_not_independent_steps() -> None:
    log: list[str] = []
    steps = [
        _step("build", log, fail=True),
        _step("scan", log, needs=("build",)),
        _step("test", log, delay=0.05),
        _step("publish", log, needs=("scan", "test")),
    ]
    result = await run_graph(steps)
    status = {n: r.status for n, r in result.steps.items()}
    assert status == {"build": "failed", "scan": "skipped", "test": "passed", "publish": "skipped"}
    assert "start scan" not in log and "start publish" not in log
    assert [r.name for r in result.failures] == ["build"]
    assert str(result.failures[0].error) == "build: could not build"


async def test_unexpected_exception_is_recorded_as_failure() -> None:
    kaput = RuntimeError("kaput")

    async def boom(outputs: dict) -> None:
        raise kaput

    result = await run_graph([Step("x", boom)])
    assert result.steps["x"].status == "failed"
    assert "unexpected error: RuntimeError('kaput')" in result.steps["x"].message
    assert result.steps["x"].raised is kaput, "what the step raised is kept for callers that re-raise it"


async def test_a_slipway_error_is_both_the_error_and_what_was_raised() -> None:
    refused = ConfigError("x: refused")

    async def refuse(outputs: dict) -> None:
        raise refused

    result = await run_graph([Step("x", refuse)])
    assert result.steps["x"].error is refused and result.steps["x"].raised is refused


async def test_critical_path_is_longest_chain() -> None:
    log: list[str] = []
    steps = [
        _step("a", log, delay=0.1),
        _step("b", log, needs=("a",), delay=0.1),
        _step("c", log, delay=0.05),
    ]
    result = await run_graph(steps)
    assert result.critical_path_s() == pytest.approx(
        result.steps["a"].duration_s + result.steps["b"].duration_s
    )


@pytest.mark.parametrize(
    ("steps", "message"),
    [
        ([Step("a", None, ("zz",))], "needs unknown steps"),  # type: ignore[arg-type]
        ([Step("a", None, ("b",)), Step("b", None, ("a",))], "cycle"),  # type: ignore[arg-type]
        ([Step("a", None), Step("a", None)], "duplicate"),  # type: ignore[arg-type]
    ],
)
async def test_bad_graphs_are_refused(steps: list[Step], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        await run_graph(steps)
