"""A monorepo's apps built in one graph and proposed in one PR, through the CLI with `--source 'apps/*'`.

Against the real engine, registry and Gitea: web-api and web-ui live under one checkout's `apps/`;
dev is unprotected, so the group goes through one pull request moving both published digests.
The group promotion shares the build's graph: its clone runs while the apps build.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from apps import EXAMPLES, REGISTRY, git, registry_digest
from conftest import Forge, GitopsRepo
from slipway.gitops.values_edit import read_value

pytestmark = [pytest.mark.engine, pytest.mark.timeout(1800)]

APPS = ("web-api", "web-ui")
PATH = "apps/{app}/overlays/dev/values.yaml"


def _monorepo(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """One git checkout holding both example apps under `apps/`, each publishing to its own test repository."""
    root = tmp_path / "mono"
    repos = {}
    for app in APPS:
        shutil.copytree(EXAMPLES / app, root / "apps" / app)
        repos[app] = f"slipway-test/{app}-{uuid.uuid4().hex[:10]}"
        cfg = root / "apps" / app / "slipway.yaml"
        cfg.write_text(
            cfg.read_text().replace(f"localhost:5000/slipway-examples/{app}", f"{REGISTRY}/{repos[app]}")
        )
    (root / "README.md").write_text("two apps\n")
    git(root, "init", "-q", "-b", "main")
    git(root, "-c", "user.name=t", "-c", "user.email=t@example.com", "add", "-A")
    git(root, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", "monorepo")
    return root, repos


async def test_every_app_of_the_monorepo_is_built_in_one_graph_and_proposed_in_one_pr(
    engine: object, forge: Forge, gitops_repo: GitopsRepo, tmp_path: Path
) -> None:
    root, repos = _monorepo(tmp_path)
    sha = git(root, "rev-parse", "HEAD")
    argv = [sys.executable, "-m", "slipway.cli.app", "run", "build-and-propose", "--source", "apps/*",
            "--repo", gitops_repo.url, "--token", f"env:{forge.token_env}"]  # fmt: skip
    env = {**os.environ, forge.token_env: forge.token}
    proc = subprocess.run(argv, cwd=root, capture_output=True, text=True, env=env, check=False, timeout=1700)
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr and forge.token not in proc.stderr + proc.stdout
    for app in APPS:  # progress shows each app's own steps
        for step in ("test", "build", "scan", "validate", "publish"):
            assert f"{app}:{step}" in proc.stderr, (app, step)
    # one graph: the GitOps clone starts while the apps build, the push after every publish passed
    err = proc.stderr
    assert err.index("...  clone") < min(err.index(f"ok   {app}:publish") for app in APPS), err
    assert max(err.index(f"ok   {app}:publish") for app in APPS) < err.index("...  push"), err

    digests = {app: registry_digest(repos[app], sha) for app in APPS}
    images = {app: f"{REGISTRY}/{repos[app]}:{sha}@{digests[app]}" for app in APPS}
    for app in APPS:
        assert f"Image: {app}: {images[app]}" in proc.stdout

    with forge.api() as api:
        prs = api.get(f"/repos/slipway/{gitops_repo.name}/pulls", params={"state": "open"}).json()
    [pr] = prs
    branch = pr["head"]["ref"]
    assert branch.startswith("release/web-api+web-ui/dev/") and f"PR: {pr['html_url']}" in proc.stdout
    assert pr["title"] == "Promote 2 apps to dev (web-api+web-ui)"
    for app in APPS:
        section = pr["body"].split(f"## {app}\n")[1].split("\n## ")[0]
        assert f"- Image: `{images[app]}`" in section and f"- Digest: `{digests[app]}`" in section
        assert "- Scan (trivy): " in section and "- Validation: kubeconform -strict: " in section
        assert "- Tests: `" in section and "passed" in section

    checkout = gitops_repo.checkout
    forge.git(checkout, "fetch", "-q", "origin", f"{branch}:refs/remotes/origin/{branch}")
    commits = forge.git(checkout, "rev-list", f"origin/main..origin/{branch}").split()
    assert len(commits) == 1, "one commit moves both apps"
    changed = forge.git(checkout, "show", "--name-only", "--format=", commits[0]).split()
    assert sorted(changed) == sorted(PATH.format(app=app) for app in APPS)
    for app in APPS:
        text = forge.git(checkout, "show", f"origin/{branch}:{PATH.format(app=app)}")
        assert (read_value(text, "image.tag"), read_value(text, "image.digest")) == (sha, digests[app])
