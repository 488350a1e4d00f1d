"""history: the promotions of an app to an environment, read from the commit trailers."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from slipway.gitops.repo import GitRemote, clone, git_output
from slipway.gitops.trailers import LOG_ENV, LOG_SCRIPT, Commit, parse_log

if TYPE_CHECKING:
    import dagger

__all__ = ["Promotion", "promotions", "read_history", "read_log"]


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


async def read_log(
    remote: GitRemote, stage: str, paths: Sequence[str] = ()
) -> tuple[dagger.Directory, list[Commit]]:
    """A clone of the base branch and its commits (with the files each changed), newest first.

    Each of `paths` must be a regular file inside the clone, or absent (see `repo.clone`).
    """
    repo = await clone(remote, paths=paths, stage=stage)
    out = await git_output(remote, repo, LOG_SCRIPT, "read the history", env=LOG_ENV, stage=stage)
    return repo, parse_log(out)


async def read_history(remote: GitRemote, app: str, env: str) -> list[Promotion]:
    """Clone the GitOps repo and list `app`'s promotions to `env`."""
    _, commits = await read_log(remote, "history")
    return promotions(commits, app, env)
