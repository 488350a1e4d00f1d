"""publish: push the image under its commit SHA (never `latest`) and return the pinned digest."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from slipway.errors import ConfigError
from slipway.refs import ImageRef, is_commit_sha, parse_ref
from slipway.stages.engine_calls import stage_errors

if TYPE_CHECKING:
    import dagger

__all__ = ["PublishConfig", "RegistryAuth", "check_publish_tag", "publish"]


@dataclass(frozen=True)
class RegistryAuth:
    """Push credentials: only publish ever receives them."""

    username: str
    password: dagger.Secret


@dataclass(frozen=True)
class PublishConfig:
    """Where to push, under which tag, and whether a non-SHA tag was explicitly allowed."""

    repository: str
    tag: str
    protected: bool = False
    allow_custom_tag: bool = False
    auth: RegistryAuth | None = None


def check_publish_tag(config: PublishConfig) -> ImageRef:
    """The reference to push, or a ConfigError when the tag breaks the immutability rules."""
    ref = parse_ref(f"{config.repository}:{config.tag}")
    if config.tag == "latest":
        msg = "publish: refusing to push 'latest' (slipway pushes the commit SHA as an immutable tag)"
        raise ConfigError(msg)
    if not is_commit_sha(config.tag):
        if config.protected:
            msg = f"publish: tag {config.tag!r} is not a 40-hex commit SHA, required for protected envs"
            raise ConfigError(msg)
        if not config.allow_custom_tag:
            msg = f"publish: tag {config.tag!r} is not a 40-hex commit SHA (pass --allow-custom-tag)"
            raise ConfigError(msg)
    return ref


async def publish(image: dagger.Container, config: PublishConfig) -> ImageRef:
    """Push `image`; return `repository:tag@sha256:...` as the registry recorded it."""
    ref = check_publish_tag(config)
    if config.auth is not None:
        host = config.repository.split("/", 1)[0]
        image = image.with_registry_auth(host, config.auth.username, config.auth.password)
    async with stage_errors("publish", f"push {ref}", "check the registry and credentials"):
        pushed = await image.publish(str(ref))
    return ref.with_digest(pushed.rsplit("@", 1)[1])
