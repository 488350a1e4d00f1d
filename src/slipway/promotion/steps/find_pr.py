"""find-pr: the open pull request of the release branch, and the file as that branch has it.

Asking the forge first also proves the token before anything is pushed.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from slipway.gitops.forges import Forge, PullRequest, RepoRef
from slipway.gitops.repo import GitRemote, git_output

if TYPE_CHECKING:
    import dagger

__all__ = ["FindPrInput", "FoundPr", "branch_files", "cloned_branch_file", "find_pr"]

_END = "\x1eslipway-end-of-file"
# Arguments: the paths; after each one's text (empty when the branch lacks it), $SLIPWAY_MARK.
# Nothing at all when the branch does not exist.
_SHOW_BRANCH_FILES = """
if git ls-remote --exit-code --heads origin "refs/heads/$SLIPWAY_BRANCH" >/dev/null; then
  git fetch --quiet origin "+refs/heads/$SLIPWAY_BRANCH:refs/remotes/origin/$SLIPWAY_BRANCH"
  for p in "$@"; do
    git show "refs/remotes/origin/$SLIPWAY_BRANCH:$p" 2>/dev/null || true
    printf '%s' "$SLIPWAY_MARK"
  done
fi
"""


@dataclass(frozen=True)
class FindPrInput:
    """The forge and repository, the base branch, and how to read a branch's file."""

    forge: Forge
    repo: RepoRef
    base: str
    read_branch: Callable[[str], Awaitable[str | None]]


@dataclass(frozen=True)
class FoundPr:
    """The open pull request (None: none yet) and the branch's file (None: no such branch)."""

    forge: Forge
    repo: RepoRef
    pull_request: PullRequest | None
    proposed: str | None


async def branch_files(
    remote: GitRemote, repo: dagger.Directory, paths: Sequence[str], branch: str
) -> list[str] | None:
    """Each of `paths` as the remote's `branch` has it ("" when it lacks one), in one git container.

    None when the branch does not exist.
    """
    out = await git_output(
        remote, repo, _SHOW_BRANCH_FILES, f"read {branch}",
        env={"SLIPWAY_BRANCH": branch, "SLIPWAY_MARK": _END}, args=paths,
    )  # fmt: skip
    return out.split(_END)[: len(paths)] if out else None


async def cloned_branch_file(proposed: dagger.Directory, branch: str) -> str | None:
    """The file as `branch` has it, from the clone's copies (`Cloned.proposed`); None: no such branch."""
    from dagger import ExistsType

    if not await proposed.exists(branch, expected_type=ExistsType.REGULAR_TYPE):
        return None
    return await proposed.file(branch).contents()


async def find_pr(inp: FindPrInput, branch: str) -> FoundPr:
    """What `branch` already proposes: its open pull request into the base, and its file."""
    pr = await inp.forge.find_open(inp.repo, branch, inp.base)
    proposed = await inp.read_branch(branch)
    return FoundPr(inp.forge, inp.repo, pr, proposed)
