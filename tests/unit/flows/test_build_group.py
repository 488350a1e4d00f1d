"""Several apps' build graphs merged into one: prefixed steps, no edges between apps but into the
publishes, the group promotion's clone beside the builds, nothing published or pushed when one
app's gate fails."""

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
from slipway.flows.build_group import (
    app_evidence,
    build_and_propose_group,
    group_env,
    group_proposal_steps,
    group_request,
    merged_build_steps,
)
from slipway.gitops.forges import PullRequest
from slipway.gitops.repo import GitRemote
from slipway.promotion import group_graph
from slipway.promotion.steps.find_pr import FoundPr
from slipway.promotion.steps.locate import Located
from slipway.promotion.steps.open_pr import OpenedPr
from slipway.promotion.steps.push import Pushed
from slipway.promotion.steps.supersede import Superseded
from slipway.refs import parse_ref
from slipway.runner import Outputs, Step

NO_ENGINE: Any = None
EXAMPLES = Path(__file__).resolve().parents[3] / "examples"
GITOPS = EXAMPLES / "gitops"
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

        async def tests(_: Outputs) -> SimpleNamespace:
            if app == failing:
                raise StageError("test", "2 tests failed")
            return SimpleNamespace(command=f"test {app}")

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


BUILD = ("test", "build", "scan", "render", "validate", "publish")


def _group_steps() -> dict[str, tuple[str, ...]]:
    build = merged_build_steps(REQS)
    return {s.name: s.needs for s in group_proposal_steps(group_request(REQS, TARGET), build)}


def test_the_gitops_clone_runs_beside_the_builds_and_nothing_is_pushed_before_every_build_step() -> None:
    needs = _group_steps()
    every_build_step = {f"{app}:{step}" for app in APPS for step in BUILD}
    assert needs["clone"] == ()
    for app in APPS:
        assert needs[f"from:{app}"] == ("clone", f"{app}:publish")
    for pushing in ("push", "open-pr"):
        assert every_build_step <= set(needs[pushing]), pushing
    assert not every_build_step & set(needs["find-pr"]), "finding the PR waits for the edits, not the build"


def test_the_request_names_the_tag_each_build_pushes_and_no_source_environment() -> None:
    request = group_request(REQS, TARGET)
    assert (request.env, request.from_env, request.source) == ("dev", "", SHA)
    for a, app in zip(request.apps, APPS, strict=True):
        assert (
            a.app == app and a.from_path == "" and a.values_path.endswith(f"{app}/overlays/dev/values.yaml")
        )
        assert a.image is not None and (a.image.tag, a.image.digest) == (SHA, "")


async def test_from_takes_the_app_s_published_image_and_still_refuses_latest() -> None:
    build = merged_build_steps(REQS)
    steps = {s.name: s for s in group_proposal_steps(group_request(REQS, TARGET), build)}
    published = parse_ref(f"r.test/web-ui:{SHA}@sha256:{'d' * 64}")
    assert await steps["from:web-ui"].run({"web-ui:publish": published}) == published
    with pytest.raises(ConfigError, match="'latest' is never promoted"):
        await steps["from:web-ui"].run({"web-ui:publish": parse_ref("r.test/web-ui:latest")})


def test_a_tag_that_may_never_be_promoted_is_refused_before_anything_runs() -> None:
    request = group_request(REQS, TARGET)
    api, ui = request.apps
    assert ui.image is not None
    latest = dataclasses.replace(
        request, apps=(api, dataclasses.replace(ui, image=dataclasses.replace(ui.image, tag="latest")))
    )
    with pytest.raises(ConfigError, match="'latest' is never promoted"):
        group_proposal_steps(latest, merged_build_steps(REQS))


class _Gitops:
    """The group promotion's I/O (clone, read, forge, push) recorded instead of done."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.done: list[str] = []
        self.members: list[Any] = []
        for name in ("git_clone", "locate", "find_pr", "push_files", "open_group_pr", "supersede"):
            monkeypatch.setattr(group_graph, name, getattr(self, name))

    async def git_clone(self, *_: Any, **__: Any) -> str:
        self.done.append("clone")
        return "checkout"

    async def locate(self, inp: Any, repo: str) -> Located:
        assert repo == "checkout"
        return Located(inp.path, (GITOPS / inp.path).read_text())

    async def find_pr(self, inp: Any, branch: str) -> FoundPr:
        self.done.append("find-pr")
        return FoundPr(inp.forge, inp.repo, None, None)

    async def push_files(self, _: Any, repo: str, files: Any, change: Any, message: str) -> Pushed:
        self.done.append("push")
        return Pushed(change.branch, "1" * 40, 1)

    async def open_group_pr(self, inp: Any, forge: Any, repo: Any, branch: str, *rest: Any) -> OpenedPr:
        self.done.append("open-pr")
        self.members = list(rest[2])
        return OpenedPr(PullRequest(7, "https://forge.test/pr/7", branch, "main", "t"), opened=True)

    async def supersede(self, *_: Any) -> Superseded:
        return Superseded()


async def test_one_app_s_failing_gate_publishes_and_pushes_nothing_and_names_the_app(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    published: list[str] = []
    monkeypatch.setattr(build_group, "build_steps", _fake_build_steps("web-ui", published))
    gitops = _Gitops(monkeypatch)
    seen: list[str] = []
    outcome = await build_and_propose_group(REQS, TARGET, lambda rec: seen.append(rec.name))
    assert outcome.promotion is None and published == []
    assert gitops.done == ["clone"], "the clone ran beside the build; nothing was pushed or opened"
    [failed] = outcome.graph.failures
    assert (failed.name, failed.message) == ("web-ui:test", "web-ui:test: 2 tests failed")
    assert {outcome.graph.steps[f"{app}:publish"].status for app in APPS} == {"skipped"}
    assert outcome.graph.steps["web-api:scan"].status == "passed"
    assert set(outcome.graph.steps) == {f"{app}:{s}" for app in APPS for s in BUILD}
    assert {"web-api:test", "web-ui:build", "clone"} <= set(seen)


async def test_when_every_app_passes_each_published_image_is_proposed_in_one_group(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    published: list[str] = []
    monkeypatch.setattr(build_group, "build_steps", _fake_build_steps("", published))
    gitops = _Gitops(monkeypatch)
    outcome = await build_and_propose_group(REQS, TARGET)
    assert outcome.graph.ok and sorted(published) == sorted(APPS)
    assert gitops.done[0] == "clone" and gitops.done[-2:] == ["push", "open-pr"]
    promotion = outcome.promotion
    assert promotion is not None and promotion.status == "proposed" and promotion.moved == APPS
    assert promotion.images == {app: f"r.test/{app}:{SHA}" for app in APPS}
    assert [(m.inp.app, str(m.image)) for m in gitops.members] == [
        (app, f"r.test/{app}:{SHA}") for app in APPS
    ]
    assert all(f"`test {m.inp.app}` passed" in m.inp.evidence for m in gitops.members)


def test_each_app_s_pr_section_carries_its_own_build_evidence() -> None:
    out: dict[str, Any] = {}
    for app, found in (("web-api", 0), ("web-ui", 3)):
        scan = SimpleNamespace(counts={"CRITICAL": found}, top=[f"CVE-{app}"] if found else [])
        out |= {
            f"{app}:scan": scan,
            f"{app}:test": SimpleNamespace(command=f"test {app}"),
            f"{app}:publish": parse_ref(f"r.test/{app}:{SHA}@sha256:{'1' * 64}"),
        }
    api, ui = app_evidence(out, "web-api"), app_evidence(out, "web-ui")
    assert "0 CRITICAL" in api and "`test web-api` passed" in api and "web-ui" not in api
    assert "CVE-web-ui" in ui and "3 CRITICAL" in ui and "web-api" not in ui
