"""plan: the gates and every environment's diffs, with nothing pushed anywhere."""

from __future__ import annotations

from pathlib import Path

import pytest

from apps import make_app, registry_tags
from conftest import Forge, GitopsRepo
from slipway.engine.settings import EngineSettings
from slipway.errors import ConfigError
from slipway.host import BuildOptions, GitopsOptions, run_plan

pytestmark = pytest.mark.engine


async def test_plan_changes_nothing(
    engine: EngineSettings, forge: Forge, gitops_repo: GitopsRepo, tmp_path: Path
) -> None:
    app, repo_path = make_app(tmp_path, "web-api")
    refs_before = forge.git(gitops_repo.checkout, "ls-remote", "origin")
    _, (graph, image, plans) = await run_plan(BuildOptions(app), GitopsOptions(gitops_repo.url, forge.token))
    assert graph.ok and "publish" not in graph.steps
    assert image.repository.endswith(repo_path) and len(image.tag) == 40
    assert [p.env for p in plans] == ["dev", "staging", "prod"]
    for p in plans:
        changed = [line for line in p.values_diff.splitlines() if line.startswith("+  tag:")]
        assert len(changed) == 1 and image.tag in changed[0], p.values_diff
        assert f'app.kubernetes.io/version: "{image.tag}"' in p.manifests_diff
    assert plans[2].protected
    assert registry_tags(repo_path) == [], "plan must not push an image"
    assert forge.git(gitops_repo.checkout, "ls-remote", "origin") == refs_before, "plan must not push to git"


async def test_plan_with_unreachable_gitops_repo_is_bad_input(engine: EngineSettings, tmp_path: Path) -> None:
    app, repo_path = make_app(tmp_path, "web-api")
    with pytest.raises(ConfigError, match=r"could not reach http://127.0.0.1:9/"):
        await run_plan(BuildOptions(app), GitopsOptions("http://127.0.0.1:9/slipway/none.git", "t"))
    assert registry_tags(repo_path) == []
