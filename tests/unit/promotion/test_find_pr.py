"""find-pr: the open pull request first (proving the token), then the branch's file."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import Any

import pytest
from promotion_fakes import REPO_REF, FakeForge, pr

from slipway.errors import StageError
from slipway.promotion.steps import find_pr as find_pr_module
from slipway.promotion.steps.find_pr import FindPrInput, branch_files, cloned_branch_file, find_pr

BRANCH = "release/web/dev/abc-12345678"
NO_REMOTE: Any = None
NO_REPO: Any = None


class Reader:
    def __init__(self, text: str | None) -> None:
        self.text, self.read = text, []  # type: ignore[var-annotated]

    async def __call__(self, branch: str) -> str | None:
        self.read.append(branch)
        return self.text


async def test_the_open_pr_and_the_branch_file_are_found() -> None:
    forge, reader = FakeForge([pr(7, BRANCH), pr(8, BRANCH, base="other")]), Reader("tag: x\n")
    found = await find_pr(FindPrInput(forge, REPO_REF, "main", reader), BRANCH)
    assert found.pull_request is not None and found.pull_request.number == 7
    assert (found.proposed, reader.read) == ("tag: x\n", [BRANCH])
    assert found.forge is forge and found.repo == REPO_REF


async def test_no_branch_and_no_pr() -> None:
    found = await find_pr(FindPrInput(FakeForge(), REPO_REF, "main", Reader(None)), BRANCH)
    assert (found.pull_request, found.proposed) == (None, None)


async def test_a_forge_failure_stops_before_the_branch_is_read() -> None:
    forge = FakeForge(
        fail_find=StageError("promote", "could not list pull requests: forge refused the token (401)")
    )
    reader = Reader("tag: x\n")
    with pytest.raises(StageError, match="forge refused the token"):
        await find_pr(FindPrInput(forge, REPO_REF, "main", reader), BRANCH)
    assert reader.read == []


class Copies:
    """The clone's copies of the file, one per release branch (as `Cloned.proposed`)."""

    def __init__(self, files: dict[str, str]) -> None:
        self.files = files

    async def exists(self, path: str, *, expected_type: object = None) -> bool:
        assert str(expected_type).endswith("REGULAR_TYPE"), "a branch's copy is a regular file"
        return path in self.files

    def file(self, path: str) -> Copies:
        self.reading = path
        return self

    async def contents(self) -> str:
        return self.files[self.reading]


async def test_the_branch_file_comes_from_the_clones_copies() -> None:
    copies: Any = Copies({BRANCH: "tag: x\n", "release/web/dev/empty-1": ""})
    assert await cloned_branch_file(copies, BRANCH) == "tag: x\n"
    assert await cloned_branch_file(copies, "release/web/dev/empty-1") == "", "the branch lacks the file"
    assert await cloned_branch_file(copies, "release/web/dev/other-2") is None, "no such branch"


def _git(cwd: Path, *args: str) -> str:
    ident = ["-c", "user.name=t", "-c", "user.email=t@example.com"]
    return subprocess.run(["git", *ident, *args], cwd=cwd, capture_output=True, text=True, check=True,
                          timeout=30).stdout  # fmt: skip


async def test_a_groups_files_are_read_from_its_branch_in_one_git_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The script runs with the host's git in a clone of a local 'remote'; one run per branch asked."""
    origin, work = tmp_path / "origin.git", tmp_path / "work"
    subprocess.run(["git", "init", "-q", "--bare", "-b", "main", str(origin)], check=True, timeout=30)
    work.mkdir()
    _git(work, "init", "-q", "-b", "main")
    (work / "a.yaml").write_text("a: 1\n")
    _git(work, "add", "-A")
    _git(work, "commit", "-qm", "main")
    _git(work, "push", "-q", str(origin), "main")
    _git(work, "checkout", "-q", "-b", BRANCH)
    (work / "a.yaml").write_text("a: 2\n")
    (work / "b.yaml").write_text("b: 2\n")
    _git(work, "add", "-A")
    _git(work, "commit", "-qm", "proposed")
    _git(work, "push", "-q", str(origin), BRANCH)
    clone = tmp_path / "clone"
    _git(tmp_path, "clone", "-q", str(origin), str(clone))
    runs: list[list[str]] = []

    async def run_here(
        _: Any, __: Any, script: str, what: str, *, env: dict[str, str], args: list[str]
    ) -> str:
        runs.append(list(args))
        return subprocess.run(["sh", "-c", "set -eu\n" + script, "slipway-git", *args], cwd=clone,
                              env={**os.environ, **env}, capture_output=True, text=True, check=True,
                              timeout=30).stdout  # fmt: skip

    monkeypatch.setattr(find_pr_module, "git_output", run_here)
    paths = ["a.yaml", "b.yaml", "c.yaml"]
    assert await branch_files(NO_REMOTE, NO_REPO, paths, BRANCH) == ["a: 2\n", "b: 2\n", ""]
    assert await branch_files(NO_REMOTE, NO_REPO, paths, "release/web/dev/none-1") is None
    assert runs == [paths, paths]
