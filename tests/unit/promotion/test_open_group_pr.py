"""open-pr (group): one PR, a section per app with its image, diff and evidence; an open one reused."""

from __future__ import annotations

import re

import pytest
from promotion_fakes import REPO_REF, FakeDelete, FakeForge, pr

from slipway.errors import StageError
from slipway.promotion.steps.open_group_pr import GroupMember, group_pr_body, open_group_pr
from slipway.promotion.steps.open_pr import OpenPrInput
from slipway.refs import parse_ref

BRANCH = "release/api+ui/staging/12345678"
API = parse_ref("r.test/api:" + "a" * 40 + "@sha256:" + "b" * 64)
UI = parse_ref("r.test/ui:" + "c" * 40)


def _members(delete: FakeDelete) -> list[GroupMember]:
    return [
        GroupMember(
            OpenPrInput("api", "staging", "main", delete, evidence="### Scan\napi clean"), API, "-a\n+A\n"
        ),
        GroupMember(OpenPrInput("ui", "staging", "main", delete), UI, "-u\n+U\n"),
    ]


async def test_a_new_group_pr_has_each_app_s_section() -> None:
    forge, delete = FakeForge(), FakeDelete()
    inp = OpenPrInput("api+ui", "staging", "main", delete)
    opened = await open_group_pr(inp, forge, REPO_REF, BRANCH, None, False, _members(delete))
    assert opened.opened and opened.pull_request.head == BRANCH
    [(call, (head, base, title, body))] = forge.calls  # type: ignore[misc]
    assert (call, head, base, title) == ("open", BRANCH, "main", "Promote 2 apps to staging (api+ui)")
    assert body == group_pr_body("staging", _members(delete))
    api_part, ui_part = body.split("## api\n")[1].split("## ui\n")
    assert f"`{API}`" in api_part and "+A" in api_part and "api clean" in api_part
    assert f"`{UI}`" in ui_part and "+U" in ui_part and "- Digest: `not pinned`" in ui_part
    assert "**api**, **ui**" in body.splitlines()[0]


async def test_an_open_group_pr_is_reused_and_a_failed_open_deletes_the_pushed_branch() -> None:
    existing, delete = pr(9, BRANCH), FakeDelete()
    forge = FakeForge()
    inp = OpenPrInput("api+ui", "staging", "main", delete)
    reused = await open_group_pr(inp, forge, REPO_REF, BRANCH, existing, True, _members(delete))
    assert (reused.pull_request, reused.opened, forge.calls) == (existing, False, [])

    failing = FakeForge(fail_open=StageError("promote", "could not open a pull request: HTTP 502"))
    with pytest.raises(StageError, match=re.escape(f"the pushed branch {BRANCH} was deleted again")):
        await open_group_pr(inp, failing, REPO_REF, BRANCH, None, False, _members(delete))
    assert delete.deleted == [BRANCH]
