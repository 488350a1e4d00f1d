"""The direct push script run with the host's git: a lost race is fetched, rebased and pushed again.

Two checkouts of one base each commit a different file; the second push is rejected, then lands.
"""

from __future__ import annotations

import fcntl
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


def _env(tmp: Path, attempts: int, lock: str = "mirror.git") -> dict[str, str]:
    return {
        **os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com", "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.com", "SLIPWAY_MIRROR": str(tmp / lock),
        "SLIPWAY_REF": "main", "SLIPWAY_BASE": "main", "SLIPWAY_ATTEMPTS": str(attempts),
        "SLIPWAY_RACE": "fetch first|non-fast-forward",
    }  # fmt: skip


def _push(
    tmp: Path, checkout: Path, attempts: int = 4, *, lock_free: bool = True
) -> subprocess.CompletedProcess[str]:
    """Run the script in `checkout`; `lock_free=False`: as the holder of the turn (another lock file)."""
    env = _env(tmp, attempts, "mirror.git" if lock_free else "holder.git")
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


def test_a_push_that_waited_its_turn_rebases_first_and_lands_at_once(tmp_path: Path) -> None:
    origin = _origin(tmp_path)
    first = _checkout(tmp_path, origin, "first", "a.yaml")
    second = _checkout(tmp_path, origin, "second", "b.yaml")
    with (tmp_path / "mirror.git.push-lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        waiting = subprocess.Popen(["sh", "-c", "set -eu\n" + PUSH_REBASE], cwd=second, env=_env(tmp_path, 4),
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # fmt: skip
        assert waiting.stderr is not None
        assert "waiting for the other pushes" in waiting.stderr.readline()
        assert _git(origin, "rev-parse", "main") == _git(second, "rev-parse", "origin/main"), (
            "nothing pushed yet"
        )
        assert _push(tmp_path, first, lock_free=False).returncode == 0, "the holder of the turn pushes"
        fcntl.flock(lock, fcntl.LOCK_UN)
    out, _ = waiting.communicate(timeout=60)
    assert waiting.returncode == 0
    commit, attempts = out.split()
    assert attempts == "1", "rebased before its first push: no lost race"
    assert _git(origin, "rev-parse", "main").strip() == commit
