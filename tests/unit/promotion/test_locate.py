"""locate: the image's repository checked against the environment's file, given its text."""

from __future__ import annotations

import pytest

from slipway.errors import ConfigError
from slipway.gitops.locators import KeysLocator, Locator
from slipway.promotion.steps.locate import LocateInput, check_repository
from slipway.refs import parse_ref

PATH = "apps/web/dev/values.yaml"
OURS = "localhost:5000/acme/web"
VALUES = f"image:\n  repository: {OURS}\n  tag: old\n"
BARE = "image:\n  tag: old\n"


def _input(
    image: str, *, protected: bool = False, repository: str = "", locator: Locator | None = None
) -> LocateInput:
    return LocateInput(
        "web", "dev", protected, parse_ref(image), PATH, "https://forge.test/acme/gitops.git",
        locator or KeysLocator(), repository,
    )  # fmt: skip


def test_an_image_from_the_repository_the_file_names_passes() -> None:
    check_repository(_input(f"{OURS}:new"), VALUES)


def test_an_image_from_another_repository_is_refused_with_the_key_to_set() -> None:
    with pytest.raises(
        ConfigError, match=r"its repository is localhost:5000/acme/web, not evil.test/web \(set gitops"
    ):
        check_repository(_input("evil.test/web:new"), VALUES)


def test_slipway_yaml_s_repository_wins_over_the_file() -> None:
    check_repository(_input("other.test/web:new", repository="other.test/web"), VALUES)
    with pytest.raises(ConfigError, match="its repository is other.test/web"):
        check_repository(_input(f"{OURS}:new", repository="other.test/web"), VALUES)


def test_a_file_naming_no_repository_is_refused_only_for_a_protected_environment() -> None:
    check_repository(_input("any.test/web:new"), BARE)
    with pytest.raises(ConfigError, match=r"cannot tell whether any.test/web is 'web'.s repository"):
        check_repository(_input("any.test/web:new", protected=True), BARE)


def test_a_locator_that_writes_the_repository_accepts_any() -> None:
    check_repository(
        _input("evil.test/web:new", locator=KeysLocator(repository_key="image.repository")), VALUES
    )
