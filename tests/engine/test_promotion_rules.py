"""The promotion rules under hostile and careless use, against the real Gitea and registry.

Each test reproduces a finding of the security review: a payload that used to push a branch,
a dev PR turning into a prod change, foreign or unknown images in prod, a rollback reverting
another environment's change, and piles of open PRs for one app and environment.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import Forge, GitopsRepo, app_source
from slipway.errors import ConfigError
from slipway.gitops.repo import Change, GitRemote, clone, push_commit
from slipway.host import GitopsOptions, PromoteOptions, git_remote, run_promote, run_rollback
from slipway.refs import ImageRef

pytestmark = pytest.mark.engine

REPO = "localhost:5000/slipway-examples/web-api"
SHA_A = "a" * 40
SHA_B = "b" * 40
VALUES = "apps/web-api/overlays/{env}/values.yaml"
PAYLOADS = {
    "subshell": "$(git push -q origin HEAD:pwned-subshell >&2)",
    "backticks": "`git push -q origin HEAD:pwned-backticks`",
    "semicolon": "x; git push -q origin HEAD:pwned-semicolon",
    "newline": "x\ngit push -q origin HEAD:pwned-newline",
    "option": "--upload-pack=touch /tmp/pwned-option",
}


def _branches(forge: Forge, repo: GitopsRepo) -> set[str]:
    out = forge.git(repo.checkout, "ls-remote", "--heads", "origin")
    return {line.split("refs/heads/", 1)[1] for line in out.splitlines() if "refs/heads/" in line}


def _open_pulls(forge: Forge, repo: GitopsRepo) -> list[dict]:
    with forge.api() as api:
        return api.get(f"/repos/slipway/{repo.name}/pulls", params={"state": "open"}).json()


@pytest.mark.parametrize("payload", list(PAYLOADS.values()), ids=list(PAYLOADS))
async def test_a_hostile_path_reaches_git_as_data(
    engine: object, forge: Forge, gitops_repo: GitopsRepo, payload: str
) -> None:
    """Below the input checks (which refuse such names), git commits the file and runs nothing."""
    name = "apps/web-api/overlays/dev/" + payload.replace("\n", " ").replace("/", "_")
    (gitops_repo.checkout / name).write_text("image:\n  tag: x\n")
    forge.git(gitops_repo.checkout, "add", "-A")
    forge.git(gitops_repo.checkout, "commit", "-qm", "hostile file name")
    forge.git(gitops_repo.checkout, "push", "-q", "origin", "main")
    before = set(_branches(forge, gitops_repo))

    remote: GitRemote = git_remote(GitopsOptions(gitops_repo.url, forge.token), {})
    repo = await clone(remote, paths=(name,))
    edited = repo.with_new_file(name, "image:\n  tag: y\n")
    await push_commit(remote, edited, change=Change(paths=(name,)), message="edit\n", ref="main",
                      rebase_onto_base=True)  # fmt: skip
    assert _branches(forge, gitops_repo) == before, "a payload pushed a branch"
    assert (gitops_repo.pull(forge) / name).read_text() == "image:\n  tag: y\n"


@pytest.mark.parametrize("payload", list(PAYLOADS.values()), ids=list(PAYLOADS))
async def test_git_layer_takes_a_hostile_branch_as_a_name(
    engine: object, forge: Forge, gitops_repo: GitopsRepo, payload: str
) -> None:
    """Below the input checks, the git layer itself never runs a branch name."""
    before = _branches(forge, gitops_repo)
    remote: GitRemote = git_remote(GitopsOptions(gitops_repo.url, forge.token), {})
    hostile = GitRemote(remote.url, remote.username, remote.token, remote.image, base=payload)
    with pytest.raises(ConfigError, match="does not exist in"):
        await clone(hostile, paths=(payload,))
    assert _branches(forge, gitops_repo) == before


async def test_dev_then_prod_of_one_sha_are_two_prs(
    engine: object, forge: Forge, gitops_repo: GitopsRepo, tmp_path: Path, published_image: ImageRef
) -> None:
    source = app_source(tmp_path)
    gitops = GitopsOptions(gitops_repo.url, forge.token)
    image = str(published_image)
    dev = await run_promote(PromoteOptions(gitops, "dev", source=source, image=image))
    prod = await run_promote(PromoteOptions(gitops, "prod", source=source, image=image))
    assert dev.pull_request and prod.pull_request
    assert dev.branch != prod.branch and dev.pull_request.number != prod.pull_request.number
    assert dev.branch.startswith("release/web-api/dev/") and prod.branch.startswith("release/web-api/prod/")
    pulls = {p["number"]: p for p in _open_pulls(forge, gitops_repo)}
    assert pulls[dev.pull_request.number]["title"].endswith(" to dev")
    assert pulls[prod.pull_request.number]["title"].endswith(" to prod")
    for result, env in ((dev, "dev"), (prod, "prod")):
        ref = f"refs/remotes/origin/{result.branch}"
        forge.git(gitops_repo.checkout, "fetch", "-q", "origin", f"{result.branch}:{ref}")
        changed = forge.git(gitops_repo.checkout, "diff", "--name-only", "origin/main", ref)
        assert changed.split() == [VALUES.format(env=env)]


async def test_a_newer_promotion_supersedes_the_open_pr(
    engine: object, forge: Forge, gitops_repo: GitopsRepo, tmp_path: Path
) -> None:
    source = app_source(tmp_path)
    gitops = GitopsOptions(gitops_repo.url, forge.token)
    first = await run_promote(PromoteOptions(gitops, "dev", source=source, image=f"{REPO}:{SHA_A}"))
    second = await run_promote(PromoteOptions(gitops, "dev", source=source, image=f"{REPO}:{SHA_B}"))
    assert first.pull_request and second.pull_request
    assert second.superseded == (first.pull_request.number,)
    assert [p["number"] for p in _open_pulls(forge, gitops_repo)] == [second.pull_request.number]
    with forge.api() as api:
        comments = api.get(
            f"/repos/slipway/{gitops_repo.name}/issues/{first.pull_request.number}/comments"
        ).json()
    assert any(second.pull_request.url in c["body"] for c in comments)


async def test_foreign_and_unknown_images_never_reach_prod(
    engine: object, forge: Forge, gitops_repo: GitopsRepo, tmp_path: Path, published_image: ImageRef
) -> None:
    source = app_source(tmp_path)
    gitops = GitopsOptions(gitops_repo.url, forge.token)
    refs_before = forge.git(gitops_repo.checkout, "ls-remote", "origin")
    foreign = f"evil.example.com/attacker/img:{SHA_A}@{published_image.digest}"
    with pytest.raises(ConfigError, match=r"its repository is localhost:5000/slipway-examples/web-api"):
        await run_promote(PromoteOptions(gitops, "prod", source=source, image=foreign))
    unknown = f"{REPO}:{SHA_A}@sha256:{'ab' * 32}"
    with pytest.raises(ConfigError, match="does not exist in its registry"):
        await run_promote(PromoteOptions(gitops, "prod", source=source, image=unknown))
    overwritten = f"{published_image.repository}:{published_image.tag}@sha256:{'cd' * 32}"
    with pytest.raises(ConfigError, match="does not exist in its registry"):
        await run_promote(PromoteOptions(gitops, "prod", source=source, image=overwritten))
    assert forge.git(gitops_repo.checkout, "ls-remote", "origin") == refs_before, "something was pushed"


async def test_a_sha_tag_for_prod_is_pinned_to_the_digest_the_registry_serves(
    engine: object, forge: Forge, gitops_repo: GitopsRepo, tmp_path: Path, published_image: ImageRef
) -> None:
    source = app_source(tmp_path)
    tag_only = f"{published_image.repository}:{published_image.tag}"
    result = await run_promote(
        PromoteOptions(GitopsOptions(gitops_repo.url, forge.token), "prod", source=source, image=tag_only)
    )
    assert result.image == str(published_image)
    assert f'+  digest: "{published_image.digest}"' in result.values_diff


async def test_rollback_refuses_a_commit_that_touched_another_env(
    engine: object, forge: Forge, gitops_repo: GitopsRepo, tmp_path: Path
) -> None:
    checkout = gitops_repo.checkout
    for env in ("dev", "prod"):
        path = checkout / VALUES.format(env=env)
        path.write_text(path.read_text().replace("0" * 40, SHA_A, 1))
    forge.git(checkout, "commit", "-qam",
              f"Promote web-api {SHA_A} to dev\n\nSlipway-App: web-api\nSlipway-Env: dev\n")  # fmt: skip
    forge.git(checkout, "push", "-q", "origin", "main")
    head = forge.git(checkout, "ls-remote", "origin", "main")
    with pytest.raises(ConfigError, match=r"refusing to revert .* it changes apps/web-api/overlays/prod"):
        await run_rollback(
            GitopsOptions(gitops_repo.url, forge.token), "web-api", "dev", app_source(tmp_path)
        )
    assert forge.git(checkout, "ls-remote", "origin", "main") == head


async def test_a_missing_base_branch_is_named(
    engine: object, forge: Forge, gitops_repo: GitopsRepo, tmp_path: Path
) -> None:
    gitops = GitopsOptions(gitops_repo.url, forge.token, base="release-2024")
    with pytest.raises(ConfigError, match=r"branch 'release-2024' does not exist in .* \(check --base\)"):
        await run_promote(PromoteOptions(gitops, "dev", source=app_source(tmp_path), image=f"{REPO}:{SHA_A}"))


async def test_a_symlinked_values_file_is_refused(
    engine: object, forge: Forge, gitops_repo: GitopsRepo, tmp_path: Path
) -> None:
    checkout = gitops_repo.checkout
    path = checkout / VALUES.format(env="dev")
    path.unlink()
    path.symlink_to("../../../../README.md")
    forge.git(checkout, "add", "-A")
    forge.git(checkout, "commit", "-qm", "symlink")
    forge.git(checkout, "push", "-q", "origin", "main")
    refs = forge.git(checkout, "ls-remote", "origin")
    with pytest.raises(ConfigError, match="is a symbolic link or lies under one"):
        await run_promote(
            PromoteOptions(
                GitopsOptions(gitops_repo.url, forge.token),
                "dev",
                source=app_source(tmp_path),
                image=f"{REPO}:{SHA_A}",
                direct_push=True,
            )
        )
    assert forge.git(checkout, "ls-remote", "origin") == refs


async def test_repository_key_lets_another_repository_be_promoted_and_written(
    engine: object, forge: Forge, gitops_repo: GitopsRepo, tmp_path: Path
) -> None:
    source = app_source(tmp_path, edit=lambda t: t.replace(
        "  digest_key: image.digest\n", "  digest_key: image.digest\n  repository_key: image.repository\n"))  # fmt: skip
    other = f"localhost:5000/other-team/web-api:{SHA_A}"
    landed = await run_promote(
        PromoteOptions(
            GitopsOptions(gitops_repo.url, forge.token), "dev", source=source, image=other, direct_push=True
        )
    )
    assert landed.status == "landed"
    text = (gitops_repo.pull(forge) / VALUES.format(env="dev")).read_text()
    assert "localhost:5000/other-team/web-api" in text and SHA_A in text


async def test_supersede_can_be_switched_off(
    engine: object, forge: Forge, gitops_repo: GitopsRepo, tmp_path: Path
) -> None:
    source = app_source(tmp_path, edit=lambda t: t.replace(
        "  digest_key: image.digest\n", "  digest_key: image.digest\n  supersede: false\n"))  # fmt: skip
    gitops = GitopsOptions(gitops_repo.url, forge.token)
    first = await run_promote(PromoteOptions(gitops, "dev", source=source, image=f"{REPO}:{SHA_A}"))
    second = await run_promote(PromoteOptions(gitops, "dev", source=source, image=f"{REPO}:{SHA_B}"))
    assert second.superseded == ()
    assert first.pull_request and second.pull_request
    open_numbers = {p["number"] for p in _open_pulls(forge, gitops_repo)}
    assert open_numbers == {first.pull_request.number, second.pull_request.number}
