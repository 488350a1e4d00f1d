"""Tunnels from engine containers to a server on the caller's loopback, started once per session.

A tunnel bound unstarted is started and stopped around every exec that binds it (~0.15 s each);
started once, every container of the session binds the same one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from slipway.engine.connection import session_number

if TYPE_CHECKING:
    import dagger

__all__ = ["host_tunnel"]

_STARTED: dict[tuple[int, str, int], dagger.Service] = {}


async def host_tunnel(host: str, port: int) -> dagger.Service:
    """The started tunnel to `host:port` on the caller's side, the same for this whole engine session."""
    from dagger import PortForward, dag

    key = (session_number(), host, port)
    if key not in _STARTED:
        tunnel = dag.host().service([PortForward(backend=port, frontend=port)], host=host)
        # Concurrent first calls may each start it: the engine runs one service per definition.
        _STARTED[key] = await tunnel.start()
    return _STARTED[key]
