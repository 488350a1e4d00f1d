"""A group promotion's graph run in memory: per-app steps, one commit and one PR, nothing pushed on a refusal."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from promotion_fakes import FakeForge, FakeRepo, pr

from slipway.errors import ConfigError, StageError
from slipway.gitops.repo import GitRemote
from slipway.gitops.trailers import parse_log
from slipway.promotion import GroupApp, GroupRequest, group_steps, promote_group
from slipway.promotion import group_graph as graph_module
from slipway.promotion.branches import group_branch
from slipway.promotion.group_graph import group_failure, group_result
from slipway.promotion.steps.push import Pushed
from slipway.refs import parse_ref
from slipway.runner import run_graph

NO_TOKEN: Any = None
REMOTE = GitRemote("https://forge.test/acme/gitops.git", "slipway", NO_TOKEN, "alpine/git")
API_SHA, UI_SHA = "a" * 40, "b" * 40


def _path(app: str, env: str) -> str:
    return f"apps/{app}/overlays/{env}/values.yaml"


def _values(repository: str, tag: str) -> str:
    return f"image:\n  repository: {repository}\n  tag: '{tag}'\n  digest: ''\n"


def _app(app: str) -> GroupApp:
    return GroupApp(app, False, _path(app, "staging"), _path(app, "dev"), repository=f"r.test/{app}")


REQ = GroupRequest("staging", "dev", (_app("api"), _app("ui")), REMOTE, "token", source="c" * 40)


@dataclasses.dataclass
class World:
    """The clone's files, the forge, what the branch holds and every push made."""

    files: dict[str, str]
    forge: FakeForge = dataclasses.field(default_factory=FakeForge)
    on_branch: dict[str, str] | None = None
    pushes: list[tuple[dict[str, str], Any, str]] = dataclasses.field(default_factory=list)


@pytest.fixture
def world(monkeypatch: pytest.MonkeyPatch) -> World:
    w = World(
        {
            _path("api", "dev"): _values("r.test/api", API_SHA),
            _path("api", "staging"): _values("r.test/api", "0" * 40),
            _path("ui", "dev"): _values("r.test/ui", UI_SHA),
            _path("ui", "staging"): _values("r.test/ui", "0" * 40),
        }
    )

    async def clone(_: Any, *, paths: tuple[str, ...]) -> Any:
        assert set(paths) == set(w.files), "one clone with every app's files"
        return FakeRepo(w.files)

    async def branch_files(_: Any, __: Any, paths: list[str], branch: str) -> list[str] | None:
        return None if w.on_branch is None else [w.on_branch.get(path, "") for path in paths]

    async def push_files(inp: Any, _: Any, files: dict[str, str], change: Any, message: str) -> Pushed:
        w.pushes.append((dict(files), change, message))
        return Pushed(change.branch or inp.remote.base, "f" * 40, 1)

    monkeypatch.setattr(graph_module, "git_clone", clone)
    monkeypatch.setattr(graph_module, "branch_files", branch_files)
    monkeypatch.setattr(graph_module, "push_files", push_files)
    monkeypatch.setattr(graph_module, "forge_for", lambda *_: w.forge)
    return w


def test_each_app_has_its_own_steps_and_the_push_waits_for_all_of_them() -> None:
    needs = {s.name: s.needs for s in group_steps(REQ)}
    for app in ("api", "ui"):
        assert needs[f"from:{app}"] == ("clone",)
        assert needs[f"edit:{app}"] == (f"locate:{app}", f"resolve:{app}")
        assert {f"resolve:{app}", f"edit:{app}"} <= set(needs["push"])
    assert list(needs)[-3:] == ["push", "open-pr", "supersede"]
    direct = {s.name for s in group_steps(dataclasses.replace(REQ, direct_push=True))}
    assert "open-pr" not in direct and "find-pr" not in direct and "push" in direct


@pytest.mark.parametrize(
    ("apps", "message"),
    [
        ((_app("api"),), "needs two or more apps"),
        ((_app("api"), _app("api")), "api named more than once"),
        ((_app("api"), _app("Bad_Name")), "is not a valid name"),
    ],
)
def test_a_group_that_can_never_be_promoted_is_refused_before_cloning(
    apps: tuple[GroupApp, ...], message: str
) -> None:
    with pytest.raises(ConfigError, match=message):
        group_steps(dataclasses.replace(REQ, apps=apps))


async def test_both_apps_move_in_one_commit_with_each_app_s_trailers_and_one_pr(world: World) -> None:
    result = await promote_group(REQ)
    images = {"api": parse_ref(f"r.test/api:{API_SHA}"), "ui": parse_ref(f"r.test/ui:{UI_SHA}")}
    branch = group_branch("staging", images)
    assert branch.startswith("release/api+ui/staging/")
    assert (result.status, result.branch, result.moved) == ("proposed", branch, ("api", "ui"))
    [(files, change, message)] = world.pushes
    assert set(files) == set(change.paths) == {_path("api", "staging"), _path("ui", "staging")}
    assert change.branch == branch and API_SHA in files[_path("api", "staging")]
    (commit,) = parse_log("\x1e" + "1" * 40 + "\x1f2026-01-01T00:00:00Z\x1f" + message + "\x1d\n")
    assert commit.group == ("api", "ui")
    assert commit.app_trailers("api") == {
        "Slipway-Env": "staging", "Slipway-Group": "api+ui", "Slipway-App": "api",
        "Slipway-Image": f"r.test/api:{API_SHA}", "Slipway-Source": "c" * 40,
    }  # fmt: skip
    ui = commit.app_trailers("ui")
    assert ui is not None and ui["Slipway-Image"] == f"r.test/ui:{UI_SHA}"
    [(_, (head, _, title, body))] = [c for c in world.forge.calls if c[0] == "open"]  # type: ignore[misc]
    assert head == branch and title == "Promote 2 apps to staging (api+ui)"
    assert "## api" in body and "## ui" in body and f"+  tag: '{UI_SHA}'" in body
    assert body.startswith("Promotes **api**, **ui** from **dev** to **staging** together")


async def test_one_refused_app_stops_the_group_and_nothing_is_pushed(world: World) -> None:
    world.files[_path("ui", "dev")] = _values("r.test/ui", "v1")
    protected = dataclasses.replace(REQ, apps=(_app("api"), dataclasses.replace(_app("ui"), protected=True)))
    with pytest.raises(ConfigError) as info:
        await promote_group(protected)
    message = str(info.value)
    assert message.startswith("promote: nothing promoted, ui: refusing 'r.test/ui:v1'")
    assert "the tag is mutable" in message and "\n" not in message and "api:" not in message
    assert world.pushes == [] and world.forge.calls == []


async def test_only_the_apps_that_change_are_committed(world: World) -> None:
    world.files[_path("ui", "staging")] = world.files[_path("ui", "dev")]
    result = await promote_group(REQ)
    assert result.moved == ("api",) and result.images["ui"] == f"r.test/ui:{UI_SHA}"
    [(files, change, message)] = world.pushes
    assert list(files) == [_path("api", "staging")] and change.branch.startswith("release/api/staging/")
    assert message.startswith(f"Promote api {API_SHA} to staging\n")


async def test_a_rerun_reuses_the_open_pr_and_pushes_nothing(world: World) -> None:
    first = await promote_group(REQ)
    assert first.pull_request is not None
    world.on_branch = dict(world.pushes[0][0])
    world.forge.open_prs = [first.pull_request]
    again = await promote_group(REQ)
    assert (again.status, again.commit, again.pull_request) == ("already-proposed", "", first.pull_request)
    assert len(world.pushes) == 1


async def test_an_older_proposal_of_the_same_group_is_superseded(world: World) -> None:
    world.forge.open_prs = [pr(3, "release/api+ui/staging/00000000"), pr(4, "release/api/staging/x")]
    result = await promote_group(REQ)
    assert result.superseded == (3,)


async def test_a_direct_group_lands_on_the_base_in_one_commit(world: World) -> None:
    result = await promote_group(dataclasses.replace(REQ, direct_push=True))
    assert (result.status, result.branch, result.pull_request) == ("landed", "main", None)
    [(files, change, _)] = world.pushes
    assert change.branch == "" and len(files) == 2 and world.forge.calls == []


async def test_a_shared_step_s_error_is_raised_as_it_was_and_an_app_s_stage_error_stays_one(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    refused = StageError("promote", "could not push: the forge refused the push")

    async def push_refused(*_: Any) -> Pushed:
        raise refused

    monkeypatch.setattr(graph_module, "push_files", push_refused)
    with pytest.raises(StageError) as info:
        await promote_group(REQ)
    assert info.value is refused

    async def unreachable(image: Any) -> Any:
        raise StageError("registry", f"could not reach r.test for {image}")

    pinned = dataclasses.replace(REQ, apps=(dataclasses.replace(_app("api"), protected=True), _app("ui")))
    monkeypatch.setattr("slipway.registry.pin_digest", unreachable)
    with pytest.raises(
        StageError, match=r"^promote: nothing promoted, api: registry: could not reach r.test"
    ):
        await promote_group(pinned)


async def test_given_images_move_without_a_source_env_and_only_the_target_files_are_cloned(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    built = {"api": parse_ref(f"r.test/api:{'d' * 40}"), "ui": parse_ref(f"r.test/ui:{'e' * 40}")}
    apps = tuple(
        GroupApp(app, False, _path(app, "staging"), repository=f"r.test/{app}", image=image)
        for app, image in built.items()
    )
    for app in built:
        del world.files[_path(app, "dev")]
    req = dataclasses.replace(REQ, from_env="", apps=apps)
    graph = await run_graph(group_steps(req, evidence=lambda _, app: f"built {app}"))
    assert group_failure(graph) is None
    result = group_result(req, {name: rec.evidence for name, rec in graph.steps.items()})
    assert result.images == {app: str(image) for app, image in built.items()}
    [(files, _, _)] = world.pushes
    assert "d" * 40 in files[_path("api", "staging")] and "e" * 40 in files[_path("ui", "staging")]
    [(_, (_, _, _, body))] = [c for c in world.forge.calls if c[0] == "open"]  # type: ignore[misc]
    assert body.startswith("Promotes **api**, **ui** to **staging** together")
    assert "built api" in body.split("## ui")[0] and "built ui" in body.split("## ui")[1]


def test_an_app_with_neither_an_image_nor_a_source_env_is_refused() -> None:
    with pytest.raises(ConfigError, match="api: no image given and no --from ENV"):
        group_steps(dataclasses.replace(REQ, from_env=""))


async def test_a_given_image_that_may_not_go_to_the_target_is_refused(world: World) -> None:
    mutable = dataclasses.replace(_app("api"), protected=True, image=parse_ref("r.test/api:v1"))
    del world.files[_path("api", "dev")]
    with pytest.raises(ConfigError, match="api: refusing 'r.test/api:v1'"):
        await promote_group(dataclasses.replace(REQ, apps=(mutable, _app("ui"))))
    assert world.pushes == []
