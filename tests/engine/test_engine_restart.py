"""The engine dies in the middle of build-and-propose; the same command, run again, converges.

This restarts the shared engine, so it runs alone, after the rest of the suite (`disruptive`).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from apps import make_app, registry_tags
from conftest import ROOT, Forge, GitopsRepo

pytestmark = [pytest.mark.engine, pytest.mark.disruptive]


def _cli(args: list[str], env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "slipway.cli.app", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env)  # fmt: skip


def test_engine_killed_mid_graph_then_rerun_converges(
    forge: Forge, gitops_repo: GitopsRepo, tmp_path: Path
) -> None:
    # A test that takes a while (and is new to Go's test cache) keeps the graph busy when the engine dies.
    slow = (
        'package server\n\nimport (\n\t"testing"\n\t"time"\n)\n\n'
        "func TestSlowForRestart(t *testing.T) {\n"
        f'\tt.Log("{uuid.uuid4().hex}")\n\ttime.Sleep(25 * time.Second)\n}}\n'
    )
    app, repo_path = make_app(tmp_path, "web-api", {"internal/server/slow_test.go": lambda _: slow})
    env = {**os.environ, forge.token_env: forge.token}
    args = ["run", "build-and-propose", "--source", str(app), "--repo", gitops_repo.url,
            "--token", f"env:{forge.token_env}"]  # fmt: skip
    engine_name = os.environ.get("SLIPWAY_ENGINE_NAME", "slipway-engine")

    first = _cli(args, env)
    assert first.stderr is not None
    seen = []
    for line in first.stderr:
        seen.append(line)
        if line.split() == ["...", "test"]:  # the test stage has started
            break
    assert seen and seen[-1].split() == ["...", "test"], "".join(seen)[-2000:]
    time.sleep(5)
    subprocess.run(["docker", "kill", engine_name], check=True, capture_output=True)
    try:
        rest = first.communicate(timeout=600)[1]
    finally:
        subprocess.run(["bash", str(ROOT / "src/slipway/provision/engine-run.sh")], check=True,
                       capture_output=True)  # fmt: skip
    errors = [line for line in (*seen, *rest.splitlines()) if line.startswith("error: ")]
    assert first.returncode != 0, rest[-2000:]
    assert errors and "Traceback" not in rest, rest[-2000:]
    assert forge.token not in rest
    assert registry_tags(repo_path) == []
    assert forge.git(gitops_repo.checkout, "ls-remote", "--heads", "origin").count("refs/heads/") == 1

    second = _cli(args, env)
    out, err = second.communicate(timeout=900)
    assert second.returncode == 0, err[-3000:]
    assert "PR: http" in out
    assert len(registry_tags(repo_path)) == 1
    with forge.api() as api:
        pulls = api.get(f"/repos/slipway/{gitops_repo.name}/pulls", params={"state": "open"}).json()
    assert len(pulls) == 1
    branch = pulls[0]["head"]["ref"]
    forge.git(gitops_repo.checkout, "fetch", "-q", "origin")
    count = forge.git(gitops_repo.checkout, "rev-list", "--count", f"origin/main..origin/{branch}").strip()
    assert count == "1"
