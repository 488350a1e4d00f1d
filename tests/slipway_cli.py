"""Run the slipway CLI as a user types it, with an engine name that points nowhere."""

from __future__ import annotations

import os
import subprocess
import sys


def slipway(
    *args: str, env: dict[str, str] | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """`slipway ARGS` in a subprocess; anything that got as far as connecting would exit 1, not 2."""
    full_env = {**os.environ, "SLIPWAY_ENGINE_NAME": "slipway-no-such-engine", **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "slipway.cli.app", *args],
        capture_output=True,
        text=True,
        check=False,
        env=full_env,
        timeout=timeout,
    )
