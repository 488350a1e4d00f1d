"""rollback: revert the newest promotion of an app to an environment (a PR when protected)."""

from __future__ import annotations

from dataclasses import dataclass

from slipway.errors import ConfigError
from slipway.gitops.forges import PullRequest, RepoRef, forge_for
from slipway.gitops.history import promotions
from slipway.gitops.repo import GitRemote, clone, git_output, push_commit
from slipway.gitops.trailers import LOG_FORMAT, parse_log, rollback_message

__all__ = ["RollbackResult", "rollback"]


@dataclass(frozen=True)
class RollbackResult:
    """The reverted promotion, the revert commit and, for protected envs, the pull request."""

    reverted: str
    commit: str
    branch: str
    pull_request: PullRequest | None


async def rollback(
    remote: GitRemote,
    app: str,
    env: str,
    *,
    protected: bool,
    forge_token: str,
    forge_kind: str = "",
) -> RollbackResult:
    """Revert `app`'s newest not-yet-reverted promotion to `env`."""
    repo = await clone(remote, remote.base, stage="rollback")
    log = await git_output(remote, repo, f"git log --format='{LOG_FORMAT}'", "read the history")
    commits = parse_log(log)
    candidates = [p for p in promotions(commits, app, env) if not p.rolled_back]
    if not candidates:
        msg = f"rollback: no promotion of {app!r} to {env!r} left to roll back in {remote.url}"
        raise ConfigError(msg)
    target = next(c for c in commits if c.sha == candidates[0].commit)
    message = rollback_message(app, env, target)
    revert = f'git revert --no-commit "{target.sha}" && git commit --quiet -F /tmp/slipway-message'
    if not protected:
        pushed = await push_commit(
            remote, repo, prepare=revert, message=message, ref=remote.base,
            rebase_onto_base=True, stage="rollback",
        )  # fmt: skip
        return RollbackResult(target.sha, pushed.commit, remote.base, None)
    branch = f"rollback/{app}-{env}-{target.sha[:12]}"
    pushed = await push_commit(
        remote, repo, prepare=f'git checkout --quiet -B "{branch}" && {revert}', message=message,
        ref=branch, rebase_onto_base=False, stage="rollback",
    )  # fmt: skip
    repo_ref = RepoRef.from_url(remote.url)
    forge = forge_for(repo_ref, forge_token, forge_kind)
    pr = await forge.find_open(repo_ref, branch, remote.base) or await forge.open(
        repo_ref, branch, remote.base, message.splitlines()[0], message
    )
    return RollbackResult(target.sha, pushed.commit, branch, pr)
