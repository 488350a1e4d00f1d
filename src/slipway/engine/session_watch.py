"""While a Dagger session closes: end it at once when its engine is gone.

The SDK closes a session by waiting up to 300 s for the `dagger session` process to exit, which
it never does once the engine container has died; the run would hang, then end in a traceback.
"""

from __future__ import annotations

import os
import signal
import subprocess
import threading
from pathlib import Path

__all__ = ["SessionWatch"]

_POLL_S = 2.0
_LIMIT_S = 330.0


def _session_children() -> list[int]:
    """This process's `<dagger CLI> session` children (Linux /proc; none found elsewhere)."""
    cli = os.environ.get("_EXPERIMENTAL_DAGGER_CLI_BIN", "").encode()
    me, found = os.getpid(), []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            ppid = int(stat.read_text().rsplit(")", 1)[1].split()[1])
            argv = (stat.parent / "cmdline").read_bytes().split(b"\0")
        except (OSError, IndexError, ValueError):
            continue
        if ppid == me and cli and cli in argv and b"session" in argv:
            found.append(int(stat.parent.name))
    return found


def _engine_gone() -> bool:
    """Whether the engine is a local container that no longer runs."""
    host = os.environ.get("_EXPERIMENTAL_DAGGER_RUNNER_HOST", "")
    if not host.startswith("docker-container://"):
        return False
    name = host.removeprefix("docker-container://")
    try:
        proc = subprocess.run(
            ["docker", "inspect", "-f", "{{.State.Running}}", name],
            capture_output=True,
            text=True,
            check=False,
            timeout=10,
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    if proc.returncode == 0:
        return proc.stdout.strip() == "false"
    return "no such" in proc.stderr.lower()  # removed; any other docker failure proves nothing


class SessionWatch:
    """A watchdog, started when the session begins to close, that kills it if the engine died."""

    def __init__(self) -> None:
        self.killed = False
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Begin watching (from the code that is about to close the session)."""
        self._thread = threading.Thread(target=self._watch, name="slipway-session-watch", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop watching."""
        self._stop.set()

    def _watch(self) -> None:
        waited = 0.0
        while not self._stop.wait(_POLL_S) and waited < _LIMIT_S:
            waited += _POLL_S
            children = _session_children()
            if not children:
                return
            if _engine_gone():
                for pid in children:
                    os.kill(pid, signal.SIGKILL)
                self.killed = True
                return
