"""clone: the GitOps repository's base branch, checked out once for every later step."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from slipway.gitops.repo import GitRemote
from slipway.gitops.repo import clone as git_clone
from slipway.gitops.values_edit import safe_repo_path

if TYPE_CHECKING:
    import dagger

__all__ = ["CloneInput", "Cloned", "clone", "clone_input"]


@dataclass(frozen=True)
class CloneInput:
    """The repository, and the file that must be a regular file inside it (or absent)."""

    remote: GitRemote
    path: str


@dataclass(frozen=True)
class Cloned:
    """The checkout of the base branch, and the file the promotion edits."""

    repo: dagger.Directory
    path: str


def clone_input(remote: GitRemote, values_path: str) -> CloneInput:
    """The clone of `remote` for `values_path`; a ConfigError for a path that leaves the repository."""
    return CloneInput(remote, safe_repo_path(values_path))


async def clone(inp: CloneInput) -> Cloned:
    """Clone the base branch, refusing a file reached through a symbolic link."""
    return Cloned(await git_clone(inp.remote, paths=(inp.path,)), inp.path)
