"""diff (flows/plan.env_plan): the values diff and the rendered-manifests diff of one environment."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from slipway.config import load_config
from slipway.flows import plan as plan_module
from slipway.flows.build import BuildRequest
from slipway.flows.plan import env_plan
from slipway.refs import ImageRef
from slipway.stages.render import RenderConfig, RenderResult

CONFIG = load_config(Path(__file__).resolve().parents[3] / "examples" / "web-api")
OLD, NEW = "a" * 40, "b" * 40
NO_ENGINE: Any = None
REQ = BuildRequest(CONFIG, NO_ENGINE, "dev", NEW, "2024-01-01T00:00:00Z", "https://git.test/web-api")
VALUES = f'replicas: 2\nimage:\n  tag: {OLD}\n  digest: ""\n'


@dataclass
class FakeRepo:
    """The clone: one file's text, and the paths asked for."""

    text: str
    asked: list[str]

    def file(self, path: str) -> FakeRepo:
        self.asked.append(path)
        return self

    async def contents(self) -> str:
        return self.text


@pytest.fixture
def rendered(monkeypatch: pytest.MonkeyPatch) -> list[RenderConfig]:
    """Render as a Deployment whose version label is the image's tag; records each render asked for."""
    seen: list[RenderConfig] = []

    async def render(_: Any, conf: RenderConfig) -> RenderResult:
        seen.append(conf)
        text = f"kind: Deployment\nmetadata:\n  labels:\n    version: {conf.image.tag}\n"
        return RenderResult(NO_ENGINE, text)

    monkeypatch.setattr(plan_module.render, "render", render)
    return seen


async def test_the_values_and_manifests_diffs_of_one_environment(rendered: list[RenderConfig]) -> None:
    repo = FakeRepo(VALUES, [])
    new = ImageRef(CONFIG.repository, NEW)
    planned = await env_plan(REQ, repo, "prod", new)  # type: ignore[arg-type]
    path = "apps/web-api/overlays/prod/values.yaml"
    assert repo.asked == [path]
    assert (planned.env, planned.protected, planned.values_path, planned.server_checked) == (
        "prod",
        True,
        path,
        None,
    )
    assert f"-  tag: {OLD}\n+  tag: {NEW}\n" in planned.values_diff
    assert planned.values_diff.startswith(f"--- a/{path}\n+++ b/{path}\n")
    assert f"-    version: {OLD}\n+    version: {NEW}\n" in planned.manifests_diff
    assert [(c.env, c.image) for c in rendered] == [
        ("prod", ImageRef(CONFIG.repository, OLD)),
        ("prod", new),
    ]


async def test_a_file_naming_no_image_yet_diffs_against_nothing(rendered: list[RenderConfig]) -> None:
    planned = await env_plan(
        REQ, FakeRepo('image:\n  tag: ""\n  digest: ""\n', []), "dev", ImageRef(CONFIG.repository, NEW)
    )  # type: ignore[arg-type]
    assert [c.image.tag for c in rendered] == [NEW]
    assert f"+    version: {NEW}" in planned.manifests_diff and "-    version" not in planned.manifests_diff
