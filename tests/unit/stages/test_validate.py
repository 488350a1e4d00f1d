"""validate: kubeconform's and conftest's JSON reports read into problems, checks and failures."""

from __future__ import annotations

from typing import Any

import pytest

from slipway.policy_exceptions import PolicyFailure, PolicyOutcome
from slipway.stages import validate as validate_stage
from slipway.stages.validate import ValidateConfig, ValidateResult, policy_problems, schema_problems, validate

KUBECONFORM = {
    "resources": [
        {"kind": "Service", "name": "web", "status": "statusValid"},
        {
            "kind": "Deployment",
            "name": "web",
            "status": "statusInvalid",
            "msg": "spec.replicas: expected integer",
        },
        {"kind": "Widget", "name": "w", "status": "statusError"},
        {"kind": "CronJob", "name": "c", "status": "statusSkipped"},
    ],
    "summary": {"valid": 1, "invalid": 1, "errors": 1},
}
CONFTEST = [
    {"filename": "/work/manifests.yaml", "successes": 7, "failures": [
        {"msg": "Deployment/web has no limits", "metadata": {"rule": "resource-limits", "kind": "Deployment",
                                                             "name": "web"}},
        {"msg": "runs as root"},
    ]},
    {"filename": "/work/hooks.yaml", "successes": 3},
]  # fmt: skip


def test_invalid_and_erroring_resources_are_problems_valid_and_skipped_ones_not() -> None:
    assert schema_problems(KUBECONFORM) == [
        "Deployment/web: spec.replicas: expected integer",
        "Widget/w: statusError",
    ]
    assert schema_problems({}) == [] == schema_problems({"resources": None})


def test_policy_checks_count_successes_and_failures_and_keep_the_rule() -> None:
    checks, failures = policy_problems(CONFTEST)
    assert checks == 12
    assert failures == [
        PolicyFailure("Deployment/web has no limits", "resource-limits", "Deployment", "web"),
        PolicyFailure("runs as root", "", "", ""),
    ]


async def test_the_result_counts_schemas_and_policies_and_carries_the_exceptions(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    async def kubeconform(*_: Any) -> int:
        return 4

    async def conftest(*_: Any) -> tuple[int, PolicyOutcome]:
        return 9, PolicyOutcome((), (), ("exception matched nothing",))

    monkeypatch.setattr(validate_stage, "_kubeconform", kubeconform)
    monkeypatch.setattr(validate_stage, "_conftest", conftest)
    result = await validate(None, ValidateConfig("dev", False, "kc", "ct"))  # type: ignore[arg-type]
    assert result == ValidateResult(4, 9, None, (), ("exception matched nothing",))
