"""The `dagger session` process, started before the Dagger SDK is imported.

Importing the SDK and opening a session each take about a second; started first, the session
comes up while the SDK imports, and the SDK joins it as it joins a `dagger run` session (through
DAGGER_SESSION_PORT and DAGGER_SESSION_TOKEN, set only while it connects).
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
from collections.abc import Iterator
from importlib import metadata
from pathlib import Path
from typing import TextIO

from slipway.errors import EngineError

__all__ = ["SessionProcess", "joined"]

_PORT, _TOKEN = "DAGGER_SESSION_PORT", "DAGGER_SESSION_TOKEN"
# As long as the SDK waits for its own session to end (it may still be exporting cache).
_CLOSE_TIMEOUT_S = 300


def _sdk_version() -> str:
    try:
        return metadata.version("dagger-io")
    except metadata.PackageNotFoundError:
        return "n/a"


class SessionProcess:
    """A running `<cli> session`, labelled as the Python SDK labels its own; its stderr to `log`."""

    def __init__(self, cli: Path, log: TextIO) -> None:
        argv = [str(cli), "session", "--label", "dagger.io/sdk.name:python",
                "--label", f"dagger.io/sdk.version:{_sdk_version()}"]  # fmt: skip
        self._log = getattr(log, "name", "")
        try:
            self._proc = subprocess.Popen(
                argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log, text=True, bufsize=1
            )
        except OSError as exc:
            raise EngineError(f"could not start a session with {cli}: {exc} (run `slipway doctor`)") from exc

    def params(self) -> tuple[int, str]:
        """The session's port and token, once it is up; an EngineError when it could not start."""
        assert self._proc.stdout is not None
        line = self._proc.stdout.readline()
        try:
            got = json.loads(line)
            return int(got["port"]), str(got["session_token"])
        except (ValueError, KeyError, TypeError):
            code = self._proc.wait()
            host = os.environ.get("_EXPERIMENTAL_DAGGER_RUNNER_HOST", "the engine")
            log = f"; its log: {self._log}" if isinstance(self._log, str) and self._log else ""
            msg = f"could not connect to {host}: the session exited with status {code}{log}"
            raise EngineError(f"{msg} (run `slipway doctor`)") from None

    def close(self) -> int:
        """End the session (stdin closed, as the SDK ends its own); its exit status once it has finished."""
        if self._proc.stdin is not None:
            with contextlib.suppress(OSError):
                self._proc.stdin.close()
        try:
            return self._proc.wait(_CLOSE_TIMEOUT_S)
        except BaseException:
            self._proc.kill()
            raise


@contextlib.contextmanager
def joined(port: int, token: str) -> Iterator[None]:
    """The SDK pointed at the session on `port` while the block runs (the variables removed afterwards)."""
    os.environ[_PORT], os.environ[_TOKEN] = str(port), token
    try:
        yield
    finally:
        os.environ.pop(_PORT, None)
        os.environ.pop(_TOKEN, None)
