"""promote: write an image reference into an environment's values file in the GitOps repo.

Where in the file the image goes is the request's locator (`gitops/locators/`): key paths in
a values file, or a kustomization's `images:` entry.

Protected environments always go through a pull request, with an image whose digest the
registry serves; unprotected ones may push straight to the base branch when asked. Each
(app, environment, image) has its own `release/<app>/<env>/...` branch and pull request, and a
newer promotion of the same app to the same environment closes the older open ones. Rerunning
a promotion that already landed or is already proposed makes no new commit and reuses the open
pull request; a branch pushed by a run whose pull request could not be opened is deleted again.
"""

from __future__ import annotations

import difflib
import hashlib
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from slipway.errors import ConfigError, SlipwayError, StageError
from slipway.gitops.forges import Forge, PullRequest, RepoRef, forge_for
from slipway.gitops.locators import KeysLocator, Locator, image_changes, values_image
from slipway.gitops.repo import Change, GitRemote, clone, delete_branch, git_output, push_commit
from slipway.gitops.trailers import promotion_message
from slipway.gitops.values_edit import safe_repo_path
from slipway.identity import check_app, check_env
from slipway.refs import ImageRef, parse_ref

if TYPE_CHECKING:
    import dagger

__all__ = [
    "PromoteRequest",
    "PromoteResult",
    "check_promotion",
    "current_image",
    "image_changes",
    "promote",
    "release_branch",
    "values_image",
]

_BRANCH_EXISTS = "\x1eslipway-branch-exists"
_SHOW_BRANCH_FILE = """
if git ls-remote --exit-code --heads origin "refs/heads/$SLIPWAY_BRANCH" >/dev/null; then
  git fetch --quiet origin "+refs/heads/$SLIPWAY_BRANCH:refs/remotes/origin/$SLIPWAY_BRANCH"
  git show "refs/remotes/origin/$SLIPWAY_BRANCH:$SLIPWAY_PATH" 2>/dev/null || true
  printf '%s' "$SLIPWAY_MARK"
fi
"""


@dataclass(frozen=True)
class PromoteRequest:
    """What to write where: the app, its environment, the image, the file and its locator."""

    app: str
    env: str
    protected: bool
    image: ImageRef
    remote: GitRemote
    forge_token: str
    values_path: str
    locator: Locator = field(default_factory=KeysLocator)
    repository: str = ""
    direct_push: bool = False
    forge_kind: str = ""
    source: str = ""
    evidence: str = ""
    supersede: bool = True


@dataclass(frozen=True)
class PromoteResult:
    """How the promotion ended: proposed (PR) or landed (direct), fresh or already done."""

    status: str  # proposed | already-proposed | landed | already-landed
    branch: str
    commit: str
    values_diff: str
    pull_request: PullRequest | None = None
    push_attempts: int = 0
    image: str = ""
    superseded: tuple[int, ...] = ()


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
        msg = (
            f"promote: {env!r} is protected (or not declared unprotected in slipway.yaml): "
            "it is promoted only through a reviewed pull request"
        )
        raise ConfigError(msg)
    if not ref.tag and not ref.digest:
        msg = f"promote: {image!r} names no tag or digest"
        raise ConfigError(msg)
    return ref


def release_branch(app: str, env: str, image: ImageRef) -> str:
    """The branch that proposes exactly this image for this app and environment."""
    readable = re.sub(r"[^A-Za-z0-9_-]+", "-", image.tag or image.digest.removeprefix("sha256:"))[:40]
    return f"release/{app}/{env}/{readable}-{hashlib.sha256(str(image).encode()).hexdigest()[:8]}"


def _check_repository(req: PromoteRequest, image: ImageRef, text: str, path: str) -> None:
    """The image must come from the app's own repository unless the locator writes the repository."""
    if req.locator.writes_repository:
        return
    expected = req.repository or req.locator.repository(text, path)
    if not expected:
        if req.protected:
            msg = (
                f"promote: cannot tell whether {image.repository} is {req.app!r}'s repository: {path} "
                "names none and no slipway.yaml was given (pass --source APP_DIR)"
            )
            raise ConfigError(msg)
        return
    if image.repository != expected:
        hint = ""
        if isinstance(req.locator, KeysLocator):
            hint = " (set gitops.repository_key in slipway.yaml to promote other repositories)"
        msg = (
            f"promote: refusing {image} for {req.app!r} in {req.env!r}: its repository is "
            f"{expected}, not {image.repository}{hint}"
        )
        raise ConfigError(msg)


def _diff(path: str, old: str, new: str) -> str:
    lines = difflib.unified_diff(old.splitlines(True), new.splitlines(True), f"a/{path}", f"b/{path}")
    return "".join(lines)


async def _read_values(repo: dagger.Directory, path: str, remote: GitRemote, app: str, env: str) -> str:
    import dagger

    try:
        return await repo.file(path).contents()
    except dagger.QueryError as exc:
        msg = (
            f"promote: no values file {path} in {remote.url} for app {app!r} and "
            f"environment {env!r} (unknown app or env? check gitops.values_path)"
        )
        raise ConfigError(msg) from exc


def _body(req: PromoteRequest, image: ImageRef, diff: str) -> str:
    parts = [
        f"Promotes **{req.app}** to **{req.env}**.",
        "",
        f"- Image: `{image}`",
        f"- Digest: `{image.digest or 'not pinned'}`",
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


async def _proposed(remote: GitRemote, repo: dagger.Directory, branch: str, path: str) -> str | None:
    """The values file as `branch` has it, or None when the branch does not exist."""
    out = await git_output(
        remote, repo, _SHOW_BRANCH_FILE, f"read {branch}",
        env={"SLIPWAY_BRANCH": branch, "SLIPWAY_PATH": path, "SLIPWAY_MARK": _BRANCH_EXISTS},
    )  # fmt: skip
    return out.removesuffix(_BRANCH_EXISTS) if out.endswith(_BRANCH_EXISTS) else None


async def _supersede(
    forge: Forge, repo_ref: RepoRef, req: PromoteRequest, pr: PullRequest
) -> tuple[int, ...]:
    """Close the other open pull requests promoting this app to this environment."""
    prefix = f"release/{req.app}/{req.env}/"
    older = [p for p in await forge.list_open(repo_ref, req.remote.base) if p.head.startswith(prefix)]
    closed = []
    for old in older:
        if old.number == pr.number:
            continue
        await forge.close(repo_ref, old, f"Superseded by #{pr.number} ({pr.url}): {pr.title}.")
        closed.append(old.number)
    return tuple(closed)


async def promote(req: PromoteRequest) -> PromoteResult:
    """Promote `req.image` to `req.env`; see the module docstring for the rules."""
    check_app(req.app, "promote")
    check_env(req.env, "promote")
    check_promotion(str(req.image), env=req.env, protected=req.protected, direct_push=req.direct_push)
    path = safe_repo_path(req.values_path)
    repo = await clone(req.remote, paths=(path,))
    old = await _read_values(repo, path, req.remote, req.app, req.env)
    _check_repository(req, req.image, old, path)  # before any registry is asked about the image
    image = req.image
    if req.protected:
        from slipway.registry import pin_digest

        image = await pin_digest(image)
    branch = release_branch(req.app, req.env, image)
    new = req.locator.write(old, image, path)
    diff = _diff(path, old, new)
    if new == old:
        return PromoteResult("already-landed", req.remote.base, "", "", image=str(image))
    message = promotion_message(
        req.app, req.env, image.tag or image.digest, str(image), image.digest, req.source
    )
    edited = repo.with_new_file(path, new)
    if req.direct_push:
        pushed = await push_commit(
            req.remote, edited, change=Change(paths=(path,)), message=message,
            ref=req.remote.base, rebase_onto_base=True,
        )  # fmt: skip
        return PromoteResult(
            "landed", req.remote.base, pushed.commit, diff, None, pushed.attempts, str(image)
        )

    repo_ref = RepoRef.from_url(req.remote.url)
    forge = forge_for(repo_ref, req.forge_token, req.forge_kind)
    pr = await forge.find_open(repo_ref, branch, req.remote.base)  # also proves the token before a push
    proposed = await _proposed(req.remote, repo, branch, path)
    status, commit, attempts = "already-proposed", "", 0
    if proposed != new:
        pushed = await push_commit(
            req.remote, edited, change=Change(paths=(path,), branch=branch), message=message,
            ref=branch, rebase_onto_base=False,
        )  # fmt: skip
        status, commit, attempts = "proposed", pushed.commit, pushed.attempts
    if pr is None:
        title = f"Promote {req.app} {image.tag or image.digest[:19]} to {req.env}"
        try:
            pr = await forge.open(repo_ref, branch, req.remote.base, title, _body(req, image, diff))
        except SlipwayError as exc:
            if proposed is not None:
                raise
            why = str(exc).removeprefix("promote: ")
            if await delete_branch(req.remote, repo, branch):
                raise StageError("promote", f"{why}; the pushed branch {branch} was deleted again") from exc
            after = f"{why}; the pushed branch {branch} could not be deleted: rerun to open its pull request"
            raise StageError("promote", after) from exc
        status = "proposed"
    superseded = await _supersede(forge, repo_ref, req, pr) if req.supersede else ()
    return PromoteResult(status, branch, commit, diff, pr, attempts, str(image), superseded)


async def current_image(
    remote: GitRemote, values_path: str, locator: Locator, *, app: str, env: str
) -> ImageRef:
    """The image an environment runs now, read by `locator` from its file on the base branch."""
    path = safe_repo_path(values_path)
    repo = await clone(remote, paths=(path,))
    text = await _read_values(repo, path, remote, app, env)
    return locator.read(text, path)
