"""supersede: only the other open release PRs of the same app and environment are closed."""

from __future__ import annotations

from promotion_fakes import REPO_REF, FakeForge, pr

from slipway.promotion.steps.supersede import SupersedeInput, older_proposals, supersede

INP = SupersedeInput("web", "dev", "main")
CURRENT = pr(10, "release/web/dev/new-11111111", title="Promote web new to dev")


def _open() -> list:  # type: ignore[type-arg]
    return [
        CURRENT,
        pr(3, "release/web/dev/old-22222222"),
        pr(4, "release/web/dev/older-33333333"),
        pr(5, "release/web-api/dev/old-44444444"),  # another app whose name starts the same
        pr(6, "release/web/dev-eu/old-55555555"),  # another environment whose name starts the same
        pr(7, "release/web/prod/old-66666666"),
        pr(8, "feature/web/dev/x"),
        pr(9, "release/web/dev/other-base", base="develop"),
    ]


def test_only_this_app_and_environment_s_other_release_branches_are_picked() -> None:
    assert [p.number for p in older_proposals(INP, _open(), CURRENT)] == [3, 4, 9]


async def test_the_older_prs_into_the_base_are_closed_pointing_at_the_new_one() -> None:
    forge = FakeForge(_open())
    result = await supersede(INP, forge, REPO_REF, CURRENT)
    assert result.closed == (3, 4)
    comment = f"Superseded by #10 ({CURRENT.url}): Promote web new to dev."
    assert [c for c in forge.calls if c[0] == "close"] == [("close", (3, comment)), ("close", (4, comment))]
    assert sorted(p.number for p in forge.open_prs) == [5, 6, 7, 8, 9, 10]


async def test_nothing_older_closes_nothing() -> None:
    forge = FakeForge([CURRENT])
    assert (await supersede(INP, forge, REPO_REF, CURRENT)).closed == ()
    assert [c[0] for c in forge.calls] == ["list_open"]
