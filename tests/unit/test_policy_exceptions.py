"""Exceptions applied to conftest's failures: excused with a reason, refused where forbidden, or warned."""

from __future__ import annotations

from slipway.config import PolicyConfig, PolicyException
from slipway.policy_exceptions import PolicyFailure, apply_exceptions
from slipway.stages.validate import policy_problems

TEST_PODS = PolicyException("resource-limits", "helm test pods", "Pod", "*-test-*", "policy.exceptions[0]")
LATEST = PolicyException(
    "mutable-tag", "the vendor ships only latest", "Deployment", "vendor", "policy.exceptions[1]"
)


def _limits(kind: str, name: str) -> PolicyFailure:
    return PolicyFailure(f"{kind}/{name}: container declares no resource limits [resource-limits]",
                         "resource-limits", kind, name)  # fmt: skip


def test_a_covered_failure_passes_and_is_reported_with_its_reason() -> None:
    failures = [_limits("Pod", "web-test-a"), _limits("Pod", "web-test-a"), _limits("Pod", "web-test-b")]
    out = apply_exceptions(failures, PolicyConfig(exceptions=(TEST_PODS,)), "dev", protected=False)
    assert out.failures == ()
    assert out.warnings == ()
    (use,) = out.uses
    assert (use.key, use.rule, use.reason) == ("policy.exceptions[0]", "resource-limits", "helm test pods")
    assert use.excused == ("Pod/web-test-a", "Pod/web-test-b")


def test_failures_the_exception_does_not_cover_still_fail() -> None:
    failures = [_limits("Deployment", "web"), _limits("Pod", "web-test-a")]
    plain = PolicyFailure('Deployment "web" must set the app.kubernetes.io/name label')
    out = apply_exceptions([*failures, plain], PolicyConfig(exceptions=(TEST_PODS,)), "dev", protected=False)
    assert out.failures == (failures[0].msg, plain.msg)


def test_an_app_rule_without_an_id_is_never_excused() -> None:
    anything = PolicyException("resource-limits", "r", "*", "*", "policy.exceptions[0]")
    app_rule = PolicyFailure("Deployment/web: no label", "", "Deployment", "web")
    out = apply_exceptions([app_rule], PolicyConfig(exceptions=(anything,)), "dev", protected=False)
    assert out.failures == (app_rule.msg,)
    assert out.warnings == (
        "policy exception policy.exceptions[0] (resource-limits */*) matched nothing in dev",
    )


def test_an_exception_that_matches_nothing_is_a_warning() -> None:
    out = apply_exceptions([], PolicyConfig(exceptions=(TEST_PODS,)), "staging", protected=False)
    assert out.failures == ()
    assert out.uses[0].excused == ()
    assert out.warnings == (
        "policy exception policy.exceptions[0] (resource-limits Pod/*-test-*) matched nothing in staging",
    )


def test_a_protected_environment_refuses_exceptions_to_forbidden_rules() -> None:
    latest = PolicyFailure(
        "Deployment/vendor: container uses 'latest' [mutable-tag]", "mutable-tag", "Deployment", "vendor"
    )
    policy = PolicyConfig(exceptions=(TEST_PODS, LATEST))
    out = apply_exceptions([latest, _limits("Pod", "web-test-a")], policy, "prod", protected=True)
    assert out.failures == (
        f"{latest.msg} (the exception policy.exceptions[1] does not apply: protected environment 'prod' "
        "allows none to mutable-tag, see policy.forbid_exceptions_in_protected)",
    )
    assert out.uses[0].excused == ("Pod/web-test-a",), "resource-limits is not forbidden by default"
    assert out.uses[1].refused == ("Deployment/vendor",) and out.uses[1].excused == ()
    assert out.warnings == ()


def test_forbidden_rules_are_the_apps_choice_and_apply_only_when_protected() -> None:
    latest = PolicyFailure("m [mutable-tag]", "mutable-tag", "Deployment", "vendor")
    allowed = PolicyConfig(exceptions=(LATEST,), forbid_exceptions_in_protected=frozenset())
    assert apply_exceptions([latest], allowed, "prod", protected=True).failures == ()
    strict = PolicyConfig(
        exceptions=(TEST_PODS,), forbid_exceptions_in_protected=frozenset({"resource-limits"})
    )
    assert apply_exceptions([_limits("Pod", "web-test-a")], strict, "dev", protected=False).failures == ()
    assert len(apply_exceptions([_limits("Pod", "web-test-a")], strict, "prod", protected=True).failures) == 1


def test_conftest_failures_carry_the_rule_and_object_from_their_metadata() -> None:
    report = [
        {
            "filename": "/work/manifests.yaml",
            "successes": 5,
            "failures": [
                {"msg": "Pod/t: no limits [resource-limits]",
                 "metadata": {"kind": "Pod", "name": "t", "query": "data.main.deny", "rule": "resource-limits"}},
                {"msg": "app rule", "metadata": {"query": "data.main.deny"}},
            ],
        },
        {"filename": "/work/hooks.yaml", "successes": 2, "failures": [{"msg": "bare"}]},
    ]  # fmt: skip
    checks, failures = policy_problems(report)
    assert checks == 10
    assert failures == [
        PolicyFailure("Pod/t: no limits [resource-limits]", "resource-limits", "Pod", "t"),
        PolicyFailure("app rule"),
        PolicyFailure("bare"),
    ]
    odd = PolicyFailure.from_conftest({"msg": "m", "metadata": {"rule": 3, "kind": None}})
    assert odd == PolicyFailure("m")
