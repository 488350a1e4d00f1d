"""from: the image another environment runs, read from the clone, for `promote --from` of a group.

Or the image a build just published, given (build-and-propose of several apps).

Each app of a group reads its own; an image that may never go to the target environment is
refused here, before anything is pushed.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from slipway.gitops.locators import Locator
from slipway.promotion.steps.locate import read_values
from slipway.promotion.steps.resolve_image import check_promotion
from slipway.refs import ImageRef

if TYPE_CHECKING:
    import dagger

__all__ = ["SourceImageInput", "given_image", "source_image"]


@dataclass(frozen=True)
class SourceImageInput:
    """The app, the environment it comes from and its file there, and the target's rules."""

    app: str
    from_env: str
    path: str
    url: str
    locator: Locator
    repository: str
    env: str
    protected: bool
    direct_push: bool = False


async def source_image(inp: SourceImageInput, repo: dagger.Directory) -> ImageRef:
    """The image `from_env`'s file names (its repository filled in from the app's), checked for `env`."""
    text = await read_values(repo, inp.path, inp.url, inp.app, inp.from_env)
    return given_image(inp, inp.locator.read(text, inp.path))


def given_image(inp: SourceImageInput, ref: ImageRef) -> ImageRef:
    """`ref` (its repository filled in from the app's), checked for `inp.env`."""
    if not ref.repository:
        ref = replace(ref, repository=inp.repository)
    check_promotion(str(ref), env=inp.env, protected=inp.protected, direct_push=inp.direct_push)
    return ref
