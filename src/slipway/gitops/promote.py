"""promote: write an image reference into an environment's values file in the GitOps repo.

Protected environments always go through a pull request on a `release/<app>-<sha>` branch;
unprotected ones may push straight to the base branch when asked. Rerunning a promotion that
already landed or is already proposed makes no new commit and reuses the open pull request.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import TYPE_CHECKING

from slipway.errors import ConfigError
from slipway.gitops.forges import PullRequest, RepoRef, forge_for
from slipway.gitops.repo import GitRemote, clone, git_output, push_commit
from slipway.gitops.trailers import promotion_message
from slipway.gitops.values_edit import read_value, safe_repo_path, set_values
from slipway.refs import ImageRef, parse_ref

if TYPE_CHECKING:
    import dagger

__all__ = ["PromoteRequest", "PromoteResult", "check_promotion", "promote", "values_path_for"]

_NO_BRANCH = "__slipway_no_branch__"


@dataclass(frozen=True)
class PromoteRequest:
    """What to write where: the app, its environment, the image and the repository."""

    app: str
    env: str
    protected: bool
    image: ImageRef
    remote: GitRemote
    forge_token: str
    values_path: str
    tag_key: str = "image.tag"
    digest_key: str = "image.digest"
    direct_push: bool = False
    forge_kind: str = ""
    source: str = ""
    evidence: str = ""


@dataclass(frozen=True)
class PromoteResult:
    """How the promotion ended: proposed (PR) or landed (direct), fresh or already done."""

    status: str  # proposed | already-proposed | landed | already-landed
    branch: str
    commit: str
    values_diff: str
    pull_request: PullRequest | None = None
    push_attempts: int = 0


def values_path_for(template: str, app: str, env: str) -> str:
    """The values file for `app` in `env`, from a `{app}`/`{env}` template, kept inside the repo."""
    return safe_repo_path(template.format(app=app, env=env))


def check_promotion(image: str, *, env: str, protected: bool, direct_push: bool) -> ImageRef:
    """Refuse what can never be promoted, before anything is cloned or pushed."""
    ref = parse_ref(image)
    if ref.tag == "latest":
        msg = f"promote: refusing {image!r}: 'latest' is never promoted (use a commit SHA or digest)"
        raise ConfigError(msg)
    if protected and not ref.is_immutable:
        msg = (
            f"promote: refusing {image!r} for protected environment {env!r}: "
            "the tag is mutable (use a 40-hex commit SHA tag or @sha256 digest)"
        )
        raise ConfigError(msg)
    if protected and direct_push:
        msg = f"promote: {env!r} is protected: it is promoted only through a reviewed pull request"
        raise ConfigError(msg)
    if not ref.tag and not ref.digest:
        msg = f"promote: {image!r} names no tag or digest"
        raise ConfigError(msg)
    return ref


def _branch(req: PromoteRequest) -> str:
    marker = req.image.tag if req.image.tag else req.image.digest.removeprefix("sha256:")
    return f"release/{req.app}-{marker[:40]}"


def image_changes(image: ImageRef, tag_key: str, digest_key: str) -> dict[str, str]:
    """The values-file edits that point an environment at `image`."""
    changes = {}
    if image.tag:
        changes[tag_key] = image.tag
    if digest_key:
        changes[digest_key] = image.digest
    return changes


def values_image(text: str, tag_key: str, digest_key: str, path: str) -> ImageRef:
    """The image a values file points at (`<tag's parent>.repository`, tag and digest)."""
    repository_key = tag_key.rsplit(".", 1)[0] + ".repository"
    return ImageRef(
        read_value(text, repository_key, path),
        read_value(text, tag_key, path),
        read_value(text, digest_key, path) if digest_key else "",
    )


def _diff(path: str, old: str, new: str) -> str:
    lines = difflib.unified_diff(old.splitlines(True), new.splitlines(True), f"a/{path}", f"b/{path}")
    return "".join(lines)


async def _read_values(repo: dagger.Directory, path: str, req: PromoteRequest) -> str:
    import dagger

    try:
        return await repo.file(path).contents()
    except dagger.QueryError as exc:
        msg = (
            f"promote: no values file {path} in {req.remote.url} for app {req.app!r} and "
            f"environment {req.env!r} (unknown app or env?)"
        )
        raise ConfigError(msg) from exc


def _body(req: PromoteRequest, diff: str) -> str:
    parts = [
        f"Promotes **{req.app}** to **{req.env}**.",
        "",
        f"- Image: `{req.image}`",
        f"- Digest: `{req.image.digest or 'not pinned'}`",
        f"- Source: `{req.source or 'unknown'}`",
        "",
        "### Values diff",
        "```diff",
        diff.rstrip(),
        "```",
    ]
    if req.evidence:
        parts += ["", req.evidence.rstrip()]
    return "\n".join(parts) + "\n"


async def promote(req: PromoteRequest) -> PromoteResult:
    """Promote `req.image` to `req.env`; see the module docstring for the rules."""
    check_promotion(str(req.image), env=req.env, protected=req.protected, direct_push=req.direct_push)
    path = safe_repo_path(req.values_path)
    branch = _branch(req)
    repo = await clone(req.remote, branch)
    old = await _read_values(repo, path, req)
    new = set_values(old, image_changes(req.image, req.tag_key, req.digest_key), name=path)
    diff = _diff(path, old, new)
    if new == old:
        return PromoteResult("already-landed", req.remote.base, "", "")
    message = promotion_message(
        req.app,
        req.env,
        req.image.tag or req.image.digest,
        str(req.image),
        req.image.digest,
        req.source,
    )
    edited = repo.with_new_file(path, new)
    commit_script = f'git add -- "{path}" && git commit --quiet -F /tmp/slipway-message'
    if req.direct_push:
        pushed = await push_commit(
            req.remote, edited, prepare=commit_script, message=message,
            ref=req.remote.base, rebase_onto_base=True,
        )  # fmt: skip
        return PromoteResult("landed", req.remote.base, pushed.commit, diff, None, pushed.attempts)

    proposed = await git_output(
        req.remote, repo,
        f'git show "origin/{branch}:{path}" 2>/dev/null || echo {_NO_BRANCH}',
        f"read {branch}",
    )  # fmt: skip
    status, commit, attempts = "already-proposed", "", 0
    if proposed != new:
        pushed = await push_commit(
            req.remote, edited, prepare=f'git checkout --quiet -B "{branch}" && {commit_script}',
            message=message, ref=branch, rebase_onto_base=False,
        )  # fmt: skip
        status, commit, attempts = "proposed", pushed.commit, pushed.attempts
    repo_ref = RepoRef.from_url(req.remote.url)
    forge = forge_for(repo_ref, req.forge_token, req.forge_kind)
    pr = await forge.find_open(repo_ref, branch, req.remote.base)
    if pr is None:
        title = f"Promote {req.app} {req.image.tag or req.image.digest[:19]} to {req.env}"
        pr = await forge.open(repo_ref, branch, req.remote.base, title, _body(req, diff))
        status = "proposed"
    return PromoteResult(status, branch, commit, diff, pr, attempts)


async def current_image(remote: GitRemote, values_path: str, tag_key: str, digest_key: str) -> ImageRef:
    """The image an environment runs now, read from its values file on the base branch."""
    repo = await clone(remote, remote.base)
    path = safe_repo_path(values_path)
    return values_image(await repo.file(path).contents(), tag_key, digest_key, path)
