"""Several apps promoted together through the CLI: one commit, one PR, one rollback; none when one is refused.

Against the real Gitea and registry: dev runs two published images (web-api, web-ui); staging is
protected (no slipway.yaml is given), so the group goes through one pull request with pinned digests.
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from conftest import Forge, GitopsRepo
from slipway.engine.settings import EngineSettings
from slipway.gitops.values_edit import read_value
from slipway.refs import ImageRef, parse_ref

pytestmark = pytest.mark.engine

APPS = ("web-api", "web-ui")
PATH = "apps/{app}/overlays/{env}/values.yaml"


def _slipway(forge: Forge, repo: GitopsRepo, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, forge.token_env: forge.token}
    argv = [sys.executable, "-m", "slipway.cli.app", "run", *args,
            "--repo", repo.url, "--token", f"env:{forge.token_env}"]  # fmt: skip
    proc = subprocess.run(argv, capture_output=True, text=True, env=env, check=False, timeout=600)
    assert "Traceback" not in proc.stderr and forge.token not in proc.stderr + proc.stdout
    return proc


def _error_line(proc: subprocess.CompletedProcess[str]) -> str:
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), proc.stderr
    return lines[0]


async def _publish(app: str) -> ImageRef:
    from dagger import dag

    tag = uuid.uuid4().hex + uuid.uuid4().hex[:8]
    ctr = dag.container().from_("localhost:5000/library/debian:bookworm").with_new_file("/id", f"{app}-{tag}")
    return parse_ref(await ctr.publish(f"localhost:5000/slipway-examples/{app}:{tag}"))


def _set_dev(forge: Forge, repo: GitopsRepo, images: dict[str, tuple[str, str]]) -> None:
    """Point dev's file of each app at (tag, digest) and push it to main, as an earlier promotion would."""
    checkout = repo.pull(forge)
    for app, (tag, digest) in images.items():
        path = checkout / PATH.format(app=app, env="dev")
        text = path.read_text().replace("0" * 40, tag, 1)
        path.write_text(text.replace('digest: ""', f'digest: "{digest}"', 1) if digest else text)
    forge.git(checkout, "commit", "-qam", "dev runs new builds")
    forge.git(checkout, "push", "-q", "origin", "main")


def _show(checkout: Path, ref: str, path: str) -> bytes:
    return subprocess.run(["git", "show", f"{ref}:{path}"], cwd=checkout, capture_output=True,
                          check=True).stdout  # fmt: skip


async def test_two_apps_move_in_one_pr_and_roll_back_as_one_revert(
    engine: EngineSettings, forge: Forge, gitops_repo: GitopsRepo
) -> None:
    images = {app: await _publish(app) for app in APPS}
    _set_dev(forge, gitops_repo, {app: (img.tag, img.digest) for app, img in images.items()})
    checkout = gitops_repo.checkout
    staging = {app: PATH.format(app=app, env="staging") for app in APPS}
    before = {app: (checkout / staging[app]).read_bytes() for app in APPS}

    proc = _slipway(forge, gitops_repo, "promote", "--env", "staging", "--from", "dev",
                    "--app", "web-api", "--app", "web-ui")  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    with forge.api() as api:
        prs = api.get(f"/repos/slipway/{gitops_repo.name}/pulls", params={"state": "open"}).json()
    [pr] = prs
    branch = pr["head"]["ref"]
    assert branch.startswith("release/web-api+web-ui/staging/") and f"PR: {pr['html_url']}" in proc.stdout
    for app, img in images.items():
        section = pr["body"].split(f"## {app}\n")[1].split("\n## ")[0]
        assert f"`{img}`" in section and f"- Digest: `{img.digest}`" in section
        assert f'+  tag: "{img.tag}"' in section or f"+  tag: '{img.tag}'" in section

    forge.git(checkout, "fetch", "-q", "origin", f"{branch}:refs/remotes/origin/{branch}")
    commits = forge.git(checkout, "rev-list", f"origin/main..origin/{branch}").split()
    assert len(commits) == 1, "one commit moves both apps"
    changed = forge.git(checkout, "show", "--name-only", "--format=", commits[0]).split()
    assert sorted(changed) == sorted(staging.values())
    message = forge.git(checkout, "log", "-1", "--format=%B", commits[0])
    for app, img in images.items():
        assert f"Slipway-App: {app}\nSlipway-Image: {img}\nSlipway-Digest: {img.digest}" in message
        text = _show(checkout, f"origin/{branch}", staging[app]).decode()
        assert (read_value(text, "image.tag"), read_value(text, "image.digest")) == (img.tag, img.digest)

    # The reviewer merges (fast-forward, with host git, as the merge would).
    forge.git(checkout, "merge", "-q", "--ff-only", f"origin/{branch}")
    forge.git(checkout, "push", "-q", "origin", "main")

    alone = _slipway(forge, gitops_repo, "rollback", "--env", "staging", "--app", "web-api")
    assert alone.returncode == 2
    assert "promoted web-api, web-ui to 'staging' together" in _error_line(alone)
    assert "pass --app web-api --app web-ui" in _error_line(alone)

    rolled = _slipway(
        forge, gitops_repo, "rollback", "--env", "staging", "--app", "web-ui", "--app", "web-api"
    )
    assert rolled.returncode == 0, rolled.stderr
    rollback = f"rollback/web-api+web-ui/staging/{commits[0][:12]}"
    forge.git(checkout, "fetch", "-q", "origin", f"{rollback}:refs/remotes/origin/{rollback}")
    reverts = forge.git(checkout, "rev-list", f"origin/main..origin/{rollback}").split()
    assert len(reverts) == 1, "one revert rolls the group back"
    revert_message = forge.git(checkout, "log", "-1", "--format=%B", reverts[0])
    assert revert_message.startswith("Roll back web-api, web-ui in staging") and commits[0] in revert_message
    for app in APPS:
        assert _show(checkout, f"origin/{rollback}", staging[app]) == before[app]

    history = subprocess.run(
        [sys.executable, "-m", "slipway.cli.app", "history", "--env", "staging", "--app", "web-ui",
         "--repo", gitops_repo.url, "--token", f"env:{forge.token_env}"],
        capture_output=True, text=True, check=False, timeout=600,
    )  # fmt: skip
    assert history.returncode == 0, history.stderr
    [row] = history.stdout.splitlines()
    assert row.split()[1] == commits[0][:12] and "with web-api, web-ui" in row


async def test_one_refused_app_stops_the_whole_group_and_nothing_is_pushed(
    engine: EngineSettings, forge: Forge, gitops_repo: GitopsRepo
) -> None:
    api = await _publish("web-api")
    both, every = ("--app", "web-api", "--app", "web-ui"), ("--all",)  # --all finds both in the repo
    cases = [
        ("v1", both, "web-ui: refusing 'localhost:5000/slipway-examples/web-ui:v1'", "the tag is mutable"),
        ("e" * 40, every, "web-ui: ", "does not exist in its registry"),
    ]
    for tag, apps, who, why in cases:
        _set_dev(forge, gitops_repo, {"web-api": (api.tag, api.digest), "web-ui": (tag, "")})
        refs_before = forge.git(gitops_repo.checkout, "ls-remote", "origin")
        proc = _slipway(forge, gitops_repo, "promote", "--env", "staging", "--from", "dev", *apps)
        line = _error_line(proc)
        assert proc.returncode == 2 and line.startswith("error: promote: nothing promoted, "), line
        assert who in line and why in line and "web-api:" not in line, line
        assert forge.git(gitops_repo.checkout, "ls-remote", "origin") == refs_before, "something was pushed"
        with forge.api() as api_client:
            assert api_client.get(f"/repos/slipway/{gitops_repo.name}/pulls").json() == []
        forge.git(gitops_repo.checkout, "checkout", "-q", "--", ".")
        forge.git(gitops_repo.checkout, "reset", "-q", "--hard", "HEAD~1")
        forge.git(gitops_repo.checkout, "push", "-q", "--force", "origin", "main")
