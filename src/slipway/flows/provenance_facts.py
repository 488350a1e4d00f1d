"""The facts a build's provenance records, gathered from the request and the engine."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from slipway.provenance import BuildFacts

if TYPE_CHECKING:
    from slipway.flows.build import BuildRequest

__all__ = ["build_facts", "tool_digests"]


async def tool_digests(tools: Mapping[str, str]) -> dict[str, str]:
    """Each tool image reference with its digest: the one it is pinned to, else the one served."""
    from dagger import dag

    resolved = {}
    for name, ref in tools.items():
        if "@sha256:" in ref:  # pinned (locked): the stage ran exactly this
            resolved[name] = ref
            continue
        pinned = await dag.container().from_(ref).image_ref()
        digest = pinned.rpartition("@")[2]
        resolved[name] = f"{ref.split('@', 1)[0]}@{digest}" if digest.startswith("sha256:") else ref
    return resolved


async def build_facts(req: BuildRequest, tools: Mapping[str, str]) -> BuildFacts:
    """The provenance facts of `req`'s build, with `tools` resolved to digests."""
    from dagger import dag

    import slipway

    cfg = req.config
    return BuildFacts(
        source_url=req.source_url, revision=req.revision, created=req.created, app=cfg.app, env=req.env,
        dockerfile=cfg.build.dockerfile, context=cfg.build.context, slipway_version=slipway.__version__,
        engine_version=await dag.version(), tools=await tool_digests(tools),
    )  # fmt: skip
