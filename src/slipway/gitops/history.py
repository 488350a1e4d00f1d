"""history: the promotions of an app to an environment, read from the commit trailers."""

from __future__ import annotations

from dataclasses import dataclass

from slipway.gitops.repo import GitRemote, clone, git_output
from slipway.gitops.trailers import LOG_FORMAT, Commit, parse_log

__all__ = ["Promotion", "promotions", "read_history"]


@dataclass(frozen=True)
class Promotion:
    """One promotion commit, and whether a later rollback reverted it."""

    commit: str
    time: str
    image: str
    digest: str
    source: str
    rolled_back: bool


def promotions(commits: list[Commit], app: str, env: str) -> list[Promotion]:
    """The promotions of `app` to `env`, newest first, marking those a rollback reverted."""
    mine = [
        c for c in commits if c.trailers.get("Slipway-App") == app and c.trailers.get("Slipway-Env") == env
    ]
    reverted = {c.trailers["Slipway-Reverts"] for c in mine if "Slipway-Reverts" in c.trailers}
    return [
        Promotion(
            commit=c.sha,
            time=c.time,
            image=c.trailers.get("Slipway-Image", ""),
            digest=c.trailers.get("Slipway-Digest", ""),
            source=c.trailers.get("Slipway-Source", ""),
            rolled_back=c.sha in reverted,
        )
        for c in mine
        if "Slipway-Reverts" not in c.trailers
    ]


async def read_history(remote: GitRemote, app: str, env: str) -> list[Promotion]:
    """Clone the GitOps repo and list `app`'s promotions to `env`."""
    repo = await clone(remote, remote.base, stage="history")
    out = await git_output(remote, repo, f"git log --format='{LOG_FORMAT}'", "read the history")
    return promotions(parse_log(out), app, env)
