"""The promotion's graph: which steps, after what; results and statuses from outputs; errors as raised."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from promotion_fakes import pr

import slipway.gitops.promote as old_home
import slipway.promotion as promotion
from slipway.errors import ConfigError, StageError
from slipway.gitops.repo import GitRemote
from slipway.promotion import PromoteRequest, promote, promotion_steps
from slipway.promotion import graph as graph_module
from slipway.promotion.graph import promote_result
from slipway.promotion.steps.edit import Edited
from slipway.promotion.steps.open_pr import OpenedPr
from slipway.promotion.steps.push import Pushed
from slipway.promotion.steps.resolve_image import ResolvedImage
from slipway.promotion.steps.supersede import Superseded
from slipway.refs import parse_ref
from slipway.runner import StepRecord

NO_TOKEN: Any = None
REMOTE = GitRemote("https://forge.test/acme/gitops.git", "slipway", NO_TOKEN, "alpine/git")
IMAGE = parse_ref("r.test/web:" + "a" * 40)
REQ = PromoteRequest("web", "dev", False, IMAGE, REMOTE, "token", "apps/web/dev/values.yaml")
BRANCH = "release/web/dev/x-12345678"


def _needs(req: PromoteRequest, **kw: Any) -> dict[str, tuple[str, ...]]:
    return {s.name: s.needs for s in promotion_steps(req, **kw)}


def test_a_pull_request_promotion_finds_pushes_opens_then_supersedes() -> None:
    assert _needs(REQ) == {
        "clone": (),
        "locate": ("clone",),
        "resolve": ("locate",),
        "edit": ("locate", "resolve"),
        "find-pr": ("clone", "resolve", "edit"),
        "push": ("clone", "resolve", "edit", "find-pr"),
        "open-pr": ("clone", "resolve", "edit", "find-pr", "push"),
        "supersede": ("find-pr", "open-pr"),
    }


def test_a_direct_promotion_ends_with_the_push_and_supersede_can_be_left_out() -> None:
    direct = list(_needs(dataclasses.replace(REQ, direct_push=True)))
    assert direct == ["clone", "locate", "resolve", "edit", "push"]
    assert "supersede" not in _needs(dataclasses.replace(REQ, supersede=False))


def test_the_callers_gates_hold_back_the_push_and_the_pr() -> None:
    needs = _needs(REQ, push_after=("diff",))
    assert "diff" in needs["push"] and "diff" in needs["open-pr"]
    assert all("diff" not in needs[name] for name in ("clone", "locate", "resolve", "edit", "find-pr"))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"image": parse_ref("r.test/web:latest")}, "'latest' is never promoted"),
        ({"protected": True, "direct_push": True}, "only through a reviewed pull request"),
        ({"env": "Dev"}, "is not a valid name"),
        ({"values_path": "../elsewhere.yaml"}, "values"),
    ],
)
def test_what_needs_no_engine_is_refused_when_the_steps_are_built(
    change: dict[str, Any], message: str
) -> None:
    with pytest.raises(ConfigError, match=message):
        promotion_steps(dataclasses.replace(REQ, **change))


def _outputs(*, changed: bool = True, commit: str = "", opened: bool = False) -> dict[str, Any]:
    new = "tag: new\n" if changed else "tag: old\n"
    return {
        "resolve": ResolvedImage(IMAGE, BRANCH),
        "edit": Edited("v.yaml", "tag: old\n", new, "DIFF" if changed else ""),
        "push": Pushed(BRANCH, commit, 1 if commit else 0),
        "open-pr": OpenedPr(pr(5, BRANCH), opened) if changed else None,
        "supersede": Superseded((3,)),
    }


def test_the_statuses_come_from_the_outputs() -> None:
    landed = promote_result(REQ, _outputs(changed=False))
    assert (landed.status, landed.branch, landed.commit) == ("already-landed", "main", "")
    assert landed.values_diff == ""
    assert landed.image == str(IMAGE) and landed.pull_request is None

    proposed = promote_result(REQ, _outputs(commit="c1", opened=True))
    assert (proposed.status, proposed.branch, proposed.commit, proposed.push_attempts) == (
        "proposed", BRANCH, "c1", 1,
    )  # fmt: skip
    assert proposed.pull_request == pr(5, BRANCH) and proposed.superseded == (3,)
    assert promote_result(REQ, _outputs(commit="c2")).status == "proposed", "an open PR with a new push"
    assert promote_result(REQ, _outputs(opened=True)).status == "proposed", "the branch was there, the PR not"
    assert promote_result(REQ, _outputs()).status == "already-proposed"
    without = _outputs()
    del without["supersede"]
    assert promote_result(dataclasses.replace(REQ, supersede=False), without).superseded == ()

    direct = dataclasses.replace(REQ, direct_push=True)
    outputs = _outputs(commit="c3") | {"push": Pushed("main", "c3", 2)}
    landed_now = promote_result(direct, outputs)
    assert (landed_now.status, landed_now.branch, landed_now.commit, landed_now.push_attempts) == (
        "landed", "main", "c3", 2,
    )  # fmt: skip
    assert landed_now.values_diff == "DIFF" and landed_now.pull_request is None


async def test_a_failing_step_s_error_is_raised_as_it_was_and_its_dependents_are_skipped(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    refused = ConfigError("promote: no values file apps/web/dev/values.yaml in ...")

    async def cloned(_: Any) -> Any:
        return graph_module.Cloned(None, "apps/web/dev/values.yaml")  # type: ignore[arg-type]

    async def missing(*_: Any) -> Any:
        raise refused

    monkeypatch.setattr(graph_module, "clone", cloned)
    monkeypatch.setattr(graph_module, "locate", missing)
    seen: list[StepRecord] = []
    with pytest.raises(ConfigError) as info:
        await promote(REQ, on_change=seen.append)
    assert info.value is refused
    final = {rec.name: rec.status for rec in seen if rec.status not in ("running",)}
    assert final["clone"] == "passed" and final["locate"] == "failed"
    assert all(
        final[name] == "skipped" for name in ("resolve", "edit", "find-pr", "push", "open-pr", "supersede")
    )


async def test_an_unexpected_exception_is_raised_unwrapped(monkeypatch: pytest.MonkeyPatch) -> None:
    boom = RuntimeError("boom")

    async def broken(_: Any) -> Any:
        raise boom

    monkeypatch.setattr(graph_module, "clone", broken)
    with pytest.raises(RuntimeError) as info:
        await promote(REQ)
    assert info.value is boom


async def test_a_stage_error_of_a_later_step_is_raised_too(monkeypatch: pytest.MonkeyPatch) -> None:
    failed = StageError("promote", "could not push: the forge refused the push to main")

    async def cloned(_: Any) -> Any:
        return graph_module.Cloned(None, "v.yaml")  # type: ignore[arg-type]

    async def located(*_: Any) -> Any:
        return graph_module.Located("v.yaml", 'image:\n  tag: old\n  digest: ""\n')

    async def refused(*_: Any) -> Any:
        raise failed

    monkeypatch.setattr(graph_module, "clone", cloned)
    monkeypatch.setattr(graph_module, "locate", located)
    monkeypatch.setattr(graph_module, "push", refused)
    with pytest.raises(StageError) as info:
        await promote(dataclasses.replace(REQ, direct_push=True))
    assert info.value is failed


def test_the_old_import_path_names_the_same_objects() -> None:
    names = ("PromoteRequest", "PromoteResult", "check_promotion", "current_image", "promote")
    for name in (*names, "release_branch"):
        assert getattr(old_home, name) is getattr(promotion, name), name
    assert set(old_home.__all__) >= {"image_changes", "values_image"}


@pytest.mark.parametrize(
    ("req", "pushing", "proposed"),
    [
        (REQ, True, "release/web/dev/"),
        (dataclasses.replace(REQ, direct_push=True), True, ""),
        (REQ, False, ""),
    ],
    ids=["pull-request", "direct", "plan"],
)
async def test_only_a_pull_request_promotion_s_clone_reads_the_release_branches(
    monkeypatch: pytest.MonkeyPatch, req: PromoteRequest, pushing: bool, proposed: str
) -> None:
    asked: list[str] = []

    async def cloned(inp: Any) -> Any:
        asked.append(inp.proposed)
        raise ConfigError("promote: stop after the clone")

    monkeypatch.setattr(graph_module, "clone", cloned)
    steps = promotion_steps(req, pushing=pushing)
    graph = await graph_module.run_graph(steps)
    assert graph.steps["clone"].status == "failed"
    assert asked == [proposed]
