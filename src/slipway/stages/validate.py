"""validate: kubeconform -strict on the rendered manifests, then conftest with slipway's policies.

A chart's Helm hooks are validated too (a controller runs them in the cluster, so the same
schemas and policies apply), from their own file: they stay out of the manifests' diff and the
server-side dry-run.
"""

from __future__ import annotations

import importlib.resources
import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from slipway.config import PolicyConfig
from slipway.errors import StageError
from slipway.policy_exceptions import ExceptionUse, PolicyFailure, PolicyOutcome, apply_exceptions
from slipway.stages.engine_calls import exec_outcome, stage_errors, tail
from slipway.stages.tool_container import tool_container

if TYPE_CHECKING:
    import dagger

__all__ = ["ValidateConfig", "ValidateResult", "validate"]

_MANIFESTS = "/work/manifests.yaml"
_HOOKS = "/work/hooks.yaml"


@dataclass(frozen=True)
class ValidateConfig:
    """Images for both tools, the environment (and whether it is protected), extra policies.

    `policy` holds the exceptions to the built-in rules (slipway.yaml's `policy`).
    """

    env: str
    protected: bool
    kubeconform_image: str
    conftest_image: str
    app_policies: dagger.Directory | None = None
    policy: PolicyConfig = field(default_factory=PolicyConfig)


@dataclass(frozen=True)
class ValidateResult:
    """How many resources passed the schemas and policy checks, and the server-side dry-run.

    `server_checked` is None when the environment names no cluster (no dry-run ran).
    `exceptions` says what each policy exception in slipway.yaml excused; `warnings` names those
    that matched nothing.
    """

    resources: int
    policy_checks: int
    server_checked: int | None = None
    exceptions: tuple[ExceptionUse, ...] = ()
    warnings: tuple[str, ...] = ()


def bundled_policies() -> dagger.Directory:
    """Slipway's own rego policies, as a directory in the engine."""
    from dagger import dag

    directory = dag.directory()
    for entry in importlib.resources.files("slipway.policies").iterdir():
        if entry.name.endswith(".rego"):
            directory = directory.with_new_file(entry.name, entry.read_text())
    return directory


def schema_problems(report: dict[str, Any]) -> list[str]:
    """Kubeconform's JSON report -> one line per invalid resource."""
    return [
        f"{r.get('kind', '?')}/{r.get('name', '?')}: {r.get('msg', r.get('status'))}"
        for r in report.get("resources") or []
        if r.get("status") in ("statusInvalid", "statusError")
    ]


def policy_problems(report: list[dict[str, Any]]) -> tuple[int, list[PolicyFailure]]:
    """Conftest's JSON report -> (checks run, each failure with its rule and object when it has them)."""
    checks = sum(int(r.get("successes", 0)) + len(r.get("failures") or []) for r in report)
    failures = [PolicyFailure.from_conftest(f) for r in report for f in r.get("failures") or []]
    return checks, failures


def _mounted(ctr: dagger.Container, manifests: dagger.File, hooks: dagger.File | None) -> dagger.Container:
    ctr = ctr.with_mounted_file(_MANIFESTS, manifests)
    return ctr if hooks is None else ctr.with_mounted_file(_HOOKS, hooks)


async def _kubeconform(manifests: dagger.File, hooks: dagger.File | None, config: ValidateConfig) -> int:
    from dagger import ReturnType

    ctr = await tool_container(config.kubeconform_image)
    args = ["kubeconform", "-strict", "-summary", "-output", "json"]
    if location := await ctr.env_variable("KUBECONFORM_SCHEMA_LOCATION"):
        args += ["-schema-location", location]
    files = [_MANIFESTS] if hooks is None else [_MANIFESTS, _HOOKS]
    run = _mounted(ctr, manifests, hooks).with_exec([*args, *files], expect=ReturnType.ANY)
    outcome = await exec_outcome(run)
    try:
        report = json.loads(outcome.stdout)
    except json.JSONDecodeError:
        report = {}
    problems = schema_problems(report)
    if outcome.exit_code != 0 or problems:
        listed = "; ".join(problems[:3]) or tail(outcome.output, 1)
        msg = f"could not pass kubeconform -strict for {config.env}: {listed} (fix the chart/overlay)"
        raise StageError("validate", msg, details=tail(outcome.output))
    return int((report.get("summary") or {}).get("valid", 0))


async def _conftest(
    manifests: dagger.File, hooks: dagger.File | None, config: ValidateConfig
) -> tuple[int, PolicyOutcome]:
    from dagger import ReturnType

    data = json.dumps({"slipway": {"env": config.env, "protected": config.protected}})
    ctr = (
        _mounted(await tool_container(config.conftest_image), manifests, hooks)
        .with_directory("/policy/slipway", bundled_policies())
        .with_new_file("/policy/data/slipway.json", data)
    )
    args = ["conftest", "test", "--no-color", "--output", "json", "--data", "/policy/data"]
    args += ["--policy", "/policy/slipway"]
    if config.app_policies is not None:
        ctr = ctr.with_directory("/policy/app", config.app_policies)
        args += ["--policy", "/policy/app"]
    files = [_MANIFESTS] if hooks is None else [_MANIFESTS, _HOOKS]
    outcome = await exec_outcome(ctr.with_exec([*args, *files], expect=ReturnType.ANY))
    try:
        checks, failures = policy_problems(json.loads(outcome.stdout))
    except (json.JSONDecodeError, AttributeError, TypeError):
        checks, failures = 0, []
    result = apply_exceptions(failures, config.policy, config.env, protected=config.protected)
    # conftest exits non-zero for its failures; with none reported, something else went wrong.
    if (outcome.exit_code != 0 and not failures) or result.failures:
        listed = "; ".join(result.failures[:3]) or tail(outcome.output, 1)
        msg = f"could not pass policy checks for {config.env}: {listed} (fix the manifests or values)"
        raise StageError("validate", msg, details="\n".join(result.failures) or tail(outcome.output))
    return checks, result


async def validate(
    manifests: dagger.File, config: ValidateConfig, hooks: dagger.File | None = None
) -> ValidateResult:
    """Validate the manifests and the chart's hooks; raise StageError('validate', ...) naming each problem."""
    async with stage_errors("validate", "validate the manifests", "check the tool images"):
        resources = await _kubeconform(manifests, hooks, config)
        checks, policy = await _conftest(manifests, hooks, config)
    return ValidateResult(
        resources=resources, policy_checks=checks, exceptions=policy.uses, warnings=policy.warnings
    )
