"""Several apps' build graphs merged into one: prefixed steps, no edges between apps but into the
publishes, nothing published or proposed when one app's gate fails."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from slipway.config import load_config
from slipway.errors import ConfigError, StageError
from slipway.flows import build_group
from slipway.flows.build import BuildRequest
from slipway.flows.build_and_propose import GitopsTarget
from slipway.flows.build_group import build_and_propose_group, group_env, group_request, merged_build_steps
from slipway.gitops.repo import GitRemote
from slipway.refs import parse_ref
from slipway.runner import GraphResult, Outputs, Step, StepRecord

NO_ENGINE: Any = None
EXAMPLES = Path(__file__).resolve().parents[3] / "examples"
SHA = "c" * 40
APPS = ("web-api", "web-ui")
REQS = [
    BuildRequest(
        load_config(EXAMPLES / app), NO_ENGINE, "dev", SHA, "2024-01-01T00:00:00Z", "https://git.test/m"
    )
    for app in APPS
]
TARGET = GitopsTarget(
    GitRemote("https://forge.test/acme/gitops.git", "slipway", NO_ENGINE, "alpine/git"), "t"
)
GATES = ("test", "scan", "validate")


def test_each_app_keeps_its_own_graph_under_its_prefix_and_only_the_publishes_wait_across_apps() -> None:
    needs = {s.name: s.needs for s in merged_build_steps(REQS)}
    every_gate = {f"{app}:{gate}" for app in APPS for gate in GATES}
    for app in APPS:
        assert needs[f"{app}:test"] == () and needs[f"{app}:build"] == ()
        assert needs[f"{app}:scan"] == (f"{app}:build",)
        assert needs[f"{app}:validate"] == (f"{app}:render",)
        assert needs[f"{app}:publish"][:3] == tuple(f"{app}:{gate}" for gate in GATES)
        assert set(needs[f"{app}:publish"]) == every_gate
    assert set(needs) == {f"{app}:{s}" for app in APPS for s in ("build", "render", "publish", *GATES)}
    for name, wanted in needs.items():
        if not name.endswith(":publish"):
            assert all(n.split(":")[0] == name.split(":")[0] for n in wanted), name


def test_the_same_app_twice_is_refused() -> None:
    with pytest.raises(ConfigError, match="web-api named more than once"):
        merged_build_steps([REQS[0], REQS[0]])


def test_apps_whose_first_environments_differ_are_refused() -> None:
    assert group_env([r.config for r in REQS]) == "dev"
    staging_first = dataclasses.replace(
        REQS[1].config, environments=(REQS[1].config.environments[1], REQS[1].config.environments[0])
    )
    with pytest.raises(
        ConfigError, match=r"their first environments differ \(web-api: dev, web-ui: staging\)"
    ):
        group_env([REQS[0].config, staging_first])


def _fake_build_steps(failing: str, published: list[str]) -> Any:
    """Each app's build graph with the real names and needs; `failing`'s tests fail."""

    def steps(req: BuildRequest, **_: Any) -> list[Step]:
        app = req.config.app

        async def ok(_: Outputs) -> str:
            return app

        async def gate(_: Outputs) -> None:
            return None

        async def tests(_: Outputs) -> None:
            if app == failing:
                raise StageError("test", "2 tests failed")

        async def scan(out: Outputs) -> None:
            assert out["build"] == app, "an app's step reads its own outputs"

        async def publish(out: Outputs) -> Any:
            published.append(app)
            return parse_ref(f"r.test/{app}:{SHA}")

        return [
            Step("test", tests),
            Step("build", ok),
            Step("scan", scan, needs=("build",)),
            Step("render", gate),
            Step("validate", gate, needs=("render",)),
            Step("publish", publish, needs=GATES),
        ]

    return steps


async def test_one_app_s_failing_gate_publishes_and_proposes_nothing_and_names_the_app(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    published: list[str] = []
    monkeypatch.setattr(build_group, "build_steps", _fake_build_steps("web-ui", published))

    async def never(*_: Any) -> Any:
        raise AssertionError("nothing is proposed")

    monkeypatch.setattr(build_group, "promote_group", never)
    seen: list[str] = []
    outcome = await build_and_propose_group(REQS, TARGET, lambda rec: seen.append(rec.name))
    assert outcome.promotion is None and published == []
    [failed] = outcome.graph.failures
    assert (failed.name, failed.message) == ("web-ui:test", "web-ui:test: 2 tests failed")
    assert {outcome.graph.steps[f"{app}:publish"].status for app in APPS} == {"skipped"}
    assert outcome.graph.steps["web-api:scan"].status == "passed"
    assert {"web-api:test", "web-ui:build"} <= set(seen)


async def test_when_every_app_passes_each_published_image_is_proposed_in_one_group(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    published: list[str] = []
    monkeypatch.setattr(build_group, "build_steps", _fake_build_steps("", published))
    asked: list[Any] = []

    async def promote(request: Any, _: Any) -> str:
        asked.append(request)
        return "proposed"

    monkeypatch.setattr(build_group, "promote_group", promote)
    outcome = await build_and_propose_group(REQS, TARGET)
    assert outcome.graph.ok and outcome.promotion == "proposed" and sorted(published) == sorted(APPS)
    [request] = asked
    assert (request.env, request.from_env, request.source) == ("dev", "", SHA)
    assert [(a.app, str(a.image)) for a in request.apps] == [(app, f"r.test/{app}:{SHA}") for app in APPS]


def test_each_app_s_pr_section_carries_its_own_build_evidence() -> None:
    def rec(name: str, evidence: Any) -> StepRecord:
        return StepRecord(name, (), "passed", evidence=evidence)

    graph = GraphResult({})
    for app, found in (("web-api", 0), ("web-ui", 3)):
        scan = SimpleNamespace(counts={"CRITICAL": found}, top=[f"CVE-{app}"] if found else [])
        graph.steps |= {
            f"{app}:scan": rec(f"{app}:scan", scan),
            f"{app}:test": rec(f"{app}:test", SimpleNamespace(command=f"test {app}")),
            f"{app}:publish": rec(f"{app}:publish", parse_ref(f"r.test/{app}:{SHA}@sha256:{'1' * 64}")),
        }
    request = group_request(REQS, TARGET, graph)
    api, ui = request.apps
    assert api.image is not None and api.image.digest == "sha256:" + "1" * 64
    assert api.values_path.endswith("web-api/overlays/dev/values.yaml") and api.from_path == ""
    assert "0 CRITICAL" in api.evidence and "`test web-api` passed" in api.evidence
    assert "CVE-web-ui" in ui.evidence and "web-api" not in ui.evidence
