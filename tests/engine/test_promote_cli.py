"""Promotion failures as a user sees them: `slipway` as typed, one `error:` line, exit 2 or 1.

Each case needs the real Gitea or registry to be found out; none of them pushes anything.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import Forge, GitopsRepo, app_source

pytestmark = pytest.mark.engine

IMAGE = "localhost:5000/slipway-examples/web-api:" + "a" * 40


def _run(forge: Forge, args: list[str]) -> tuple[int, str]:
    env = {**os.environ, forge.token_env: forge.token}
    proc = subprocess.run([sys.executable, "-m", "slipway.cli.app", *args], capture_output=True, text=True,
                          env=env, check=False, timeout=600)  # fmt: skip
    assert "Traceback" not in proc.stderr and forge.token not in proc.stderr + proc.stdout
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), proc.stderr
    return proc.returncode, lines[0]


def test_each_failure_is_one_line(forge: Forge, gitops_repo: GitopsRepo, tmp_path: Path) -> None:
    source = str(app_source(tmp_path))
    repo = ["--repo", gitops_repo.url, "--token", f"env:{forge.token_env}"]
    checkout = gitops_repo.checkout
    refs_before = forge.git(checkout, "ls-remote", "origin")
    cases = [
        (["run", "promote", "--source", source, "--env", "dev", "--image", IMAGE, "--base", "nope"],
         2, "branch 'nope' does not exist in"),
        (["run", "promote", "--app", "web-api", "--env", "staging", "--from", "qa"],
         2, "no values file apps/web-api/overlays/qa/values.yaml"),
        (["run", "promote", "--source", source, "--env", "prod", "--image",
          f"evil.example.com/attacker/img:{'a' * 40}@sha256:{'ab' * 32}"],
         2, "its repository is localhost:5000/slipway-examples/web-api, not evil.example.com/attacker/img"),
        (["run", "promote", "--source", source, "--env", "prod", "--image", f"{IMAGE}@sha256:{'ab' * 32}"],
         2, "does not exist in its registry"),
        (["run", "rollback", "--source", source, "--env", "dev"],
         2, "no promotion of 'web-api' to 'dev' left to roll back"),
    ]  # fmt: skip
    for args, code, fragment in cases:
        rc, line = _run(forge, [*args, *repo])
        assert (rc, fragment in line) == (code, True), (args, line)
    wrong = ["--repo", gitops_repo.url, "--token", "env:WRONG_TOKEN"]
    os.environ["WRONG_TOKEN"] = "not-the-token"
    rc, line = _run(forge, ["run", "promote", "--source", source, "--env", "dev", "--image", IMAGE, *wrong])
    assert rc == 1 and "the forge refused the token" in line
    assert forge.git(checkout, "ls-remote", "origin") == refs_before, "a failing case pushed something"


def test_a_values_directory_symlinked_outside_the_repository_is_refused(
    forge: Forge, gitops_repo: GitopsRepo, tmp_path: Path
) -> None:
    """dev's overlay is a symlink to /etc: promote, promote --from and rollback refuse it, pushing nothing."""
    checkout = gitops_repo.checkout
    dev = checkout / "apps" / "web-api" / "overlays" / "dev"
    for child in dev.iterdir():
        child.unlink()
    dev.rmdir()
    dev.symlink_to("/etc")
    forge.git(checkout, "add", "-A")
    forge.git(checkout, "commit", "-qm", "dev's overlay is a symlink out of the repository")
    forge.git(checkout, "push", "-q", "origin", "main")
    refs_before = forge.git(checkout, "ls-remote", "origin")
    repo = [
        "--source",
        str(app_source(tmp_path)),
        "--repo",
        gitops_repo.url,
        "--token",
        f"env:{forge.token_env}",
    ]
    refusal = (
        f"apps/web-api/overlays/dev/values.yaml in {gitops_repo.url} is a symbolic link or lies under one "
        "(it resolves to /etc/values.yaml, outside the repository)"
    )
    for args in (
        ["run", "promote", "--env", "dev", "--image", IMAGE],
        ["run", "promote", "--env", "staging", "--from", "dev"],
        ["run", "rollback", "--env", "dev"],
    ):
        rc, line = _run(forge, [*args, *repo])
        assert (rc, refusal in line) == (2, True), (args, line)
    assert forge.git(checkout, "ls-remote", "origin") == refs_before, "a refused promotion pushed something"
