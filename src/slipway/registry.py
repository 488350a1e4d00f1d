"""What the registry serves: the digest an image reference resolves to, asked of the engine."""

from __future__ import annotations

from slipway.errors import ConfigError, StageError
from slipway.refs import ImageRef

__all__ = ["pin_digest"]


async def _digest_of(ref: str, stage: str) -> str:
    import dagger
    from dagger import dag

    try:
        resolved = await dag.container().from_(ref).image_ref()
    except dagger.QueryError as exc:
        text = str(exc).lower()
        if "not found" in text or "unknown" in text or "manifest" in text:
            msg = f"{stage}: {ref} does not exist in its registry (was it published?)"
            raise ConfigError(msg) from exc
        last = (str(exc).strip().splitlines() or [type(exc).__name__])[-1]
        msg = f"could not resolve {ref} in its registry: {last} (check that the registry is up)"
        raise StageError(stage, msg) from exc
    _, _, digest = resolved.rpartition("@")
    if not digest.startswith("sha256:"):
        msg = f"could not resolve {ref}: the registry answered {resolved!r} without a digest"
        raise StageError(stage, msg)
    return digest


async def pin_digest(image: ImageRef, stage: str = "promote") -> ImageRef:
    """`image` pinned to the digest its registry serves; refuse a digest or tag it does not serve.

    With both a tag and a digest, the tag must still point at that digest.
    """
    if image.digest:
        await _digest_of(f"{image.repository}@{image.digest}", stage)
        if not image.tag:
            return image
    served = await _digest_of(f"{image.repository}:{image.tag}", stage)
    if image.digest and served != image.digest:
        msg = (
            f"{stage}: refusing {image}: the tag {image.tag!r} now points at {served}, not at the "
            "pinned digest (was the tag overwritten? promote by the digest the tag had when it was built)"
        )
        raise ConfigError(msg)
    return image.with_digest(served)
