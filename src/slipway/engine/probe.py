"""Questions answered by the engine itself, on the global `dag`."""

from __future__ import annotations

__all__ = ["engine_version"]


async def engine_version() -> str:
    """The running engine's version, as the engine reports it."""
    from dagger import dag

    return await dag.version()
