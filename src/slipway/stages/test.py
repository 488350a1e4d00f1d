"""test: run the app's own unit tests (`go test ./...` or `npm ci && npm test`) with cached deps."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from slipway.errors import StageError
from slipway.stages.engine_calls import exec_outcome, stage_errors, tail
from slipway.stages.tool_container import tool_container

if TYPE_CHECKING:
    import dagger

__all__ = ["TestConfig", "TestResult", "failing_tests", "run_tests", "test_container"]

_SCRIPTS = {"go": "go test ./...", "npm": "npm ci && npm test"}


@dataclass(frozen=True)
class TestConfig:
    """Which toolchain runs the tests, in which image, with which cache volumes."""

    __test__ = False  # not a pytest class

    toolchain: str
    image: str
    cache_suffix: str = ""


@dataclass(frozen=True)
class TestResult:
    """The test command and the tail of its output."""

    __test__ = False

    command: str
    output: str


async def test_container(source: dagger.Directory, config: TestConfig) -> dagger.Container:
    """The container that runs the tests; evaluate it to run them (exit code not enforced)."""
    from dagger import ReturnType, dag

    def cache(name: str) -> dagger.CacheVolume:
        return dag.cache_volume(f"slipway-{name}{config.cache_suffix}")

    ctr = await tool_container(config.image)
    if config.toolchain == "go":
        ctr = (
            ctr.with_mounted_cache("/go/pkg/mod", cache("go-mod"))
            .with_mounted_cache("/root/.cache/go-build", cache("go-build"))
            .with_env_variable("GOMODCACHE", "/go/pkg/mod")
            .with_env_variable("GOCACHE", "/root/.cache/go-build")
            .with_env_variable("GOFLAGS", "-mod=mod")
        )
    else:
        ctr = ctr.with_mounted_cache("/root/.npm", cache("npm")).with_env_variable("CI", "true")
    return (
        ctr.with_directory("/src", source)
        .with_workdir("/src")
        .with_exec(["sh", "-c", _SCRIPTS[config.toolchain]], expect=ReturnType.ANY)
    )


def failing_tests(toolchain: str, output: str) -> list[str]:
    """Names of the failing tests found in a test run's output."""
    pattern = r"^\s*--- FAIL: (\S+)" if toolchain == "go" else r"^\s*not ok \d+ - (.+)$"
    return re.findall(pattern, output, flags=re.MULTILINE)


async def run_tests(source: dagger.Directory, config: TestConfig) -> TestResult:
    """Run the tests; raise StageError('test', ...) naming the failing tests, with their output."""
    if config.toolchain not in _SCRIPTS:
        raise StageError("test", f"could not test: unknown toolchain {config.toolchain!r}")
    command = _SCRIPTS[config.toolchain]
    async with stage_errors("test", f"run `{command}`", "check the test image and source"):
        outcome = await exec_outcome(await test_container(source, config))
    if outcome.exit_code != 0:
        names = failing_tests(config.toolchain, outcome.output)
        which = ", ".join(names[:5]) if names else f"exit code {outcome.exit_code}"
        msg = f"could not pass `{command}`: failing {which} (fix the tests; output above)"
        raise StageError("test", msg, details=tail(outcome.output, 60))
    return TestResult(command=command, output=tail(outcome.output, 20))
