"""A client connection to the local (or configured) Dagger engine, on the global `dag`."""

from __future__ import annotations

import contextlib
import os
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path
from typing import TextIO

import anyio

from slipway.engine.session_process import SessionProcess, joined
from slipway.engine.session_watch import SessionWatch
from slipway.engine.settings import EngineSettings
from slipway.errors import EngineError

__all__ = ["engine_connection", "point_client_at_engine", "private_log", "session_number"]


def private_log(path: Path) -> TextIO:
    """`path` opened for appending, readable by its owner only (created 0600, tightened if not)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    log = open(path, "a", opener=lambda name, flags: os.open(name, flags, 0o600))  # noqa: SIM115  (`.name` is the path; the caller closes it)
    os.fchmod(log.fileno(), 0o600)
    return log


def point_client_at_engine(settings: EngineSettings | None = None) -> EngineSettings:
    """Set the Dagger client variables for the slipway engine unless the caller set them."""
    settings = settings or EngineSettings.from_env()
    for key, value in settings.client_env().items():
        os.environ.setdefault(key, value)
    return settings


@contextlib.contextmanager
def _session_log(given: TextIO | None, logs_dir: Path) -> Iterator[TextIO]:
    """Where the session's stderr goes: `given`, else the file SLIPWAY_ENGINE_LOG names or the logs dir's.

    It must always go somewhere: an undrained pipe fills up and the CLI then never exits when the
    connection closes.
    """
    if given is not None:
        yield given
        return
    with private_log(Path(os.environ.get("SLIPWAY_ENGINE_LOG") or logs_dir / "engine-session.log")) as log:
        yield log


_STOPPED = (
    "could not finish: the engine stopped during the run and nothing after that point happened "
    "(start it with `slipway engine up`, then rerun the same command)"
)


class _Open:
    depth = 0
    sessions = 0


def session_number() -> int:
    """Which of this process's engine connections is open (0 before the first, or in a module).

    What is kept for one session (a started service) is kept under this number.
    """
    return _Open.sessions


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
    with _session_log(log_output, settings.logs_dir) as log:
        # Started before the SDK is imported, the session comes up while it imports. Inside
        # `dagger run` (DAGGER_SESSION_PORT set), the SDK joins that session instead.
        session = None if os.environ.get("DAGGER_SESSION_PORT") else SessionProcess(cli, log)
        import dagger

        watch = SessionWatch()
        try:
            async with contextlib.AsyncExitStack() as stack:
                if session is not None:
                    stack.push_async_exit(_ending(session, watch))
                    port, token = await anyio.to_thread.run_sync(session.params)
                    with joined(port, token):
                        await _connect(stack, log)
                else:
                    await _connect(stack, log)
                stack.callback(watch.start)  # runs before the session is waited on to end
                _Open.depth, _Open.sessions = 1, _Open.sessions + 1
                try:
                    yield
                finally:
                    _Open.depth = 0
        except dagger.DaggerError as exc:
            if watch.killed:
                raise EngineError(_STOPPED) from exc
            raise
        finally:
            watch.stop()


def _ending(session: SessionProcess, watch: SessionWatch) -> Callable[..., Awaitable[bool]]:
    """The exit callback that ends `session`.

    It raises an EngineError when the engine died under the session, or when the session failed
    while nothing else was being raised.
    """

    async def end(exc_type: type[BaseException] | None, *_: object) -> bool:
        code = await anyio.to_thread.run_sync(session.close)
        if watch.killed:
            raise EngineError(_STOPPED)
        if code != 0 and exc_type is None:
            msg = f"could not finish: the engine session ended with status {code} (run `slipway doctor`)"
            raise EngineError(msg)
        return False

    return end


async def _connect(stack: contextlib.AsyncExitStack, log: TextIO) -> None:
    """The SDK connected on `dagger.dag` until `stack` closes; an EngineError saying what to do."""
    import dagger

    try:
        await stack.enter_async_context(dagger.connection(dagger.Config(log_output=log)))
    except (dagger.DaggerError, OSError) as exc:
        host = os.environ["_EXPERIMENTAL_DAGGER_RUNNER_HOST"]
        raise EngineError(f"could not connect to {host}: {exc} (run `slipway doctor`)") from exc
