"""clone: the file the promotion edits is a safe repo-relative path before anything is cloned."""

from __future__ import annotations

from typing import Any

import pytest

from slipway.errors import ConfigError
from slipway.gitops.repo import GitRemote
from slipway.promotion.steps.clone import clone_input

NO_TOKEN: Any = None
REMOTE = GitRemote("https://forge.test/acme/gitops.git", "slipway", NO_TOKEN, "alpine/git")


def test_the_path_is_normalised() -> None:
    assert clone_input(REMOTE, "apps/web/./dev/values.yaml").path == "apps/web/dev/values.yaml"


@pytest.mark.parametrize("path", ["../outside.yaml", "/etc/passwd", "apps/../../x.yaml"])
def test_a_path_leaving_the_repository_is_refused(path: str) -> None:
    with pytest.raises(ConfigError):
        clone_input(REMOTE, path)
