"""The pure parts of promotion and rollback: branch names, history parsing and rollback scope."""

from __future__ import annotations

import pytest

from slipway.errors import ConfigError
from slipway.gitops.locators import image_changes
from slipway.gitops.rollback import check_revertible, rollback_branch
from slipway.gitops.trailers import Commit, parse_log
from slipway.identity import check_branch
from slipway.promotion import check_promotion, release_branch
from slipway.refs import parse_ref

REPO = "localhost:5000/acme/web"
DIGEST = "sha256:" + "ab" * 32


def test_each_app_env_and_image_has_its_own_valid_branch() -> None:
    images = [parse_ref(f"{REPO}:{'a' * 40}"), parse_ref(f"{REPO}:{'a' * 40}@{DIGEST}"),
              parse_ref(f"{REPO}@{DIGEST}"), parse_ref(f"{REPO}:v1.2..3")]  # fmt: skip
    names = {release_branch(app, env, img) for app in ("web", "web-api") for env in ("api-dev", "dev")
             for img in images}  # fmt: skip
    assert len(names) == 2 * 2 * len(images)
    for name in names:
        assert check_branch(name) == name
    assert release_branch("web-api", "dev", images[0]).startswith(f"release/web-api/dev/{'a' * 40}-")
    assert rollback_branch("web-api", "prod", "c" * 40) == f"rollback/web-api/prod/{'c' * 12}"


def test_latest_mutable_and_direct_push_to_protected_are_refused() -> None:
    with pytest.raises(ConfigError, match="'latest' is never promoted"):
        check_promotion(f"{REPO}:latest", env="dev", protected=False, direct_push=False)
    with pytest.raises(ConfigError, match="the tag is mutable"):
        check_promotion(f"{REPO}:v1", env="prod", protected=True, direct_push=False)
    with pytest.raises(ConfigError, match="only through a reviewed pull request"):
        check_promotion(f"{REPO}@{DIGEST}", env="prod", protected=True, direct_push=True)


def test_image_changes_write_the_repository_only_when_configured() -> None:
    img = parse_ref(f"{REPO}:{'a' * 40}@{DIGEST}")
    assert image_changes(img, "image.tag", "image.digest") == {"image.tag": "a" * 40, "image.digest": DIGEST}
    assert image_changes(img, "t", "", "r") == {
        "r": REPO,
        "t": f"{'a' * 40}@{DIGEST}",
    }  # no digest key: folded
    assert image_changes(parse_ref(f"{REPO}:v1"), "t", "") == {"t": "v1"}
    with pytest.raises(ConfigError, match="has no tag to carry its digest and gitops.digest_key is empty"):
        image_changes(parse_ref(f"{REPO}@{DIGEST}"), "t", "")


def test_log_parsing_keeps_each_commits_files() -> None:
    out = (
        "\x1e" + "1" * 40 + "\x1f2026-01-01T00:00:00Z\x1fPromote web 1 to dev\n\nSlipway-App: web\n"
        "Slipway-Env: dev\n\x1d\n\napps/web/dev/values.yaml\napps/web/prod/values.yaml\n"
        "\x1e" + "2" * 40 + "\x1f2026-01-01T00:00:00Z\x1fSeed\n\x1d\n\nREADME.md\n"
    )
    first, second = parse_log(out)
    assert first.trailers == {"Slipway-App": "web", "Slipway-Env": "dev"}
    assert first.files == ("apps/web/dev/values.yaml", "apps/web/prod/values.yaml")
    assert (second.subject, second.files) == ("Seed", ("README.md",))


def test_rollback_reverts_only_commits_confined_to_the_env() -> None:
    dev = frozenset({"apps/web/dev/values.yaml"})
    ok = Commit("1" * 40, "t", "Promote", {}, ("apps/web/dev/values.yaml",))
    check_revertible(ok, dev, "dev")
    wide = Commit("2" * 40, "t", "Promote", {}, ("apps/web/dev/values.yaml", "apps/web/prod/values.yaml"))
    with pytest.raises(ConfigError, match=r"it changes apps/web/prod/values.yaml besides 'dev'"):
        check_revertible(wide, dev, "dev")
    with pytest.raises(ConfigError, match="changes no files"):
        check_revertible(Commit("3" * 40, "t", "Empty", {}, ()), dev, "dev")
