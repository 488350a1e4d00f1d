"""The session watchdog ends a `dagger session` child only when its engine container is gone."""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

import pytest

from slipway.engine.session_watch import SessionWatch


def _fake(tmp_path: Path, name: str, body: str) -> Path:
    path = tmp_path / name
    path.write_text(f"#!/bin/sh\n{body}\n")
    path.chmod(0o755)
    return path


@pytest.mark.parametrize(
    ("docker", "killed"),
    [
        ("echo false", True),
        ("echo 'Error: No such object: slipway-engine' >&2; exit 1", True),
        ("echo true", False),
        ("echo 'Cannot connect to the Docker daemon' >&2; exit 1", False),
    ],
)
def test_kills_the_session_only_when_the_engine_is_gone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, docker: str, killed: bool
) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    _fake(bin_dir, "docker", docker)  # what `docker inspect` answers for the engine container
    monkeypatch.setenv("PATH", f"{bin_dir}:{os.environ['PATH']}")
    monkeypatch.setenv("_EXPERIMENTAL_DAGGER_RUNNER_HOST", "docker-container://slipway-engine")
    cli = _fake(tmp_path, "dagger", "sleep 30")
    # Only sessions of this CLI are watched: never the real session a test run may hold open.
    monkeypatch.setenv("_EXPERIMENTAL_DAGGER_CLI_BIN", str(cli))
    session = subprocess.Popen([str(cli), "session"])
    watch = SessionWatch()
    try:
        watch.start()
        deadline = time.monotonic() + 15
        while session.poll() is None and time.monotonic() < deadline and killed:
            time.sleep(0.2)
        if not killed:
            time.sleep(5)
        assert watch.killed is killed
        assert (session.poll() is not None) is killed
    finally:
        watch.stop()
        session.kill()
        session.wait()
