"""Apps with the CI files `slipway init` writes, for running them with a local CI runner."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from apps import git, make_app
from conftest import ROOT, Forge, GitopsRepo
from slipway.engine.settings import EngineSettings


def ci_tool(settings: EngineSettings, name: str) -> Path:
    """A runner `make engine` installs (tool-binaries.sh); missing: skip locally, FAIL under CI=true."""
    tool = settings.cache_dir / "tools" / "bin" / name
    if not tool.is_file():
        message = f"{tool} is missing (run `make engine`: tool-binaries.sh installs it)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return tool


def init_ci_app(tmp_path: Path, ci: str, settings: EngineSettings, forge: Forge) -> tuple[Path, str]:
    """A copy of web-api (a git checkout, committed) with the CI files `slipway init --ci <ci>` writes.

    Returns the checkout and its image repository path. The module the CI files call is this
    checkout; the remote (never pushed to) names a repository on the forge, as CI systems expect.
    """
    app, repo_path = make_app(tmp_path, "web-api")
    # init in a directory named like the test's image repository, so @@REPOSITORY@@ is that one.
    owner, name = repo_path.rsplit("/", 1)
    scratch = tmp_path / "init" / name
    scratch.mkdir(parents=True)
    shutil.copy(app / "go.mod", scratch / "go.mod")
    # This checkout's templates, whichever slipway the venv has installed.
    pythonpath = os.pathsep.join([str(ROOT / "src"), os.environ.get("PYTHONPATH", "")])
    init = subprocess.run(
        [sys.executable, "-m", "slipway.cli.app", "init", "--ci", ci,
         "--registry", f"{settings.registry}/{owner}", "--module", str(ROOT)],
        cwd=scratch, capture_output=True, text=True, check=False, env={**os.environ, "PYTHONPATH": pythonpath},
    )  # fmt: skip
    assert init.returncode == 0, init.stderr
    (scratch / "slipway.yaml").unlink()  # the app keeps its own
    shutil.copytree(scratch, app, dirs_exist_ok=True, ignore=shutil.ignore_patterns("go.mod"))
    git(app, "add", "-A")
    git(app, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", "CI")
    git(app, "remote", "add", "origin", f"{forge.url}/slipway/{name}.git")
    return app, repo_path


def open_pulls(forge: Forge, repo: GitopsRepo) -> dict[str, str]:
    """Head branch -> PR URL of the GitOps repository's open pull requests."""
    with forge.api() as api:
        resp = api.get(f"/repos/slipway/{repo.name}/pulls", params={"state": "open", "limit": 50})
        resp.raise_for_status()
        return {pr["head"]["ref"]: pr["html_url"] for pr in resp.json()}


def pull_diff(forge: Forge, repo: GitopsRepo, url: str) -> str:
    """The diff of the pull request at `url`."""
    number = url.rstrip("/").rsplit("/", 1)[1]
    with forge.api() as api:
        resp = api.get(f"/repos/slipway/{repo.name}/pulls/{number}.diff")
        resp.raise_for_status()
        return resp.text
