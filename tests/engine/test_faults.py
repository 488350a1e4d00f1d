"""Faults in the middle of a build or a promotion, made with services the test controls.

Each fault gives one clear error and no half promotion (a branch pushed without its pull
request is deleted, or the rerun completes it), and the same command run again converges to
exactly one commit and one pull request (or one published tag).
"""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import httpx
import pytest
from forge_proxy import forge_proxy

from apps import make_app, registry_tags
from conftest import GITEA_SH, Forge, GitopsRepo, app_source
from slipway.errors import StageError
from slipway.gitops.forges import gitea as gitea_forge
from slipway.host import BuildOptions, GitopsOptions, PromoteOptions, run_build, run_promote
from slipway.runner import StepRecord

pytestmark = pytest.mark.engine

IMAGE = "localhost:5000/slipway-examples/web-api:" + "f" * 40


def _registry(engine_name: str, up: bool) -> None:
    if up:
        subprocess.run(["docker", "exec", "-d", engine_name, "sh", "-c",
                        "docker-registry serve /etc/dagger/registry.yml >>/var/log/registry.log 2>&1"],
                       check=True)  # fmt: skip
        for _ in range(60):
            try:
                if httpx.get("http://127.0.0.1:5000/v2/", timeout=2).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.5)
        raise AssertionError("the registry did not come back")
    subprocess.run(["docker", "exec", engine_name, "pkill", "-f", "docker-registry serve"], check=True)


def _open_pulls(forge: Forge, repo: GitopsRepo) -> list[dict]:
    with forge.api() as api:
        return api.get(f"/repos/slipway/{repo.name}/pulls", params={"state": "open"}).json()


def _branches(forge: Forge, repo: GitopsRepo) -> dict[str, str]:
    out = forge.git(repo.checkout, "ls-remote", "--heads", "origin")
    return {line.split("refs/heads/")[1]: line.split()[0] for line in out.splitlines()}


def _converged(forge: Forge, repo: GitopsRepo, branch: str) -> None:
    """Exactly one open PR, from `branch`, whose branch holds exactly one commit over main."""
    pulls = _open_pulls(forge, repo)
    assert [p["head"]["ref"] for p in pulls] == [branch]
    forge.git(repo.checkout, "fetch", "-q", "origin", f"+{branch}:refs/remotes/origin/{branch}")
    forge.git(repo.checkout, "fetch", "-q", "origin")
    count = forge.git(repo.checkout, "rev-list", "--count", f"origin/main..origin/{branch}").strip()
    assert count == "1"


@pytest.mark.disruptive  # stops a shared service: not while other tests run
async def test_registry_stops_during_publish(engine, tmp_path: Path) -> None:
    app, repo_path = make_app(tmp_path, "web-api")

    def stop_at_publish(rec: StepRecord) -> None:
        if rec.name == "publish" and rec.status == "running":
            _registry(engine.engine_name, up=False)

    try:
        _, outcome = await run_build(BuildOptions(app), stop_at_publish)
    finally:
        _registry(engine.engine_name, up=True)
    assert not outcome.ok
    (failed,) = outcome.failures
    assert failed.name == "publish" and failed.message.startswith("publish: could not push ")
    assert "\n" not in failed.message
    assert registry_tags(repo_path) == []

    _, again = await run_build(BuildOptions(app))
    assert again.ok
    assert registry_tags(repo_path) == [again.steps["publish"].evidence.tag]


@pytest.mark.disruptive  # stops a shared service: not while other tests run
async def test_gitea_stops_between_push_and_pr(
    engine, forge: Forge, gitops_repo: GitopsRepo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    original = gitea_forge.Gitea.open

    async def stop_then_open(self, *args, **kwargs):
        subprocess.run(["bash", str(GITEA_SH), "down"], check=True, capture_output=True)
        return await original(self, *args, **kwargs)

    monkeypatch.setattr(gitea_forge.Gitea, "open", stop_then_open)
    options = PromoteOptions(GitopsOptions(gitops_repo.url, forge.token), "dev", source=app_source(tmp_path),
                             image=IMAGE)  # fmt: skip
    try:
        with pytest.raises(StageError) as info:
            await run_promote(options)
    finally:
        subprocess.run(["bash", str(GITEA_SH), "up"], check=True, capture_output=True)
    message = str(info.value)
    assert message.startswith("promote: could not open a pull request: forge failed 3 times")
    assert "could not be deleted: rerun to open its pull request" in message and "\n" not in message
    assert forge.token not in message

    monkeypatch.setattr(gitea_forge.Gitea, "open", original)
    again = await run_promote(options)
    assert again.status == "proposed" and again.commit == "", "the rerun reuses the pushed branch"
    _converged(forge, gitops_repo, again.branch)


async def test_gitea_5xx_before_the_push_pushes_nothing(
    engine, forge: Forge, gitops_repo: GitopsRepo, tmp_path: Path
) -> None:
    with forge_proxy(forge.url) as proxy:
        proxy.fail = lambda method, path: path.startswith("/api/")
        url = gitops_repo.url.replace(forge.url, proxy.url)
        options = PromoteOptions(
            GitopsOptions(url, forge.token), "dev", source=app_source(tmp_path), image=IMAGE
        )
        before = _branches(forge, gitops_repo)
        with pytest.raises(StageError, match=r"^promote: could not list pull requests: forge failed 3 times, "
                                             r"last HTTP 502 \(retry later\)$"):  # fmt: skip
            await run_promote(options)
        assert len(proxy.failed) == 3
        assert _branches(forge, gitops_repo) == before, "nothing may be pushed when the forge fails"

        proxy.fail = lambda method, path: False
        again = await run_promote(options)
    _converged(forge, gitops_repo, again.branch)


async def test_gitea_5xx_on_opening_the_pr_deletes_the_pushed_branch(
    engine, forge: Forge, gitops_repo: GitopsRepo, tmp_path: Path
) -> None:
    with forge_proxy(forge.url) as proxy:
        proxy.fail = lambda method, path: method == "POST" and path.endswith("/pulls")
        url = gitops_repo.url.replace(forge.url, proxy.url)
        options = PromoteOptions(
            GitopsOptions(url, forge.token), "dev", source=app_source(tmp_path), image=IMAGE
        )
        before = _branches(forge, gitops_repo)
        with pytest.raises(StageError, match=r"forge failed 3 times, last HTTP 502.*was deleted again$"):
            await run_promote(options)
        assert _branches(forge, gitops_repo) == before, "the pushed branch must be gone"
        assert _open_pulls(forge, gitops_repo) == []

        proxy.fail = lambda method, path: False
        again = await run_promote(options)
    assert again.status == "proposed" and again.commit
    _converged(forge, gitops_repo, again.branch)
