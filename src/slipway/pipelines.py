"""Run a declared pipeline from the host: load config, read the checkout, connect, run the graph."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from slipway.config import AppConfig, load_config
from slipway.engine.connection import engine_connection
from slipway.graph import GraphResult, StepRecord, run_graph
from slipway.source import SOURCE_EXCLUDES, source_info

__all__ = ["BuildOptions", "run_build"]


@dataclass(frozen=True)
class BuildOptions:
    """What `slipway run build` was asked for."""

    source: Path
    env: str = ""
    revision: str = ""
    tag: str = ""
    allow_custom_tag: bool = False
    cache_suffix: str = ""


async def run_build(
    options: BuildOptions, on_change: Callable[[StepRecord], None] | None = None
) -> tuple[AppConfig, GraphResult]:
    """Run the build graph (test, build, scan, render, validate, publish) for one app."""
    from slipway.graphs import BuildRequest, build_steps, preflight  # noqa: PLC0415

    config = load_config(options.source)
    info = source_info(options.source, options.revision)
    env = config.environment(options.env or config.environments[0].name)
    preflight(config, env.name, options.tag or info.revision, allow_custom_tag=options.allow_custom_tag)
    async with engine_connection():
        from dagger import dag  # noqa: PLC0415

        request = BuildRequest(
            config=config,
            source=dag.host().directory(str(options.source.resolve()), exclude=SOURCE_EXCLUDES),
            env=env.name,
            revision=info.revision,
            created=info.created,
            source_url=info.url,
            tag=options.tag,
            allow_custom_tag=options.allow_custom_tag,
            cache_suffix=options.cache_suffix,
        )
        result = await run_graph(build_steps(request), on_change)
    return config, result
