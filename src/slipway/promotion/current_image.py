"""The image an environment runs now, for `promote --from`, and where that answer came from.

In this order: the newest promotion commit's `Slipway-Image` trailer (unless something else
changed the environment's file since); else the image the locator reads from the file, when it
names a repository; else the file's tag or digest with slipway.yaml's `image.repository`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from slipway.errors import ConfigError
from slipway.gitops.history import read_log
from slipway.gitops.locators import Locator
from slipway.gitops.repo import GitRemote, clone
from slipway.gitops.trailers import Commit
from slipway.gitops.values_edit import safe_repo_path
from slipway.promotion.steps.locate import read_values
from slipway.refs import ImageRef, split_ref

__all__ = ["SourceImage", "current_image", "file_image", "source_image", "trailer_image"]


@dataclass(frozen=True)
class SourceImage:
    """The image an environment runs, and where it was read (`from ...`, for people and the PR)."""

    image: ImageRef
    origin: str


def trailer_image(commits: Sequence[Commit], app: str, env: str, path: str) -> SourceImage | None:
    """The newest promotion's `Slipway-Image` still in force at `path` (commits newest first), or None.

    Rollbacks and the promotions they reverted are passed over; any other commit that changed
    the file since means the file, not a trailer, says what runs.
    """
    reverted: set[str] = set()
    for commit in commits:
        if path not in commit.files or commit.sha in reverted:
            continue
        trailers = commit.trailers
        if "Slipway-Reverts" in trailers:
            reverted.add(trailers["Slipway-Reverts"])
            continue
        mine = trailers.get("Slipway-App") == app and trailers.get("Slipway-Env") == env
        image = trailers.get("Slipway-Image", "")
        if not mine or not image:
            return None
        return SourceImage(split_ref(image), f"from the newest promotion trailer, commit {commit.sha[:7]}")
    return None


def file_image(text: str, path: str, locator: Locator, repository: str) -> SourceImage:
    """The image the locator reads from the file; `repository` (slipway.yaml's) when the file names none."""
    where = f"{path} (locator {locator.kind})"
    read = locator.read(text, path)
    if not read.tag and not read.digest:
        msg = f"promote --from: {where} names no image tag or digest (promote an --image there first)"
        raise ConfigError(msg)
    if read.repository:
        return SourceImage(read, f"from {where}")
    if not repository:
        msg = (
            f"promote --from: {where} names no image repository and there is no promotion trailer "
            "for it (pass --source APP_DIR: slipway.yaml's image.repository completes it)"
        )
        raise ConfigError(msg)
    image = ImageRef(repository, read.tag, read.digest)
    return SourceImage(image, f"tag from {where}, repository from slipway.yaml's image.repository")


async def source_image(
    remote: GitRemote, values_path: str, locator: Locator, *, app: str, env: str, repository: str = ""
) -> SourceImage:
    """The image `env` runs: its newest promotion trailer, else its file on the base branch."""
    path = safe_repo_path(values_path)
    repo, commits = await read_log(remote, "promote", paths=(path,))
    found = trailer_image(commits, app, env, path)
    if found is not None:
        return found
    return file_image(await read_values(repo, path, remote.url, app, env), path, locator, repository)


async def current_image(
    remote: GitRemote, values_path: str, locator: Locator, *, app: str, env: str
) -> ImageRef:
    """The image an environment runs now, read by `locator` from its file on the base branch."""
    path = safe_repo_path(values_path)
    repo = await clone(remote, paths=(path,))
    text = await read_values(repo, path, remote.url, app, env)
    return locator.read(text, path)
