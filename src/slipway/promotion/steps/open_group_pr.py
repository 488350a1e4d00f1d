"""open-pr (group): one pull request moving several apps together, each app's evidence in its own section."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from slipway.gitops.forges import Forge, PullRequest, RepoRef
from slipway.promotion.steps.open_pr import OpenedPr, OpenPrInput, open_or_reuse, pr_body
from slipway.refs import ImageRef

__all__ = ["GroupMember", "group_pr_body", "group_pr_title", "open_group_pr"]


@dataclass(frozen=True)
class GroupMember:
    """One app of the group: what its section says (its input, image and values diff)."""

    inp: OpenPrInput
    image: ImageRef
    diff: str


def group_pr_title(group: str, env: str, members: Sequence[GroupMember]) -> str:
    """`Promote <n> apps to <env> (<group>)`."""
    return f"Promote {len(members)} apps to {env} ({group})"


def group_pr_body(env: str, members: Sequence[GroupMember], from_env: str = "") -> str:
    """Which apps move, then a section per app: its image, digest, source, values diff and evidence."""
    names = ", ".join(f"**{m.inp.app}**" for m in members)
    origin = f" from **{from_env}**" if from_env else ""
    parts = [
        f"Promotes {names}{origin} to **{env}** together, in one commit: merging it moves them all, "
        "and a rollback reverts them all.",
    ]
    for m in members:
        parts += ["", f"## {m.inp.app}", "", pr_body(m.inp, m.image, m.diff).rstrip()]
    return "\n".join(parts) + "\n"


async def open_group_pr(
    inp: OpenPrInput,
    forge: Forge,
    repo: RepoRef,
    branch: str,
    found: PullRequest | None,
    branch_existed: bool,
    members: Sequence[GroupMember],
    from_env: str = "",
) -> OpenedPr:
    """The open pull request, else one opened with a section per app (`inp.app` names the group)."""
    title, body = group_pr_title(inp.app, inp.env, members), group_pr_body(inp.env, members, from_env)
    return await open_or_reuse(inp, forge, repo, branch, found, branch_existed, title, body)
