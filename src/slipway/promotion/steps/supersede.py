"""supersede: the older open pull requests promoting the same app to the same environment, closed."""

from __future__ import annotations

from dataclasses import dataclass

from slipway.gitops.forges import Forge, PullRequest, RepoRef
from slipway.promotion.branches import release_prefix

__all__ = ["SupersedeInput", "Superseded", "older_proposals", "supersede"]


@dataclass(frozen=True)
class SupersedeInput:
    """The app and environment whose release branches compete, and the base they target."""

    app: str
    env: str
    base: str


@dataclass(frozen=True)
class Superseded:
    """The numbers of the pull requests closed."""

    closed: tuple[int, ...] = ()


def older_proposals(
    inp: SupersedeInput, open_prs: list[PullRequest], current: PullRequest
) -> list[PullRequest]:
    """The open pull requests from this app's and environment's other release branches."""
    prefix = release_prefix(inp.app, inp.env)
    return [p for p in open_prs if p.head.startswith(prefix) and p.number != current.number]


async def supersede(inp: SupersedeInput, forge: Forge, repo: RepoRef, current: PullRequest) -> Superseded:
    """Close every older proposal of this app to this environment, pointing at `current`."""
    older = older_proposals(inp, await forge.list_open(repo, inp.base), current)
    for old in older:
        await forge.close(repo, old, f"Superseded by #{current.number} ({current.url}): {current.title}.")
    return Superseded(tuple(p.number for p in older))
