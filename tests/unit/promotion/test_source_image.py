"""from: the image another environment runs, read from the clone, refused when it may not go on."""

from __future__ import annotations

from typing import Any

import pytest
from promotion_fakes import FakeRepo

from slipway.errors import ConfigError
from slipway.gitops.locators import KeysLocator
from slipway.promotion.steps.source_image import SourceImageInput, source_image

PATH = "apps/web/overlays/dev/values.yaml"
OURS = "localhost:5000/acme/web"
SHA = "a" * 40


def _input(*, protected: bool = False, direct_push: bool = False) -> SourceImageInput:
    return SourceImageInput(
        "web", "dev", PATH, "https://forge.test/acme/gitops.git", KeysLocator(), OURS, "staging",
        protected, direct_push,
    )  # fmt: skip


def _repo(tag: str, repository: str = "") -> Any:
    line = f"  repository: {repository}\n" if repository else ""
    return FakeRepo({PATH: f"image:\n{line}  tag: '{tag}'\n  digest: ''\n"})


async def test_the_image_the_source_env_runs_gets_the_app_s_repository_when_the_file_names_none() -> None:
    assert str(await source_image(_input(), _repo(SHA))) == f"{OURS}:{SHA}"
    assert str(await source_image(_input(), _repo(SHA, "other.test/web"))) == f"other.test/web:{SHA}"


@pytest.mark.parametrize(
    ("tag", "kw", "message"),
    [
        ("v1", {"protected": True}, "protected environment 'staging': the tag is mutable"),
        ("latest", {}, "'latest' is never promoted"),
        (SHA, {"protected": True, "direct_push": True}, "only through a reviewed pull request"),
    ],
)
async def test_an_image_that_may_not_go_to_the_target_is_refused(
    tag: str, kw: dict[str, bool], message: str
) -> None:
    with pytest.raises(ConfigError, match=message):
        await source_image(_input(**kw), _repo(tag))


async def test_a_missing_source_file_names_the_app_and_the_source_env() -> None:
    with pytest.raises(ConfigError, match=r"no values file .* for app 'web' and environment 'dev'"):
        await source_image(_input(), FakeRepo())
