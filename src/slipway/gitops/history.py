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
    group: tuple[str, ...] = ()  # the apps promoted with it in one commit (empty: alone)


def promotions(commits: list[Commit], app: str, env: str) -> list[Promotion]:
    """The promotions of `app` to `env` (alone or in a group), newest first, marking those reverted."""
    mine = [(c, t) for c in commits if (t := c.app_trailers(app)) is not None and t.get("Slipway-Env") == env]
    reverted = {t["Slipway-Reverts"] for _, t in mine if "Slipway-Reverts" in t}
    return [
        Promotion(
            commit=c.sha,
            time=c.time,
            image=t.get("Slipway-Image", ""),
            digest=t.get("Slipway-Digest", ""),
            source=t.get("Slipway-Source", ""),
            rolled_back=c.sha in reverted,
            group=c.group,
        )
        for c, t in mine
        if "Slipway-Reverts" not in t
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
