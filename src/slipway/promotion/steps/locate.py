"""locate: the environment's file read from the clone, and the image's repository checked against it.

The repository is checked here, before any registry is asked about the image (`resolve`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from slipway.errors import ConfigError
from slipway.gitops.locators import KeysLocator, Locator
from slipway.refs import ImageRef

if TYPE_CHECKING:
    import dagger

__all__ = ["LocateInput", "Located", "check_repository", "locate", "read_values"]


@dataclass(frozen=True)
class LocateInput:
    """Whose file it is, where it is, how the image sits in it, and the image to check."""

    app: str
    env: str
    protected: bool
    image: ImageRef
    path: str
    url: str
    locator: Locator
    repository: str = ""


@dataclass(frozen=True)
class Located:
    """The file's path and its text on the base branch."""

    path: str
    text: str


def check_repository(inp: LocateInput, text: str) -> None:
    """Refuse an image from another repository than the app's, unless the locator writes the repository."""
    if inp.locator.writes_repository:
        return
    image, path = inp.image, inp.path
    expected = inp.repository or inp.locator.repository(text, path)
    if not expected:
        if inp.protected:
            msg = (
                f"promote: cannot tell whether {image.repository} is {inp.app!r}'s repository: {path} "
                "names none and no slipway.yaml was given (pass --source APP_DIR)"
            )
            raise ConfigError(msg)
        return
    if image.repository != expected:
        hint = ""
        if isinstance(inp.locator, KeysLocator):
            hint = " (set gitops.repository_key in slipway.yaml to promote other repositories)"
        msg = (
            f"promote: refusing {image} for {inp.app!r} in {inp.env!r}: its repository is "
            f"{expected}, not {image.repository}{hint}"
        )
        raise ConfigError(msg)


async def read_values(repo: dagger.Directory, path: str, url: str, app: str, env: str) -> str:
    """The file at `path` in the clone; a ConfigError naming the app and environment when it is missing."""
    import dagger

    try:
        return await repo.file(path).contents()
    except dagger.QueryError as exc:
        msg = (
            f"promote: no values file {path} in {url} for app {app!r} and "
            f"environment {env!r} (unknown app or env? check gitops.values_path)"
        )
        raise ConfigError(msg) from exc


async def locate(inp: LocateInput, repo: dagger.Directory) -> Located:
    """Read the file from the clone and check the image belongs there."""
    text = await read_values(repo, inp.path, inp.url, inp.app, inp.env)
    check_repository(inp, text)
    return Located(inp.path, text)
