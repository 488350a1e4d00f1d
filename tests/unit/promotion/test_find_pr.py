"""find-pr: the open pull request first (proving the token), then the branch's file."""

from __future__ import annotations

import pytest
from promotion_fakes import REPO_REF, FakeForge, pr

from slipway.errors import StageError
from slipway.promotion.steps.find_pr import FindPrInput, find_pr

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
