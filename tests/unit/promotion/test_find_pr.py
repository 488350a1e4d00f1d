"""find-pr: the open pull request first (proving the token), then the branch's file."""

from __future__ import annotations

from typing import Any

import pytest
from promotion_fakes import REPO_REF, FakeForge, pr

from slipway.errors import StageError
from slipway.promotion.steps.find_pr import FindPrInput, cloned_branch_file, find_pr

BRANCH = "release/web/dev/abc-12345678"


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
