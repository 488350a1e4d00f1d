"""The GitHub workflows `slipway init` writes, run by act (nektos/act) in local containers.

No GitHub is reachable: act copies the checkout into the job container itself (its stand-in for
`actions/checkout`, the workflows' only action), and the runner image is the Debian base image
`make engine` builds, with the `dagger` CLI `make engine` builds and the host's `docker` CLI
mounted read-only (the CLI reaches this engine through the docker socket act mounts). The
module is this checkout, mounted read-only at its own path. Secrets come from act's environment
(`-s NAME`, never on the command line); act masks them in its log. act comes from `make tools`
(tool-binaries.sh); without it: skip locally, FAIL under CI=true.
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest
from ci_apps import Act, act_mounts, ci_tool, init_ci_app, open_pulls, pull_diff

from apps import git, registry_digest, registry_tags
from conftest import Forge, GitopsRepo
from slipway.engine.settings import EngineSettings

pytestmark = [pytest.mark.engine, pytest.mark.timeout(1800)]


@pytest.fixture(scope="session")
def act(engine_settings: EngineSettings) -> Path:
    return ci_tool(engine_settings, "act")


def make_act(
    tool: Path, settings: EngineSettings, forge: Forge, repo: GitopsRepo, tmp_path: Path
) -> tuple[Act, str]:
    """The checkout with the workflows `slipway init --ci github` writes, and act's inputs."""
    app, repo_path = init_ci_app(tmp_path, "github", settings, forge)
    tool_images, mounts = act_mounts(settings, tmp_path)
    secrets = {"GITOPS_TOKEN": forge.token, "REGISTRY_PASSWORD": f"unused-{uuid.uuid4().hex}"}
    variables = {
        "GITOPS_REPO": repo.url,
        "SLIPWAY_TOOL_IMAGES": str(tool_images),
        "SLIPWAY_FORGE_SERVICE": f"tcp://{forge.url.split('//')[1]}",  # act's job network is the host's
    }
    return Act(tool, app, tmp_path, secrets, variables, mounts), repo_path


def assert_no_secret(act: Act, output: str) -> None:
    for secret in act.secrets.values():
        assert secret not in output


def test_github_workflows_build_on_push_then_dispatched_prod(
    act: Path,
    module_loaded: str,
    engine_settings: EngineSettings,
    forge: Forge,
    gitops_repo: GitopsRepo,
    tmp_path: Path,
) -> None:
    runner, repo_path = make_act(act, engine_settings, forge, gitops_repo, tmp_path)
    sha = git(runner.app, "rev-parse", "HEAD")
    # The push event's payload: the workflow labels the image with the head commit's time.
    event = tmp_path / "push.json"
    created = git(runner.app, "log", "-1", "--format=%cI")
    event.write_text(json.dumps({"ref": "refs/heads/main", "head_commit": {"id": sha, "timestamp": created}}))

    # A push runs every workflow triggered by it: build, not the dispatch-only prod promotion.
    run = runner.run("push", "-e", str(event))
    out = run.stdout + run.stderr
    assert run.returncode == 0, out[-6000:]
    assert "[build/build-and-propose] 🏁  Job succeeded" in out, out[-3000:]
    assert "promote-prod/" not in out
    assert_no_secret(runner, out)

    assert registry_tags(repo_path) == [sha]
    digest = registry_digest(repo_path, sha)
    pulls = open_pulls(forge, gitops_repo)
    dev = [b for b in pulls if b.startswith(f"release/web-api/dev/{sha}-")]
    assert len(dev) == 1, pulls
    assert not [b for b in pulls if b.startswith("release/web-api/prod/")], "prod ran without a dispatch"
    assert digest in pull_diff(forge, gitops_repo, pulls[dev[0]])

    # workflow_dispatch with the image tag, as a human would start it: the prod PR.
    prod = runner.run("workflow_dispatch", "-W", ".github/workflows/promote-prod.yaml", "--input",
                      f"image_tag={sha}")  # fmt: skip
    out = prod.stdout + prod.stderr
    assert prod.returncode == 0, out[-6000:]
    assert "[promote-prod/promote] 🏁  Job succeeded" in out, out[-3000:]
    assert_no_secret(runner, out)
    pulls = open_pulls(forge, gitops_repo)
    prod_prs = [b for b in pulls if b.startswith(f"release/web-api/prod/{sha}-")]
    assert len(prod_prs) == 1 and dev[0] in pulls, pulls
    files = pull_diff(forge, gitops_repo, pulls[prod_prs[0]])
    assert digest in files and sha in files, files
