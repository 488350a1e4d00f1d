"""Apps with the CI files `slipway init` writes, for running them with a local CI runner."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from apps import git, make_app
from conftest import ROOT, Forge, GitopsRepo
from slipway.engine.settings import EngineSettings


def ci_tool(settings: EngineSettings, name: str) -> Path:
    """A runner `make tools` installs (tool-binaries.sh); missing: skip locally, FAIL under CI=true."""
    tool = settings.cache_dir / "tools" / "bin" / name
    if not tool.is_file():
        message = f"{tool} is missing (run `make tools`: tool-binaries.sh installs it)"
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


RUNNER_IMAGE = "slipway/debian:bookworm"  # base-image.sh: act's ubuntu-latest


@dataclass(frozen=True)
class Act:
    """A checkout with its generated workflows, and how act runs them here."""

    tool: Path
    app: Path
    work: Path
    secrets: dict[str, str]
    variables: dict[str, str]
    mounts: dict[Path, Path]  # host path -> path in the job container (read-only)

    def run(self, event: str, *args: str) -> subprocess.CompletedProcess[str]:
        """`act <event> ...` in the checkout; its log as it prints it."""
        options = " ".join(f"-v {src}:{dst}:ro" for src, dst in self.mounts.items())
        argv = [str(self.tool), event, *args, "-P", f"ubuntu-latest={RUNNER_IMAGE}", "--pull=false",
                "--action-cache-path", str(self.work / "act-cache"), "--no-cache-server",
                "--container-options", options]  # fmt: skip
        for name in self.secrets:
            argv += ["-s", name]  # the value comes from act's environment
        for key, value in self.variables.items():
            argv += ["--var", f"{key}={value}"]
        # What points the runner's `dagger` at this engine (a self-hosted runner's environment).
        for key, value in EngineSettings.from_env().client_env().items():
            if key != "_EXPERIMENTAL_DAGGER_CLI_BIN":
                argv += ["--env", f"{key}={value}"]
        return subprocess.run(argv, cwd=self.app, env={**os.environ, **self.secrets}, capture_output=True,
                              text=True, check=False, timeout=1500)  # fmt: skip


def act_mounts(settings: EngineSettings, work: Path) -> tuple[Path, dict[Path, Path]]:
    """A snapshot of the tool-image table in `work`, and what act's job container mounts read-only.

    The module checkout (and, for a git worktree, the repository it belongs to) and the table at
    their own paths; the `dagger` and `docker` CLIs where the runner's PATH finds them.
    """
    docker = shutil.which("docker")
    assert docker, "act needs the docker CLI"
    # A copy: the job container's bind mount pins the file it sees.
    tool_images = work / "tool-images.json"
    shutil.copy(settings.cache_dir / "tool-images.json", tool_images)
    common = Path(git(ROOT, "rev-parse", "--path-format=absolute", "--git-common-dir"))
    mounts = {ROOT: ROOT, common: common, tool_images: tool_images,
              settings.cli_bin: Path("/usr/local/bin/dagger"),
              Path(docker).resolve(): Path("/usr/local/bin/docker")}  # fmt: skip
    return tool_images, mounts
