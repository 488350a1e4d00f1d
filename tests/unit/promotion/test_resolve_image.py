"""resolve: the refusals, digest pinning only for protected environments, the branch of the pinned image."""

from __future__ import annotations

import pytest

from slipway.errors import ConfigError
from slipway.identity import check_branch
from slipway.promotion.branches import release_branch, release_prefix
from slipway.promotion.steps.resolve_image import ResolveInput, resolve_image
from slipway.refs import ImageRef, parse_ref

REPO = "localhost:5000/acme/web"
SHA = "a" * 40
DIGEST = "sha256:" + "ab" * 32


class Pinner:
    def __init__(self) -> None:
        self.asked: list[ImageRef] = []

    async def __call__(self, image: ImageRef) -> ImageRef:
        self.asked.append(image)
        return image.with_digest(DIGEST)


@pytest.mark.parametrize(
    ("image", "protected", "direct", "message"),
    [
        (f"{REPO}:latest", False, False, "'latest' is never promoted"),
        (f"{REPO}:v1", True, False, "the tag is mutable"),
        (f"{REPO}@{DIGEST}", True, True, "only through a reviewed pull request"),
    ],
)
async def test_what_may_never_be_promoted_is_refused_before_the_registry_is_asked(
    image: str, protected: bool, direct: bool, message: str
) -> None:
    pin = Pinner()
    with pytest.raises(ConfigError, match=message):
        await resolve_image(ResolveInput("web", "prod", parse_ref(image), protected, direct, pin))
    assert pin.asked == []


async def test_a_bad_environment_name_is_refused() -> None:
    with pytest.raises(ConfigError, match="is not a valid name"):
        await resolve_image(ResolveInput("web", "PROD/", parse_ref(f"{REPO}:{SHA}"), False))


async def test_only_a_protected_environment_pins_the_digest_and_its_branch_names_the_pinned_image() -> None:
    pin = Pinner()
    image = parse_ref(f"{REPO}:{SHA}")
    dev = await resolve_image(ResolveInput("web", "dev", image, False, pin=pin))
    assert pin.asked == [] and dev.image == image
    assert dev.branch == release_branch("web", "dev", image)

    prod = await resolve_image(ResolveInput("web", "prod", image, True, pin=pin))
    assert pin.asked == [image]
    assert prod.image.digest == DIGEST and prod.image.tag == SHA
    assert prod.branch == release_branch("web", "prod", prod.image)
    assert prod.branch != release_branch("web", "prod", image), "the digest is part of the branch's hash"


def test_each_app_env_and_image_has_its_own_valid_branch_under_its_prefix() -> None:
    images = [parse_ref(f"{REPO}:{SHA}"), parse_ref(f"{REPO}@{DIGEST}"), parse_ref(f"{REPO}:v1.2..3")]
    names = {release_branch(a, e, i) for a in ("web", "web-api") for e in ("dev", "api-dev") for i in images}
    assert len(names) == 2 * 2 * len(images)
    for name in names:
        assert check_branch(name) == name
    assert release_branch("web", "dev", images[0]).startswith(release_prefix("web", "dev") + SHA + "-")
    assert release_branch("web", "dev", images[1]).startswith("release/web/dev/" + "ab" * 20 + "-")
