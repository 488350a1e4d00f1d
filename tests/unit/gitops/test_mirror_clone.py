"""The clone script run with the host's git: a bare mirror fetched into incrementally, checkouts from it.

The script is the one the git container runs; here the "remote" is a local bare repository.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from slipway.gitops.repo import GIT_CLONE

_ID = ["-c", "user.name=t", "-c", "user.email=t@example.com"]


def _git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", *_ID, *args], cwd=cwd, capture_output=True, text=True, check=True,
                          timeout=30).stdout  # fmt: skip


def _origin(tmp: Path) -> tuple[Path, Path]:
    """A bare 'remote' holding one commit on main, and the working copy that pushes to it."""
    origin, work = tmp / "origin.git", tmp / "work"
    subprocess.run(["git", "init", "-q", "--bare", "-b", "main", str(origin)], check=True, timeout=30)
    work.mkdir()
    _git(work, "init", "-q", "-b", "main")
    (work / "values.yaml").write_text("tag: one\n")
    _git(work, "add", "-A")
    _git(work, "commit", "-qm", "one")
    _git(work, "push", "-q", str(origin), "main")
    return origin, work


def _clone(
    tmp: Path, origin: Path, into: str, base: str = "main", extra: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ, "REPO_URL": str(origin), "SLIPWAY_BASE": base,
        "SLIPWAY_MIRROR": str(tmp / "cache" / "repo.git"), "SLIPWAY_CHECKOUT": str(tmp / into), **(extra or {}),
    }  # fmt: skip
    (tmp / "cache").mkdir(exist_ok=True)
    return subprocess.run(["sh", "-c", "set -eu\n" + GIT_CLONE], env=env, capture_output=True, text=True,
                          check=False, timeout=60)  # fmt: skip


def test_a_checkout_borrows_the_mirrors_objects_and_points_at_the_remote(tmp_path: Path) -> None:
    origin, _ = _origin(tmp_path)
    assert _clone(tmp_path, origin, "a").returncode == 0
    checkout = tmp_path / "a"
    assert (checkout / "values.yaml").read_text() == "tag: one\n"
    alternates = (checkout / ".git" / "objects" / "info" / "alternates").read_text()
    assert alternates.strip() == str(tmp_path / "cache" / "repo.git" / "objects")
    assert _git(checkout, "remote", "get-url", "origin").strip() == str(origin)


def test_a_second_clone_fetches_what_is_new_into_the_same_mirror(tmp_path: Path) -> None:
    origin, work = _origin(tmp_path)
    assert _clone(tmp_path, origin, "a").returncode == 0
    (work / "values.yaml").write_text("tag: two\n")
    _git(work, "commit", "-qam", "two")
    _git(work, "push", "-q", str(origin), "main")
    assert _clone(tmp_path, origin, "b").returncode == 0
    assert (tmp_path / "b" / "values.yaml").read_text() == "tag: two\n"
    mirror = tmp_path / "cache" / "repo.git"
    assert _git(mirror, "rev-parse", "refs/heads/main").strip() == _git(work, "rev-parse", "HEAD").strip()
    assert _git(mirror, "config", "gc.auto").strip() == "0"


def test_a_missing_base_branch_exits_12_and_an_unreachable_remote_11(tmp_path: Path) -> None:
    origin, _ = _origin(tmp_path)
    missing = _clone(tmp_path, origin, "a", base="release-2024")
    assert missing.returncode == 12
    assert "release-2024" in missing.stderr
    assert _clone(tmp_path, tmp_path / "nowhere.git", "b").returncode == 11


def test_a_base_that_is_no_branch_name_exits_12_and_runs_nothing(tmp_path: Path) -> None:
    origin, _ = _origin(tmp_path)
    marker = tmp_path / "ran"
    assert _clone(tmp_path, origin, "a", base=f"$(touch {marker})").returncode == 12
    assert _clone(tmp_path, origin, "b", base="main:refs/heads/other").returncode == 12
    assert not marker.exists()


def test_the_release_branches_under_the_prefix_are_read_with_the_clone(tmp_path: Path) -> None:
    origin, work = _origin(tmp_path)
    for branch, text in (("release/web/dev/a-1", "tag: a\n"), ("release/web/dev/b-2", None),
                         ("release/web/prod/c-3", "tag: c\n")):  # fmt: skip
        _git(work, "checkout", "-q", "-B", branch, "main")
        if text is None:
            _git(work, "rm", "-q", "values.yaml")
        else:
            (work / "values.yaml").write_text(text)
        _git(work, "commit", "-qam", branch)
        _git(work, "push", "-q", str(origin), branch)
    proposed = tmp_path / "proposed"
    extra = {"SLIPWAY_PROPOSED": "release/web/dev/", "SLIPWAY_PROPOSED_DIR": str(proposed),
             "SLIPWAY_SHOW_PATH": "values.yaml"}  # fmt: skip
    assert _clone(tmp_path, origin, "a", extra=extra).returncode == 0
    found = {str(p.relative_to(proposed)): p.read_text() for p in proposed.rglob("*") if p.is_file()}
    assert found == {"release/web/dev/a-1": "tag: a\n", "release/web/dev/b-2": ""}
    _git(work, "push", "-q", str(origin), "--delete", "release/web/dev/a-1")
    assert (
        _clone(
            tmp_path, origin, "b", extra={**extra, "SLIPWAY_PROPOSED_DIR": str(tmp_path / "p2")}
        ).returncode
        == 0
    )
    assert [p.name for p in (tmp_path / "p2").rglob("*") if p.is_file()] == ["b-2"], (
        "a deleted branch is gone"
    )
