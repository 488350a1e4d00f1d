"""A client connection to the local (or configured) Dagger engine, on the global `dag`."""

from __future__ import annotations

import contextlib
import os
from collections.abc import AsyncIterator
from pathlib import Path
from typing import TextIO

from slipway.engine.session_watch import SessionWatch
from slipway.engine.settings import EngineSettings
from slipway.errors import EngineError

__all__ = ["engine_connection", "point_client_at_engine", "private_log"]


def private_log(path: Path) -> TextIO:
    """`path` opened for appending, readable by its owner only (created 0600, tightened if not)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    os.fchmod(fd, 0o600)
    return os.fdopen(fd, "a")


def point_client_at_engine(settings: EngineSettings | None = None) -> EngineSettings:
    """Set the Dagger client variables for the slipway engine unless the caller set them."""
    settings = settings or EngineSettings.from_env()
    for key, value in settings.client_env().items():
        os.environ.setdefault(key, value)
    return settings


class _Open:
    depth = 0


@contextlib.asynccontextmanager
async def engine_connection(log_output: TextIO | None = None) -> AsyncIterator[None]:
    """Open a connection on `dagger.dag`; fail with an EngineError saying what to do.

    Inside an open connection (in any task of this process) this reuses it: to run several
    pipelines concurrently, open one connection around all of them. Engine progress goes to
    `log_output`, else to the file `SLIPWAY_ENGINE_LOG` names, if any.
    """
    if _Open.depth:
        _Open.depth += 1
        try:
            yield
        finally:
            _Open.depth -= 1
        return
    settings = point_client_at_engine()
    cli = Path(os.environ["_EXPERIMENTAL_DAGGER_CLI_BIN"])
    if not cli.is_file():  # noqa: ASYNC240  (one stat before connecting)
        raise EngineError(
            f"could not connect: no Dagger CLI at {cli} (run `make engine` or `slipway engine up`)"
        )
    import dagger

    watch = SessionWatch()
    try:
        async with contextlib.AsyncExitStack() as stack:
            if log_output is None:
                # Always give the session's stderr somewhere to go: an undrained pipe fills up
                # and the CLI then never exits when the connection closes.
                log_path = Path(
                    os.environ.get("SLIPWAY_ENGINE_LOG") or settings.logs_dir / "engine-session.log"
                )
                log_output = stack.enter_context(private_log(log_path))
            try:
                await stack.enter_async_context(dagger.connection(dagger.Config(log_output=log_output)))
            except (dagger.DaggerError, OSError) as exc:
                raise EngineError(
                    f"could not connect to {os.environ['_EXPERIMENTAL_DAGGER_RUNNER_HOST']}: "
                    f"{exc} (run `slipway doctor`)"
                ) from exc
            stack.callback(watch.start)  # runs before the SDK starts waiting for the session to end
            _Open.depth = 1
            try:
                yield
            finally:
                _Open.depth = 0
    except dagger.DaggerError as exc:
        if watch.killed:
            raise EngineError(
                "could not finish: the engine stopped during the run and nothing after that point "
                "happened (start it with `slipway engine up`, then rerun the same command)"
            ) from exc
        raise
    finally:
        watch.stop()
