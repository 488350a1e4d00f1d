"""`make engine` provisioning: idempotent when warm, one clear line when a step fails."""

from __future__ import annotations

import os
import re
import socket
import subprocess
from pathlib import Path

import pytest

from slipway.engine.settings import EngineSettings

pytestmark = pytest.mark.engine

ENGINE_SH = Path(__file__).resolve().parents[2] / "src" / "slipway" / "provision" / "engine.sh"
RUN_SH = ENGINE_SH.parent / "engine-run.sh"


def test_warm_engine_up_rebuilds_nothing(engine: EngineSettings) -> None:
    proc = subprocess.run(
        ["bash", str(ENGINE_SH), "up"], capture_output=True, text=True, check=False, timeout=300
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    built = re.findall(r"^==> (\S+) \.\.\. ok", proc.stdout, flags=re.MULTILINE)
    assert built == [], f"a warm `make engine` rebuilt: {built}"
    assert "ready in" in proc.stdout


def test_port_taken_stops_at_the_step_with_its_log(engine: EngineSettings) -> None:
    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        held.listen()
        port = held.getsockname()[1]
        env = {**os.environ, "SLIPWAY_ENGINE_NAME": "slipway-port-test", "SLIPWAY_REGISTRY_PORT": str(port)}
        proc = subprocess.run(
            ["bash", str(RUN_SH)], capture_output=True, text=True, env=env, check=False, timeout=120
        )
    assert proc.returncode == 1
    line = f"slipway engine: step 'engine-start' failed (exit 1); read {engine.logs_dir}/engine-start.log"
    assert line in proc.stderr
    assert f"port 127.0.0.1:{port} is taken" in (engine.logs_dir / "engine-start.log").read_text()
    ps = subprocess.run(["docker", "ps", "-a", "--filter", "name=slipway-port-test", "-q"],
                        capture_output=True, text=True, check=True)  # fmt: skip
    assert ps.stdout.strip() == "", "no half-started engine may be left behind"
