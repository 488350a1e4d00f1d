"""plan's graph per environment: the promotion's steps up to the edit, and the diff; never a push or PR step."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from slipway.config import load_config
from slipway.errors import ConfigError
from slipway.flows.build import BuildRequest
from slipway.flows.build_and_propose import GitopsTarget
from slipway.flows.plan import proposal_steps
from slipway.gitops.repo import GitRemote
from slipway.promotion.steps.resolve_image import ResolvedImage
from slipway.refs import ImageRef

NO_ENGINE: Any = None
CONFIG = load_config(Path(__file__).resolve().parents[3] / "examples" / "web-api")
SHA = "c" * 40
REQ = BuildRequest(CONFIG, NO_ENGINE, "dev", SHA, "2024-01-01T00:00:00Z", "https://git.test/demo")
TARGET = GitopsTarget(
    GitRemote("https://forge.test/acme/gitops.git", "slipway", NO_ENGINE, "alpine/git"), "t"
)
IMAGE = ImageRef(CONFIG.repository, SHA)
PUSH_OR_PR = {"find-pr", "push", "open-pr", "supersede"}


@pytest.mark.parametrize("env", ["dev", "prod"])
def test_plan_is_the_promotion_up_to_the_edit_and_the_diff(env: str) -> None:
    steps = proposal_steps(REQ, TARGET, env, IMAGE, pushing=False)
    assert {s.name: s.needs for s in steps} == {
        "clone": (),
        "diff": ("clone",),
        "locate": ("clone",),
        "resolve": ("locate",),
        "edit": ("locate", "resolve"),
    }
    assert not PUSH_OR_PR & {s.name for s in steps}


def test_build_and_propose_has_the_same_steps_and_then_pushes_after_the_diff() -> None:
    planned = [s.name for s in proposal_steps(REQ, TARGET, "prod", IMAGE, pushing=False)]
    proposed = {s.name: s.needs for s in proposal_steps(REQ, TARGET, "prod", IMAGE)}
    assert list(proposed)[: len(planned)] == planned
    assert set(proposed) - set(planned) == PUSH_OR_PR
    assert "diff" in proposed["push"] and "diff" in proposed["open-pr"]


async def test_plan_resolves_a_protected_image_without_asking_the_registry() -> None:
    assert CONFIG.environment("prod").protected
    resolve = next(
        s for s in proposal_steps(REQ, TARGET, "prod", IMAGE, pushing=False) if s.name == "resolve"
    )
    resolved = await resolve.run({})
    assert isinstance(resolved, ResolvedImage)
    assert resolved.image == IMAGE  # the tag, not a digest: the image is not in the registry
    assert resolved.branch.startswith(f"release/{CONFIG.app}/prod/")


BUILD = ("test", "build", "scan", "render", "validate", "publish", "sign", "attest")


def test_in_the_build_graph_the_clone_runs_at_once_and_nothing_is_pushed_before_every_build_step() -> None:
    steps = {
        s.name: s.needs for s in proposal_steps(REQ, TARGET, "dev", IMAGE, after=BUILD, image_from="publish")
    }
    assert steps["clone"] == () and steps["locate"] == ("clone",)
    assert "publish" in steps["diff"] and "publish" in steps["resolve"]
    for pushing in ("push", "open-pr"):
        assert set(BUILD) <= set(steps[pushing]), pushing


async def test_resolve_writes_the_published_image_and_still_refuses_latest() -> None:
    assert not CONFIG.environment("dev").protected
    resolve = next(
        s
        for s in proposal_steps(REQ, TARGET, "dev", IMAGE, after=BUILD, image_from="publish")
        if s.name == "resolve"
    )
    published = ImageRef(CONFIG.repository, SHA, "sha256:" + "d" * 64)
    resolved = await resolve.run({"publish": published})
    assert isinstance(resolved, ResolvedImage) and resolved.image == published
    with pytest.raises(ConfigError, match="'latest' is never promoted"):
        await resolve.run({"publish": ImageRef(CONFIG.repository, "latest")})
