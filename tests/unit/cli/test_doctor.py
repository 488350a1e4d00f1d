"""`slipway doctor` on a machine with no engine: exit 1 and one line per problem with a fix."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_doctor_reports_every_problem(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "SLIPWAY_CACHE": str(tmp_path),
        "SLIPWAY_ENGINE_NAME": "slipway-no-such-engine",
        "SLIPWAY_REGISTRY_PORT": str(_free_port()),
    }
    proc = subprocess.run(
        [sys.executable, "-m", "slipway.cli.app", "doctor"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=120,
    )
    assert proc.returncode == 1
    errors = [line for line in proc.stderr.splitlines() if line.startswith("error: ")]
    assert [e.split(":")[1].strip() for e in errors] == [
        "dagger cli",
        "engine container",
        "registry",
    ]
    assert all("make engine" in e for e in errors)
    assert "FAIL dagger cli" in proc.stdout
