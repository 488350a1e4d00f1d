"""The `.gitlab-ci.yml` that `slipway init` writes, run by gitlab-ci-local (shell executor).

The jobs run on this machine as a GitLab shell runner would: the `dagger` CLI `make engine`
builds is first on PATH and reaches this engine, the module options point at the local tool
images and Gitea, and the tokens are CI variables from a variables file (never on a command
line). The module is this checkout (`slipway init --module`). gitlab-ci-local comes from
`make tools` (tool-binaries.sh); without it: skip locally, FAIL under CI=true.
"""

from __future__ import annotations

import os
import re
import subprocess
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from ci_apps import ci_tool, init_ci_app, open_pulls, pull_diff

from apps import git, registry_digest, registry_tags
from conftest import Forge, GitopsRepo
from slipway.engine.settings import EngineSettings

pytestmark = [pytest.mark.engine, pytest.mark.timeout(1800)]


@pytest.fixture(scope="session")
def gitlab_ci_local(engine_settings: EngineSettings) -> Path:
    return ci_tool(engine_settings, "gitlab-ci-local")


@dataclass(frozen=True)
class Pipeline:
    """A checkout with its generated .gitlab-ci.yml, and how gitlab-ci-local runs it here."""

    tool: Path
    app: Path
    state: Path
    variables_file: Path
    variables: dict[str, str]
    env: dict[str, str]

    def run(self, *jobs: str) -> subprocess.CompletedProcess[str]:
        """The whole pipeline (no `jobs`), or the named jobs; output as the job log shows it."""
        argv = [str(self.tool), *jobs, "--force-shell-executor", "--no-color",
                # Both paths are relative to the checkout (gitlab-ci-local's rule); outside it, so
                # its state and the token file never become part of the module's --source=.
                "--state-dir", os.path.relpath(self.state, self.app),
                "--variables-file", os.path.relpath(self.variables_file, self.app),
                "--home", str(self.state.parent / "gcl-home")]  # fmt: skip
        for key, value in self.variables.items():
            argv += ["--variable", f"{key}={value}"]
        return subprocess.run(argv, cwd=self.app, env=self.env, capture_output=True, text=True,
                              check=False, timeout=1500)  # fmt: skip


def make_pipeline(
    tool: Path, settings: EngineSettings, forge: Forge, repo: GitopsRepo, tmp_path: Path
) -> tuple[Pipeline, str]:
    """The checkout with the .gitlab-ci.yml `slipway init --ci gitlab` writes, and its CI variables."""
    app, repo_path = init_ci_app(tmp_path, "gitlab", settings, forge)
    assert f"{settings.registry}/{repo_path}:$CI_COMMIT_SHA" in (app / ".gitlab-ci.yml").read_text()

    state = tmp_path / "gcl-state"
    variables_file = tmp_path / "ci-variables.yml"
    variables_file.touch(mode=0o600)
    secrets = {"GITOPS_TOKEN": forge.token, "REGISTRY_PASSWORD": f"unused-{uuid.uuid4().hex}"}
    variables_file.write_text(yaml.safe_dump(secrets))
    variables = {
        "DAGGER_DIND_IMAGE": "",  # a shell runner: its own engine, no Docker-in-Docker
        "SLIPWAY_TOOL_IMAGES": str(settings.cache_dir / "tool-images.json"),
        "SLIPWAY_FORGE_SERVICE": f"tcp://{forge.url.split('//')[1]}",
        "GITOPS_REPO": repo.url,
        "CI_REGISTRY_USER": "slipway",
    }
    env = {k: v for k, v in os.environ.items() if k != forge.token_env}
    env.update(settings.client_env())
    env["PATH"] = f"{settings.cli_bin.parent}{os.pathsep}{env.get('PATH', '')}"
    return Pipeline(tool, app, state, variables_file, variables, env), repo_path


def assert_no_secret(pipeline: Pipeline, output: str) -> None:
    secrets = yaml.safe_load(pipeline.variables_file.read_text()).values()
    logs = "".join(p.read_text(errors="replace") for p in pipeline.state.rglob("*.log"))
    for secret in secrets:
        assert secret not in output and secret not in logs


def test_gitlab_ci_build_and_propose_then_manual_prod(
    gitlab_ci_local: Path,
    module_loaded: str,
    engine_settings: EngineSettings,
    forge: Forge,
    gitops_repo: GitopsRepo,
    tmp_path: Path,
) -> None:
    pipeline, repo_path = make_pipeline(gitlab_ci_local, engine_settings, forge, gitops_repo, tmp_path)
    sha = git(pipeline.app, "rev-parse", "HEAD")

    # The whole pipeline: build-and-propose runs; the manual prod job waits for a human.
    run = pipeline.run()
    out = run.stdout + run.stderr
    assert run.returncode == 0, out[-6000:]
    assert re.search(r"PASS\s+build-and-propose", out), out[-3000:]
    assert "promote-prod starting" not in out
    assert not (pipeline.state / "output" / "promote-prod.log").exists()
    assert_no_secret(pipeline, out)

    assert registry_tags(repo_path) == [sha]
    digest = registry_digest(repo_path, sha)
    pulls = open_pulls(forge, gitops_repo)
    dev = [b for b in pulls if b.startswith(f"release/web-api/dev/{sha}-")]
    assert len(dev) == 1, pulls
    assert not [b for b in pulls if b.startswith("release/web-api/prod/")], "prod ran without a trigger"
    # The job log ends with the result (as-json): the image with its digest and the PR.
    assert f"{engine_settings.registry}/{repo_path}:{sha}@{digest}" in out
    assert f'"pr_url": "{pulls[dev[0]]}"' in out

    # A human triggers the manual job: it opens the prod PR for the same commit's image.
    prod = pipeline.run("promote-prod")
    out = prod.stdout + prod.stderr
    assert prod.returncode == 0, out[-6000:]
    assert re.search(r"PASS\s+promote-prod", out), out[-3000:]
    assert_no_secret(pipeline, out)
    pulls = open_pulls(forge, gitops_repo)
    prod_prs = [b for b in pulls if b.startswith(f"release/web-api/prod/{sha}-")]
    assert len(prod_prs) == 1 and dev[0] in pulls, pulls
    assert f'"pr_url": "{pulls[prod_prs[0]]}"' in out
    files = pull_diff(forge, gitops_repo, pulls[prod_prs[0]])
    assert digest in files and sha in files, files
