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


@pytest.mark.parametrize(("running", "killed"), [("false", True), ("true", False)])
def test_kills_the_session_only_when_the_engine_is_gone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, running: str, killed: bool
) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    _fake(bin_dir, "docker", f"echo {running}")  # `docker inspect` answers for the engine container
    monkeypatch.setenv("PATH", f"{bin_dir}:{os.environ['PATH']}")
    monkeypatch.setenv("_EXPERIMENTAL_DAGGER_RUNNER_HOST", "docker-container://slipway-engine")
    session = subprocess.Popen([str(_fake(tmp_path, "dagger", "sleep 30")), "session"])
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
