"""open-pr: an open PR reused, a new one opened with the evidence, a pushed branch deleted when opening fails."""

from __future__ import annotations

import pytest
from promotion_fakes import REPO_REF, FakeDelete, FakeForge, pr

from slipway.errors import StageError
from slipway.promotion.steps.open_pr import OpenPrInput, open_pr, pr_body, pr_title
from slipway.refs import parse_ref

BRANCH = "release/web/dev/x-12345678"
IMAGE = parse_ref("r.test/web:" + "a" * 40 + "@sha256:" + "b" * 64)
DIFF = "--- a/v.yaml\n+++ b/v.yaml\n-tag: old\n+tag: new\n"
FAILED = StageError(
    "promote", "could not open a pull request: forge failed 3 times, last HTTP 502 (retry later)"
)


def _input(delete: FakeDelete, evidence: str = "") -> OpenPrInput:
    return OpenPrInput("web", "dev", "main", delete, source="c" * 40, evidence=evidence)


async def test_an_open_pr_is_reused() -> None:
    forge, existing = FakeForge(), pr(7, BRANCH)
    opened = await open_pr(_input(FakeDelete()), forge, REPO_REF, BRANCH, existing, True, IMAGE, DIFF)
    assert (opened.pull_request, opened.opened, forge.calls) == (existing, False, [])


async def test_a_new_pr_carries_the_image_the_values_diff_and_the_evidence() -> None:
    forge = FakeForge()
    inp = _input(FakeDelete(), evidence="### Evidence\n- Tests passed\n")
    opened = await open_pr(inp, forge, REPO_REF, BRANCH, None, False, IMAGE, DIFF)
    assert opened.opened and opened.pull_request.head == BRANCH
    [(call, (head, base, title, body))] = forge.calls  # type: ignore[misc]
    assert (call, head, base) == ("open", BRANCH, "main")
    assert title == pr_title(inp, IMAGE) == f"Promote web {'a' * 40} to dev"
    assert body == pr_body(inp, IMAGE, DIFF)
    assert f"- Digest: `sha256:{'b' * 64}`" in body and f"- Source: `{'c' * 40}`" in body
    assert "```diff\n" + DIFF.rstrip() + "\n```" in body
    assert body.endswith("\n### Evidence\n- Tests passed\n")


def test_a_digest_only_image_is_titled_by_its_short_digest() -> None:
    digest_only = parse_ref("r.test/web@sha256:" + "b" * 64)
    assert pr_title(_input(FakeDelete()), digest_only) == f"Promote web sha256:{'b' * 12} to dev"
    assert "- Source: `unknown`" in pr_body(
        OpenPrInput("web", "dev", "main", FakeDelete()), digest_only, DIFF
    )


async def test_a_branch_this_run_pushed_is_deleted_when_the_pr_cannot_open() -> None:
    delete = FakeDelete()
    with pytest.raises(StageError) as info:
        await open_pr(_input(delete), FakeForge(fail_open=FAILED), REPO_REF, BRANCH, None, False, IMAGE, DIFF)
    assert str(info.value) == (
        "promote: could not open a pull request: forge failed 3 times, last HTTP 502 (retry later); "
        f"the pushed branch {BRANCH} was deleted again"
    )
    assert info.value.__cause__ is FAILED and delete.deleted == [BRANCH]


async def test_a_branch_that_could_not_be_deleted_says_to_rerun() -> None:
    with pytest.raises(
        StageError,
        match=rf"; the pushed branch {BRANCH} could not be deleted: rerun to open its pull request$",
    ):
        await open_pr(_input(FakeDelete(works=False)), FakeForge(fail_open=FAILED), REPO_REF, BRANCH, None, False,
                      IMAGE, DIFF)  # fmt: skip


async def test_a_branch_older_than_this_run_is_left_and_the_error_raised_as_it_is() -> None:
    delete = FakeDelete()
    with pytest.raises(StageError) as info:
        await open_pr(_input(delete), FakeForge(fail_open=FAILED), REPO_REF, BRANCH, None, True, IMAGE, DIFF)
    assert info.value is FAILED and delete.deleted == []
