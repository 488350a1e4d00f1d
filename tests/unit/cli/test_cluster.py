"""`slipway cluster`: a thin wrapper over cluster.sh; status works with nothing provisioned."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from slipway.kube.local_cluster import PARTS


def _slipway(*args: str, cache: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SLIPWAY_CACHE": str(cache)}
    return subprocess.run([sys.executable, "-m", "slipway.cli.app", *args], capture_output=True, text=True,
                          env=env, check=False, timeout=60)  # fmt: skip


def test_help_lists_the_commands(tmp_path: Path) -> None:
    proc = _slipway("cluster", "--help", cache=tmp_path)
    assert proc.returncode == 0
    for command in ("up", "down", "status", "env", "namespace"):
        assert command in proc.stdout


def test_status_and_env_without_a_cluster(tmp_path: Path) -> None:
    status = _slipway("cluster", "status", cache=tmp_path)
    assert status.returncode == 0, status.stderr
    lines = status.stdout.splitlines()
    assert [line.split(":")[0] for line in lines[: len(PARTS)]] == list(PARTS)
    assert all("not built (run: cluster.sh build)" in line for line in lines[: len(PARTS)])
    assert re.search(r"^kubeconfig: +missing$", status.stdout, re.MULTILINE)
    env = _slipway("cluster", "env", cache=tmp_path)
    assert env.stdout.strip() == f"export KUBECONFIG={tmp_path}/cluster/kubeconfig"


def test_down_with_nothing_running_is_fine(tmp_path: Path) -> None:
    proc = _slipway("cluster", "down", cache=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.count(": not running") == len(PARTS)


def test_namespace_needs_a_name(tmp_path: Path) -> None:
    proc = _slipway("cluster", "namespace", cache=tmp_path)
    assert proc.returncode == 2
