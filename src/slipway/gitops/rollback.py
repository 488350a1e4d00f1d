"""rollback: revert the newest promotion of an app to an environment (a PR when protected).

Only a promotion commit that changed that environment's files and nothing else is reverted:
anything wider would undo changes to other environments or apps.
"""

from __future__ import annotations

from dataclasses import dataclass

from slipway.errors import ConfigError
from slipway.gitops.forges import PullRequest, RepoRef, forge_for
from slipway.gitops.history import promotions, read_log
from slipway.gitops.repo import Change, GitRemote, push_commit
from slipway.gitops.trailers import Commit, rollback_message

__all__ = ["RollbackResult", "check_revertible", "rollback", "rollback_branch"]


@dataclass(frozen=True)
class RollbackResult:
    """The reverted promotion, the revert commit and, for protected envs, the pull request."""

    reverted: str
    commit: str
    branch: str
    pull_request: PullRequest | None


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


async def rollback(
    remote: GitRemote,
    app: str,
    env: str,
    *,
    env_files: frozenset[str],
    protected: bool,
    forge_token: str,
    forge_kind: str = "",
) -> RollbackResult:
    """Revert `app`'s newest not-yet-reverted promotion to `env` (whose files are `env_files`).

    A file of `env_files` reached through a symbolic link is refused before anything is pushed.
    """
    repo, commits = await read_log(remote, "rollback", paths=tuple(sorted(env_files)))
    candidates = [p for p in promotions(commits, app, env) if not p.rolled_back]
    if not candidates:
        msg = f"rollback: no promotion of {app!r} to {env!r} left to roll back in {remote.url}"
        raise ConfigError(msg)
    target = next(c for c in commits if c.sha == candidates[0].commit)
    check_revertible(target, env_files, env)
    message = rollback_message(app, env, target)
    if not protected:
        pushed = await push_commit(
            remote, repo, change=Change(revert=target.sha), message=message, ref=remote.base,
            rebase_onto_base=True, stage="rollback",
        )  # fmt: skip
        return RollbackResult(target.sha, pushed.commit, remote.base, None)
    repo_ref = RepoRef.from_url(remote.url)
    forge = forge_for(repo_ref, forge_token, forge_kind)
    branch = rollback_branch(app, env, target.sha)
    existing = await forge.find_open(repo_ref, branch, remote.base)
    pushed = await push_commit(
        remote, repo, change=Change(revert=target.sha, branch=branch), message=message,
        ref=branch, rebase_onto_base=False, stage="rollback",
    )  # fmt: skip
    pr = existing or await forge.open(repo_ref, branch, remote.base, message.splitlines()[0], message)
    return RollbackResult(target.sha, pushed.commit, branch, pr)
