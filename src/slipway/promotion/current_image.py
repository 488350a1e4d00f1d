"""The image an environment runs now, as its file on the GitOps repository's base branch says."""

from __future__ import annotations

from slipway.gitops.locators import Locator
from slipway.gitops.repo import GitRemote, clone
from slipway.gitops.values_edit import safe_repo_path
from slipway.promotion.steps.locate import read_values
from slipway.refs import ImageRef

__all__ = ["current_image"]


async def current_image(
    remote: GitRemote, values_path: str, locator: Locator, *, app: str, env: str
) -> ImageRef:
    """The image an environment runs now, read by `locator` from its file on the base branch."""
    path = safe_repo_path(values_path)
    repo = await clone(remote, paths=(path,))
    text = await read_values(repo, path, remote.url, app, env)
    return locator.read(text, path)
