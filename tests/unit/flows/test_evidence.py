"""The PR evidence names every policy exception used (with its reason), warns of unused ones, lists hooks."""

from __future__ import annotations

import pytest

from slipway.cli.console import Exit
from slipway.cli.run import finish
from slipway.flows.build_and_propose import evidence_markdown
from slipway.manifest_docs import Manifest
from slipway.policy_exceptions import ExceptionUse
from slipway.report import graph_json, graph_warnings
from slipway.runner import GraphResult, StepRecord
from slipway.stages.render import RenderResult
from slipway.stages.validate import ValidateResult

USED = ExceptionUse("policy.exceptions[0]", "resource-limits", "Pod", "*-test-*",
                    "helm test pods\n  run for seconds", excused=("Pod/web-test-a", "Pod/web-test-b"))  # fmt: skip
UNUSED = ExceptionUse("policy.exceptions[1]", "resource-limits", "Job", "*", "jobs")
WARNING = "policy exception policy.exceptions[1] (resource-limits Job/*) matched nothing in dev"
HOOK = Manifest("kind: Job\n", "Job", "web-migrate-x7k2p", "", "pre-install,pre-upgrade")


def _graph(validated: ValidateResult, hooks: tuple[Manifest, ...] = ()) -> GraphResult:
    rendered = RenderResult(manifests=None, text="---\nkind: Service\n", hooks=hooks)  # type: ignore[arg-type]
    return GraphResult(
        steps={
            "render": StepRecord("render", (), "passed", evidence=rendered),
            "validate": StepRecord("validate", ("render",), "passed", evidence=validated),
        }
    )


def test_exceptions_used_show_with_their_reason_and_unused_ones_as_warnings() -> None:
    graph = _graph(ValidateResult(4, 12, exceptions=(USED, UNUSED), warnings=(WARNING,)))
    body = evidence_markdown(graph)
    assert (
        "- Validation: kubeconform -strict: 4 resources valid; conftest: 12 checks passed\n"
        "- Policy exceptions (slipway.yaml `policy.exceptions`):\n"
        "  - `resource-limits` for Pod/*-test-* (policy.exceptions[0]) excused Pod/web-test-a, Pod/web-test-b; "
        "reason: helm test pods run for seconds\n"
        f"  - warning: {WARNING}\n"
    ) in body
    assert "policy.exceptions[1]) excused" not in body


def test_no_exceptions_no_section() -> None:
    assert "Policy exceptions" not in evidence_markdown(_graph(ValidateResult(4, 12)))


def test_hooks_are_listed_apart_from_the_diff() -> None:
    body = evidence_markdown(_graph(ValidateResult(4, 12), hooks=(HOOK,)), "--- a\n+++ b\n")
    hooks = "- Helm hooks (validated; the controller runs them around the release, not in the diff):\n"
    assert f"{hooks}  - Job/web-migrate-x7k2p (pre-install,pre-upgrade)\n" in body
    assert body.index(hooks) < body.index("### Rendered manifests diff")
    assert "Helm hooks" not in evidence_markdown(_graph(ValidateResult(4, 12)))


def test_warnings_are_printed_and_in_the_json(capsys: pytest.CaptureFixture[str]) -> None:
    graph = _graph(ValidateResult(4, 12, exceptions=(UNUSED,), warnings=(WARNING,)))
    assert graph_warnings(graph) == [WARNING]
    finish(graph, as_json=False)
    assert capsys.readouterr().err == f"warning: {WARNING}\n"
    validate = next(s for s in graph_json(graph)["steps"] if s["name"] == "validate")
    assert validate["evidence"]["warnings"] == [WARNING]
    assert validate["evidence"]["exceptions"][0]["reason"] == "jobs"


def test_warnings_print_before_the_errors(capsys: pytest.CaptureFixture[str]) -> None:
    from slipway.errors import StageError

    graph = _graph(ValidateResult(4, 12, warnings=(WARNING,)))
    graph.steps["test"] = StepRecord("test", (), "failed", error=StageError("test", "could not pass"))
    with pytest.raises(Exit):
        finish(graph, as_json=False)
    assert capsys.readouterr().err.splitlines() == [f"warning: {WARNING}", "error: test: could not pass"]


def test_a_checks_report_ends_with_its_warnings() -> None:
    from slipway.flows.checks import check_report

    graph = _graph(ValidateResult(4, 12, exceptions=(UNUSED,), warnings=(WARNING,)))
    lines = check_report(graph).splitlines()
    assert [line.split()[:2] for line in lines[:2]] == [["ok", "render"], ["ok", "validate"]]
    assert lines[2:] == [f"warning: {WARNING}"]
