"""The container a stage's command runs in: the image, with its PATH cleared of sbin directories.

An engine configured with custom CA certificates installs them into every exec's container. When
`update-ca-certificates` is on the container's PATH it runs it before and after each exec, which
costs seconds each time; otherwise it appends the certificates to the image's CA bundle, which
TLS clients read all the same. Pipeline tools do not live in sbin, so slipway leaves it off.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import dagger

__all__ = ["has_shell", "path_without_sbin", "tool_container"]

# An image's PATH, and whether it has /bin/sh, looked up once per image per process.
_PATHS: dict[str, str] = {}
_SHELLS: dict[str, bool] = {}


def path_without_sbin(path: str) -> str:
    """`path` without its `sbin` directories (`/usr/sbin`, `/sbin`, `/usr/local/sbin`, ...)."""
    kept = [part for part in path.split(":") if part and part.rstrip("/").rsplit("/", 1)[-1] != "sbin"]
    return ":".join(kept)


async def tool_container(image: str) -> dagger.Container:
    """A container from `image` whose PATH is the image's own without its sbin directories."""
    import dagger
    from dagger import dag

    ctr = dag.container().from_(image)
    if image not in _PATHS:
        try:
            _PATHS[image] = path_without_sbin(await ctr.env_variable("PATH") or "")
        except dagger.QueryError:
            return ctr  # an image that will not resolve fails in the stage, with the stage's hint
    path = _PATHS[image]
    return ctr.with_env_variable("PATH", path) if path else ctr


async def has_shell(image: str) -> bool:
    """Whether `image` has /bin/sh (a distroless image has none); False when it will not resolve."""
    import dagger
    from dagger import dag

    if image not in _SHELLS:
        try:
            _SHELLS[image] = await dag.container().from_(image).exists("/bin/sh")
        except dagger.QueryError:
            return False
    return _SHELLS[image]
