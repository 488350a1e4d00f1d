"""rollback: revert the newest promotion of an app to an environment (a PR when protected).

Only a promotion commit that changed that environment's files and nothing else is reverted:
anything wider would undo changes to other environments or apps. A group promotion (several
apps in one commit) is reverted as one unit, and only when asked for with every app of the group.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from slipway.errors import ConfigError
from slipway.gitops.forges import PullRequest, RepoRef, forge_for
from slipway.gitops.history import promotions, read_log
from slipway.gitops.repo import Change, GitRemote, push_commit
from slipway.gitops.trailers import Commit, group_rollback_message, rollback_message
from slipway.promotion.branches import group_name

__all__ = ["RollbackResult", "check_group", "check_revertible", "rollback", "rollback_branch"]


@dataclass(frozen=True)
class RollbackResult:
    """The reverted promotion, the revert commit and, for protected envs, the pull request."""

    reverted: str
    commit: str
    branch: str
    pull_request: PullRequest | None
    apps: tuple[str, ...] = ()  # a group rollback: every app it rolled back


def rollback_branch(app: str, env: str, reverted: str) -> str:
    """The branch a protected rollback is proposed from."""
    return f"rollback/{app}/{env}/{reverted[:12]}"


def check_revertible(target: Commit, env_files: frozenset[str], env: str) -> None:
    """Refuse to revert `target` unless it changed `env`'s files and nothing else."""
    others = sorted(set(target.files) - env_files)
    if others or not target.files:
        shown = ", ".join(others[:5]) + (" ..." if len(others) > 5 else "") if others else "no files"
        msg = (
            f"rollback: refusing to revert {target.sha[:12]} ({target.subject!r}): it changes {shown} "
            f"besides {env!r}'s {', '.join(sorted(env_files))}; revert it by hand or in a reviewed PR"
        )
        raise ConfigError(msg)


def check_group(target: Commit, asked: tuple[str, ...], env: str) -> None:
    """Refuse unless `asked` are exactly the apps `target` moved (one app for a single-app commit)."""
    moved = target.group or asked[:1]
    if sorted(moved) == sorted(asked):
        return
    flags = " ".join(f"--app {a}" for a in moved)
    if target.group:
        msg = (
            f"rollback: {target.sha[:12]} promoted {', '.join(moved)} to {env!r} together; "
            f"it is rolled back as one unit: pass {flags}"
        )
    else:
        msg = (
            f"rollback: the newest promotion of {asked[0]!r} to {env!r} ({target.sha[:12]}) moved it "
            f"alone, not with {', '.join(asked[1:])}: roll back each app on its own"
        )
    raise ConfigError(msg)


async def rollback(
    remote: GitRemote,
    app: str,
    env: str,
    *,
    env_files: frozenset[str],
    protected: bool,
    forge_token: str,
    forge_kind: str = "",
    group: Mapping[str, frozenset[str]] | None = None,
) -> RollbackResult:
    """Revert `app`'s newest not-yet-reverted promotion to `env` (whose files are `env_files`).

    `group` (each app's files in `env`, `app` among them) asks for a group promotion of exactly
    those apps, reverted as one commit. A file of `env_files` reached through a symbolic link is
    refused before anything is pushed.
    """
    repo, commits = await read_log(remote, "rollback", paths=tuple(sorted(env_files)))
    candidates = [p for p in promotions(commits, app, env) if not p.rolled_back]
    if not candidates:
        msg = f"rollback: no promotion of {app!r} to {env!r} left to roll back in {remote.url}"
        raise ConfigError(msg)
    target = next(c for c in commits if c.sha == candidates[0].commit)
    asked = tuple(group) if group else (app,)
    check_group(target, asked, env)
    if group:
        env_files = frozenset().union(*group.values())
    check_revertible(target, env_files, env)
    apps = target.group
    message = group_rollback_message(env, apps, target) if apps else rollback_message(app, env, target)
    if not protected:
        pushed = await push_commit(
            remote, repo, change=Change(revert=target.sha), message=message, ref=remote.base,
            rebase_onto_base=True, stage="rollback",
        )  # fmt: skip
        return RollbackResult(target.sha, pushed.commit, remote.base, None, apps)
    repo_ref = RepoRef.from_url(remote.url)
    forge = forge_for(repo_ref, forge_token, forge_kind)
    branch = rollback_branch(group_name(apps) if apps else app, env, target.sha)
    existing = await forge.find_open(repo_ref, branch, remote.base)
    pushed = await push_commit(
        remote, repo, change=Change(revert=target.sha, branch=branch), message=message,
        ref=branch, rebase_onto_base=False, stage="rollback",
    )  # fmt: skip
    pr = existing or await forge.open(repo_ref, branch, remote.base, message.splitlines()[0], message)
    return RollbackResult(target.sha, pushed.commit, branch, pr, apps)
