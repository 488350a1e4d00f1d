"""The forge token never leaks: not in output, engine logs, errors, commits or exported files."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import Forge, GitopsRepo, app_source
from slipway.engine.settings import EngineSettings

pytestmark = pytest.mark.engine


def _slipway(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "slipway.cli.app", "--debug", *args],
                          capture_output=True, text=True, env=env, check=False, timeout=600)  # fmt: skip


def test_token_appears_nowhere(
    engine: EngineSettings, forge: Forge, gitops_repo: GitopsRepo, tmp_path: Path
) -> None:
    log = tmp_path / "engine.log"
    env = {**os.environ, "SLIPWAY_ENGINE_LOG": str(log), forge.token_env: forge.token}
    image = "localhost:5000/slipway-examples/web-api:" + "e" * 40
    common = [
        "--repo",
        gitops_repo.url,
        "--token",
        f"env:{forge.token_env}",
        "--source",
        str(app_source(tmp_path)),
    ]
    runs = [
        _slipway(["run", "promote", "--env", "dev", "--image", image, *common], env),
        _slipway(["run", "promote", "--env", "staging", "--image", image, "--direct-push", *common], env),
        _slipway(["history", "--env", "staging", *common], env),
        # A failing run: its error and traceback (--debug) must not carry the token either.
        _slipway(
            [
                "run",
                "promote",
                "--env",
                "dev",
                "--image",
                image,
                "--repo",
                "http://127.0.0.1:9/slipway/none.git",
                "--token",
                f"env:{forge.token_env}",
                "--source",
                str(app_source(tmp_path)),
            ],
            env,
        ),
    ]
    # The token inside the URL: refused before anything runs, and never echoed.
    in_url = gitops_repo.url.replace("http://", f"http://slipway:{forge.token}@")
    runs.append(_slipway(["history", "--env", "dev", "--repo", in_url, "--token", f"env:{forge.token_env}",
                          "--source", str(app_source(tmp_path))], env))  # fmt: skip
    assert [r.returncode for r in runs] == [0, 0, 0, 1, 2], [r.stderr[-500:] for r in runs]
    assert "carries credentials" in runs[4].stderr
    assert log.stat().st_mode & 0o777 == 0o600, "the engine session log must be private"
    assert "PR: " in runs[0].stdout and "could not reach" in runs[3].stderr

    mirror = tmp_path / "mirror.git"
    forge.git(tmp_path, "clone", "-q", "--mirror", gitops_repo.url, str(mirror))
    objects = subprocess.run(["git", "cat-file", "--batch-all-objects", "--batch"], cwd=mirror,
                             capture_output=True, check=True).stdout  # fmt: skip
    exported = b"".join(p.read_bytes() for p in mirror.rglob("*") if p.is_file())
    engine_logs = subprocess.run(["docker", "logs", engine.engine_name], capture_output=True, check=False)

    haystacks = {
        "cli output": "".join(r.stdout + r.stderr for r in runs).encode(),
        "engine progress log": log.read_bytes(),
        "commit objects": objects,
        "exported repository files": exported,
        "engine container log": engine_logs.stdout + engine_logs.stderr,
    }
    assert log.stat().st_size > 0 and len(objects) > 0
    token = forge.token.encode()
    assert {name: hay.count(token) for name, hay in haystacks.items()} == dict.fromkeys(haystacks, 0)
