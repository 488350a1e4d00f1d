"""resolve: the image refused when it may never be promoted, else pinned and given its release branch.

The refusals need nothing but the request and also run before anything is cloned
(`promotion_steps`); the step runs after `locate`, so the registry is asked only about an image
from the app's own repository.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from slipway.errors import ConfigError
from slipway.identity import check_app, check_env
from slipway.promotion.branches import release_branch
from slipway.refs import ImageRef, parse_ref

__all__ = ["ResolveInput", "ResolvedImage", "check_promotion", "refuse", "resolve_image"]

Pin = Callable[[ImageRef], Awaitable[ImageRef]]


@dataclass(frozen=True)
class ResolveInput:
    """The image, where it goes and how; `pin` asks the registry (default: `registry.pin_digest`)."""

    app: str
    env: str
    image: ImageRef
    protected: bool
    direct_push: bool = False
    pin: Pin | None = None


@dataclass(frozen=True)
class ResolvedImage:
    """The image to write (pinned for a protected environment) and the branch that proposes it."""

    image: ImageRef
    branch: str


def check_promotion(image: str, *, env: str, protected: bool, direct_push: bool) -> ImageRef:
    """Refuse what can never be promoted, before anything is cloned or pushed."""
    ref = parse_ref(image)
    if ref.tag == "latest":
        msg = f"promote: refusing {image!r}: 'latest' is never promoted (use a commit SHA or digest)"
        raise ConfigError(msg)
    if protected and not ref.is_immutable:
        msg = (
            f"promote: refusing {image!r} for protected environment {env!r}: "
            "the tag is mutable (use a 40-hex commit SHA tag or @sha256 digest)"
        )
        raise ConfigError(msg)
    if protected and direct_push:
        msg = (
            f"promote: {env!r} is protected (or not declared unprotected in slipway.yaml): "
            "it is promoted only through a reviewed pull request"
        )
        raise ConfigError(msg)
    if not ref.tag and not ref.digest:
        msg = f"promote: {image!r} names no tag or digest"
        raise ConfigError(msg)
    return ref


def refuse(inp: ResolveInput) -> None:
    """Refuse a bad app or environment name, and an image that may never go to this environment."""
    check_app(inp.app, "promote")
    check_env(inp.env, "promote")
    check_promotion(str(inp.image), env=inp.env, protected=inp.protected, direct_push=inp.direct_push)


async def resolve_image(inp: ResolveInput) -> ResolvedImage:
    """The image pinned to the digest its registry serves (protected environments only), and its branch."""
    refuse(inp)
    image = inp.image
    if inp.protected:
        if inp.pin is None:
            from slipway.registry import pin_digest

            image = await pin_digest(image)
        else:
            image = await inp.pin(image)
    return ResolvedImage(image, release_branch(inp.app, inp.env, image))
