"""Canonical names: what enters as an app, environment, branch or repository URL."""

from __future__ import annotations

import pytest

from slipway.errors import ConfigError
from slipway.identity import (
    check_app,
    check_branch,
    check_commit,
    check_env,
    check_repo_url,
    is_protected,
    redact_url,
)


@pytest.mark.parametrize("name", ["dev", "prod", "web-api", "a", "a1-b2", "x" * 63])
def test_good_labels(name: str) -> None:
    assert check_app(name) == name
    assert check_env(name) == name


@pytest.mark.parametrize("name", ["", "prod/", "./prod", "PROD", "-a", "a-", "a_b", "a.b", "x" * 64, "a\n"])
def test_bad_labels(name: str) -> None:
    with pytest.raises(ConfigError, match="is not a valid name"):
        check_env(name)


@pytest.mark.parametrize("name", ["main", "release/1.2", "feature/x_y", "v1+build"])
def test_good_branches(name: str) -> None:
    assert check_branch(name) == name


@pytest.mark.parametrize(
    "name", ["", "-main", "a..b", "a//b", "a/.b", "a/", "a.", "a.lock", "a@{1}", "a b", "a~1", "a:b", "$(id)"]
)
def test_bad_branches(name: str) -> None:
    with pytest.raises(ConfigError, match="is not a valid branch name"):
        check_branch(name)


def test_commit() -> None:
    assert check_commit("a" * 40, "x") == "a" * 40
    with pytest.raises(ConfigError, match="not a full 40-hex"):
        check_commit("A" * 40, "x")


def test_protection_fails_closed() -> None:
    assert is_protected("dev", None)
    assert not is_protected("dev", {"dev": False})
    assert is_protected("qa", {"dev": False})


def test_repo_urls() -> None:
    assert check_repo_url("https://h/o/r.git") == "https://h/o/r.git"
    with pytest.raises(ConfigError, match="carries credentials") as info:
        check_repo_url("https://u:pw@h/o/r.git")
    assert "pw" not in str(info.value)
    with pytest.raises(ConfigError, match="not an http"):
        check_repo_url("ssh://git@h/o/r.git")
    with pytest.raises(ConfigError, match="whitespace"):
        check_repo_url("https://h/o/r.git\nx")
    assert redact_url("https://u:pw@h/o") == "https://***@h/o"
    assert redact_url("https://h/o@x") == "https://h/o@x"
