"""LocalCluster: paths as cluster.sh writes them, and part states read from pid files."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from slipway.engine.health import cluster_checks
from slipway.kube.local_cluster import PARTS, LocalCluster


def test_paths_and_port_follow_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("SLIPWAY_CACHE", str(tmp_path))
    monkeypatch.setenv("SLIPWAY_CLUSTER_API_PORT", "17443")
    cluster = LocalCluster.from_env()
    assert cluster.server == "https://127.0.0.1:17443"
    assert cluster.kubeconfig == tmp_path / "cluster" / "kubeconfig"
    assert cluster.deploy_kubeconfig == tmp_path / "cluster" / "kubeconfig-deploy"
    assert not cluster.provisioned()


def test_a_pid_file_counts_only_when_the_process_runs_our_binary(tmp_path: Path) -> None:
    cluster = LocalCluster(tmp_path, 16443)
    (tmp_path / "bin").mkdir()
    (tmp_path / "run").mkdir()
    (tmp_path / "bin" / "etcd").write_text("")
    (tmp_path / "run" / "etcd.pid").write_text(f"{os.getpid()}\n")  # python, not our etcd
    state = cluster.part_state("etcd")
    assert state.built
    assert state.pid is None
    assert not cluster.part_state("kwok").built

    (tmp_path / "bin" / "python").symlink_to(Path(sys.executable).resolve())
    (tmp_path / "run" / "python.pid").write_text(str(os.getpid()))
    mine = cluster.part_state("python")
    assert mine.pid == os.getpid()
    assert mine.rss_mib > 0


def test_doctor_lines_warn_without_a_cluster_and_fail_when_one_is_required(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("SLIPWAY_CACHE", str(tmp_path))
    [line] = cluster_checks(required=False)
    assert (line.name, line.ok, line.warning) == ("cluster", True, True)
    assert "make cluster" in line.fix
    [line] = cluster_checks(required=True)
    assert (line.ok, line.warning) == (False, False)

    home = tmp_path / "cluster"
    home.mkdir()
    (home / "kubeconfig").write_text("users: []\n")
    (home / "kubeconfig-deploy").write_text("users: []\n")
    checks = cluster_checks(required=False)
    assert [c.name for c in checks] == [f"cluster {p}" for p in PARTS] + ["cluster api"]
    assert all(c.ok and c.warning for c in checks)
    assert "unreadable kubeconfig" in checks[-1].detail
