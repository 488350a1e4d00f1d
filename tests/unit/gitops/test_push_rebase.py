"""The direct push script run with the host's git: a lost race is fetched, rebased and pushed again.

Two checkouts of one base each commit a different file; the second push is rejected, then lands.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from slipway.gitops.repo import PUSH_REBASE

_ID = ["-c", "user.name=t", "-c", "user.email=t@example.com"]


def _git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", *_ID, *args], cwd=cwd, capture_output=True, text=True, check=True,
                          timeout=30).stdout  # fmt: skip


def _checkout(tmp: Path, origin: Path, name: str, path: str) -> Path:
    """A clone of `origin` with one commit adding `path`."""
    dest = tmp / name
    _git(tmp, "clone", "-q", str(origin), str(dest))
    (dest / path).write_text(f"{name}\n")
    _git(dest, "add", path)
    _git(dest, "commit", "-qm", name)
    return dest


def _push(tmp: Path, checkout: Path, attempts: int = 4) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com", "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.com", "SLIPWAY_MIRROR": str(tmp / "mirror.git"),
        "SLIPWAY_REF": "main", "SLIPWAY_BASE": "main", "SLIPWAY_ATTEMPTS": str(attempts),
        "SLIPWAY_RACE": "fetch first|non-fast-forward",
    }  # fmt: skip
    return subprocess.run(["sh", "-c", "set -eu\n" + PUSH_REBASE], cwd=checkout, env=env, capture_output=True,
                          text=True, check=False, timeout=60)  # fmt: skip


def _origin(tmp: Path) -> Path:
    origin, seed = tmp / "origin.git", tmp / "seed"
    subprocess.run(["git", "init", "-q", "--bare", "-b", "main", str(origin)], check=True, timeout=30)
    seed.mkdir()
    _git(seed, "init", "-q", "-b", "main")
    (seed / "README").write_text("gitops\n")
    _git(seed, "add", "README")
    _git(seed, "commit", "-qm", "seed")
    _git(seed, "push", "-q", str(origin), "main")
    return origin


def test_the_loser_of_a_race_rebases_and_lands_on_its_second_attempt(tmp_path: Path) -> None:
    origin = _origin(tmp_path)
    first = _checkout(tmp_path, origin, "first", "a.yaml")
    second = _checkout(tmp_path, origin, "second", "b.yaml")
    won = _push(tmp_path, first)
    assert won.returncode == 0 and won.stdout.split()[1] == "1"
    lost_then_landed = _push(tmp_path, second)
    assert lost_then_landed.returncode == 0, lost_then_landed.stderr
    commit, attempts = lost_then_landed.stdout.split()
    assert attempts == "2"
    assert _git(origin, "rev-parse", "main").strip() == commit
    assert set(_git(origin, "ls-tree", "--name-only", "main").split()) == {"README", "a.yaml", "b.yaml"}


def test_a_conflicting_rebase_exits_5_and_pushes_nothing(tmp_path: Path) -> None:
    origin = _origin(tmp_path)
    first = _checkout(tmp_path, origin, "first", "same.yaml")
    second = _checkout(tmp_path, origin, "second", "same.yaml")
    assert _push(tmp_path, first).returncode == 0
    before = _git(origin, "rev-parse", "main")
    assert _push(tmp_path, second).returncode == 5
    assert _git(origin, "rev-parse", "main") == before


def test_out_of_attempts_exits_4(tmp_path: Path) -> None:
    origin = _origin(tmp_path)
    first = _checkout(tmp_path, origin, "first", "a.yaml")
    second = _checkout(tmp_path, origin, "second", "b.yaml")
    assert _push(tmp_path, first).returncode == 0
    assert _push(tmp_path, second, attempts=1).returncode == 4
