"""Group promotions in history: each app's trailers read back, a group's name and branch, the rollback's scope."""

from __future__ import annotations

import pytest

from slipway.errors import ConfigError
from slipway.gitops.history import promotions
from slipway.gitops.rollback import check_group
from slipway.gitops.trailers import AppPromotion, group_message, group_rollback_message, parse_log
from slipway.identity import check_branch
from slipway.promotion.branches import group_branch, group_name
from slipway.promotion.discover import DEFAULT_TEMPLATE, apps_in
from slipway.refs import parse_ref

API = AppPromotion("api", "r.test/api:" + "a" * 40, "sha256:" + "1" * 64, "s" * 40, "a" * 40)
UI = AppPromotion("ui", "r.test/ui:" + "b" * 40, "", "s" * 40, "b" * 40)


def _log(*messages: str) -> str:
    return "".join(
        "\x1e" + f"{i}" * 40 + "\x1f2026-01-01T00:00:00Z\x1f" + m + "\x1d\n"
        for i, m in enumerate(messages, 1)
    )


def test_a_group_commit_keeps_each_app_s_trailers_apart() -> None:
    message = group_message("staging", "api+ui", [API, UI])
    assert message.startswith("Promote 2 apps to staging (api+ui)\n")
    (commit,) = parse_log(_log(message))
    assert commit.group == ("api", "ui")
    api, ui = commit.app_trailers("api"), commit.app_trailers("ui")
    assert api is not None and ui is not None and commit.app_trailers("other") is None
    assert (api["Slipway-Image"], api["Slipway-Digest"], api["Slipway-Env"]) == (
        API.image,
        API.digest,
        "staging",
    )
    assert (ui["Slipway-Image"], "Slipway-Digest" in ui) == (UI.image, False), "no digest of api's leaks"


def test_history_lists_a_group_for_each_of_its_apps_and_its_revert_marks_all_of_them() -> None:
    promoted = group_message("staging", "api+ui", [API, UI])
    single = (
        "Promote api x to staging\n\nSlipway-App: api\nSlipway-Env: staging\nSlipway-Image: r.test/api:x\n"
    )
    commits = parse_log(_log(single, promoted))
    group_sha = commits[1].sha
    api = promotions(commits, "api", "staging")
    assert [(p.image, p.group) for p in api] == [("r.test/api:x", ()), (API.image, ("api", "ui"))]
    assert [p.image for p in promotions(commits, "ui", "staging")] == [UI.image]
    assert promotions(commits, "ui", "dev") == []

    reverted = parse_log(_log(group_rollback_message("staging", ("api", "ui"), commits[1]), promoted))
    assert reverted[0].subject == f"Roll back api, ui in staging to before {group_sha[:12]}"
    assert all(p.rolled_back for app in ("api", "ui") for p in promotions(reverted, app, "staging"))


def test_a_group_is_rolled_back_only_with_all_of_its_apps() -> None:
    group, single = parse_log(
        _log(group_message("staging", "api+ui", [API, UI]), "Promote api\n\nSlipway-App: api\n")
    )
    check_group(group, ("ui", "api"), "staging")
    check_group(single, ("api",), "staging")
    with pytest.raises(
        ConfigError, match=r"together; it is rolled back as one unit: pass --app api --app ui"
    ):
        check_group(group, ("api",), "staging")
    with pytest.raises(ConfigError, match="moved it alone, not with ui"):
        check_group(single, ("api", "ui"), "staging")


def test_a_group_s_name_and_branch_are_the_same_in_any_order_and_valid() -> None:
    api, ui = parse_ref(API.image), parse_ref(UI.image)
    assert group_name(["ui", "api"]) == group_name(["api", "ui"]) == "api+ui"
    assert group_branch("staging", {"ui": ui, "api": api}) == group_branch("staging", {"api": api, "ui": ui})
    assert group_branch("staging", {"api": api, "ui": ui}) != group_branch("staging", {"api": ui, "ui": api})
    many = [f"service-number-{i}" for i in range(12)]
    long_name = group_name(many)
    assert long_name.startswith("12-apps+") and long_name == group_name(reversed(many))
    for name in (
        group_branch("staging", {"api": api, "ui": ui}),
        group_branch("prod", dict.fromkeys(many, api)),
    ):
        assert check_branch(name) == name


def test_all_finds_the_apps_with_a_file_in_both_environments() -> None:
    paths = [
        "apps/web-api/overlays/dev/values.yaml", "apps/web-api/overlays/staging/values.yaml",
        "apps/web-ui/overlays/dev/values.yaml", "apps/web-ui/overlays/staging/values.yaml",
        "apps/only-dev/overlays/dev/values.yaml", "apps/Bad_Name/overlays/dev/values.yaml",
        "apps/Bad_Name/overlays/staging/values.yaml",
    ]  # fmt: skip
    assert apps_in(paths, DEFAULT_TEMPLATE, ("staging", "dev")) == ["web-api", "web-ui"]
    with pytest.raises(ConfigError, match="--all needs"):
        apps_in(paths, "envs/{env}/values.yaml", ("dev",))
