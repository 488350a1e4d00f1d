"""clone: the GitOps repository's base branch, checked out once for every later step.

With a release-branch prefix (a pull-request promotion), the same clone also reads the file as
each of those branches has it, so find-pr needs no git of its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from slipway.gitops.repo import GitRemote, clone_proposing
from slipway.gitops.repo import clone as git_clone
from slipway.gitops.values_edit import safe_repo_path

if TYPE_CHECKING:
    import dagger

__all__ = ["CloneInput", "Cloned", "clone", "clone_input"]


@dataclass(frozen=True)
class CloneInput:
    """The repository, the file (a regular file inside it, or absent), and a release-branch prefix.

    `proposed`: the prefix of the branches whose copy of the file to read ("": none).
    """

    remote: GitRemote
    path: str
    proposed: str = ""


@dataclass(frozen=True)
class Cloned:
    """The checkout of the base branch, the file the promotion edits, and the release branches' copies.

    `proposed` (when asked for) holds one file per release branch, named after it.
    """

    repo: dagger.Directory
    path: str
    proposed: dagger.Directory | None = None


def clone_input(remote: GitRemote, values_path: str, proposed: str = "") -> CloneInput:
    """The clone of `remote` for `values_path`; a ConfigError for a path that leaves the repository."""
    return CloneInput(remote, safe_repo_path(values_path), proposed)


async def clone(inp: CloneInput) -> Cloned:
    """Clone the base branch, refusing a file reached through a symbolic link."""
    if not inp.proposed:
        return Cloned(await git_clone(inp.remote, paths=(inp.path,)), inp.path)
    repo, proposed = await clone_proposing(inp.remote, inp.path, inp.proposed)
    return Cloned(repo, inp.path, proposed)
