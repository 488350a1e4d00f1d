"""test: the command per toolchain, the failing tests named from the output, and the step's errors."""

from __future__ import annotations

from typing import Any

import pytest

from slipway.errors import StageError
from slipway.stages import test as test_stage
from slipway.stages.engine_calls import ExecOutcome
from slipway.stages.test import TestConfig, failing_tests, run_tests

GO_FAILED = """\
=== RUN   TestHealth
--- PASS: TestHealth (0.00s)
=== RUN   TestOrders
    --- FAIL: TestOrders/empty (0.01s)
--- FAIL: TestOrders (0.01s)
FAIL	example.com/web	0.02s
"""
TAP_FAILED = "ok 1 - health\nnot ok 2 - orders are listed\nnot ok 3 - totals add up\n"
NO_ENGINE: Any = None


def test_go_failures_are_named_subtests_included() -> None:
    assert failing_tests("go", GO_FAILED) == ["TestOrders/empty", "TestOrders"]


def test_npm_tap_failures_are_named() -> None:
    assert failing_tests("npm", TAP_FAILED) == ["orders are listed", "totals add up"]


def test_passing_output_names_nothing() -> None:
    assert failing_tests("go", "--- PASS: TestHealth (0.00s)\nok\n") == []


def _outcome(monkeypatch: pytest.MonkeyPatch, outcome: ExecOutcome) -> None:
    async def fake(_: Any) -> ExecOutcome:
        return outcome

    monkeypatch.setattr(test_stage, "exec_outcome", fake)

    async def container(source: Any, config: Any) -> None:
        return None

    monkeypatch.setattr(test_stage, "test_container", container)


async def test_a_failing_run_names_the_failing_tests(monkeypatch: pytest.MonkeyPatch) -> None:
    _outcome(monkeypatch, ExecOutcome(1, GO_FAILED, ""))
    with pytest.raises(
        StageError, match=r"could not pass `go test ./...`: failing TestOrders/empty, TestOrders"
    ):
        await run_tests(NO_ENGINE, TestConfig("go", "golang"))


async def test_a_failure_without_test_names_gives_the_exit_code(monkeypatch: pytest.MonkeyPatch) -> None:
    _outcome(monkeypatch, ExecOutcome(2, "", "npm ERR! missing script: test"))
    with pytest.raises(StageError, match=r"`npm ci && npm test`: failing exit code 2"):
        await run_tests(NO_ENGINE, TestConfig("npm", "node"))


async def test_a_passing_run_returns_its_command_and_output_tail(monkeypatch: pytest.MonkeyPatch) -> None:
    _outcome(monkeypatch, ExecOutcome(0, "ok  \texample.com/web\t0.01s\n", ""))
    result = await run_tests(NO_ENGINE, TestConfig("go", "golang"))
    assert (result.command, result.output) == ("go test ./...", "ok  \texample.com/web\t0.01s")


async def test_an_unknown_toolchain_is_refused() -> None:
    with pytest.raises(StageError, match="unknown toolchain 'cargo'"):
        await run_tests(NO_ENGINE, TestConfig("cargo", "rust"))
