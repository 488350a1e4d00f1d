"""open-pr: the release branch's pull request, reused when open, else opened with the evidence.

A branch this run pushed whose pull request could not be opened is deleted again, so a rerun
starts clean; a branch that existed before the run is left as it was.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from slipway.errors import SlipwayError, StageError
from slipway.gitops.forges import Forge, PullRequest, RepoRef
from slipway.refs import ImageRef

__all__ = ["OpenPrInput", "OpenedPr", "open_or_reuse", "open_pr", "pr_body", "pr_title"]


@dataclass(frozen=True)
class OpenPrInput:
    """What the pull request says, and how to delete a branch on the remote (whether it worked)."""

    app: str
    env: str
    base: str
    delete_branch: Callable[[str], Awaitable[bool]]
    source: str = ""
    evidence: str = ""


@dataclass(frozen=True)
class OpenedPr:
    """The branch's open pull request, and whether this run opened it."""

    pull_request: PullRequest
    opened: bool


def pr_title(inp: OpenPrInput, image: ImageRef) -> str:
    """`Promote <app> <tag or short digest> to <env>`."""
    return f"Promote {inp.app} {image.tag or image.digest[:19]} to {inp.env}"


def pr_body(inp: OpenPrInput, image: ImageRef, diff: str) -> str:
    """The image, its digest and source, the values diff, then the evidence."""
    parts = [
        f"Promotes **{inp.app}** to **{inp.env}**.",
        "",
        f"- Image: `{image}`",
        f"- Digest: `{image.digest or 'not pinned'}`",
        f"- Source: `{inp.source or 'unknown'}`",
        "",
        "### Values diff",
        "```diff",
        diff.rstrip(),
        "```",
    ]
    if inp.evidence:
        parts += ["", inp.evidence.rstrip()]
    return "\n".join(parts) + "\n"


async def open_pr(
    inp: OpenPrInput,
    forge: Forge,
    repo: RepoRef,
    branch: str,
    found: PullRequest | None,
    branch_existed: bool,
    image: ImageRef,
    diff: str,
) -> OpenedPr:
    """`found` when there is one; else a new pull request from `branch`, or the branch deleted again."""
    title, body = pr_title(inp, image), pr_body(inp, image, diff)
    return await open_or_reuse(inp, forge, repo, branch, found, branch_existed, title, body)


async def open_or_reuse(
    inp: OpenPrInput,
    forge: Forge,
    repo: RepoRef,
    branch: str,
    found: PullRequest | None,
    branch_existed: bool,
    title: str,
    body: str,
) -> OpenedPr:
    """`found` when there is one; else a pull request from `branch` saying `title` and `body`."""
    if found is not None:
        return OpenedPr(found, opened=False)
    try:
        pr = await forge.open(repo, branch, inp.base, title, body)
    except SlipwayError as exc:
        if branch_existed:
            raise
        why = str(exc).removeprefix("promote: ")
        if await inp.delete_branch(branch):
            raise StageError("promote", f"{why}; the pushed branch {branch} was deleted again") from exc
        after = f"{why}; the pushed branch {branch} could not be deleted: rerun to open its pull request"
        raise StageError("promote", after) from exc
    return OpenedPr(pr, opened=True)
