"""publish: which tags may be pushed, the credentials for the registry host, and the pinned reference."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

from slipway.errors import ConfigError
from slipway.stages.publish import PublishConfig, RegistryAuth, check_publish_tag, publish

SHA = "e" * 40
DIGEST = "sha256:" + "1" * 64


def test_a_commit_sha_tag_is_pushed_as_is() -> None:
    ref = check_publish_tag(PublishConfig("registry.test:5000/acme/web", SHA, protected=True))
    assert (ref.repository, ref.tag, ref.digest) == ("registry.test:5000/acme/web", SHA, "")


@pytest.mark.parametrize(
    ("config", "message"),
    [
        (PublishConfig("r.test/web", "latest", allow_custom_tag=True), "refusing to push 'latest'"),
        (PublishConfig("r.test/web", "v1", protected=True, allow_custom_tag=True), "required for protected"),
        (PublishConfig("r.test/web", "v1"), r"pass --allow-custom-tag"),
    ],
)
def test_tags_that_break_immutability_are_refused(config: PublishConfig, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        check_publish_tag(config)


def test_a_custom_tag_needs_allowing_and_an_unprotected_env() -> None:
    assert check_publish_tag(PublishConfig("r.test/web", "v1", allow_custom_tag=True)).tag == "v1"


@dataclass
class FakeImage:
    """An image that records its registry credentials and where it was pushed."""

    auth: list[tuple[str, str, Any]] = field(default_factory=list)
    pushed: list[str] = field(default_factory=list)

    def with_registry_auth(self, host: str, username: str, secret: Any) -> FakeImage:
        self.auth.append((host, username, secret))
        return self

    async def publish(self, ref: str) -> str:
        self.pushed.append(ref)
        return f"{ref}@{DIGEST}"


async def test_the_push_returns_the_reference_pinned_to_the_registry_digest() -> None:
    image = FakeImage()
    ref = await publish(image, PublishConfig("r.test:5000/acme/web", SHA))  # type: ignore[arg-type]
    assert image.pushed == [f"r.test:5000/acme/web:{SHA}"] and image.auth == []
    assert str(ref) == f"r.test:5000/acme/web:{SHA}@{DIGEST}"


async def test_credentials_go_to_the_repository_host_only() -> None:
    image, secret = FakeImage(), object()
    auth = RegistryAuth("ci", secret)  # type: ignore[arg-type]
    await publish(image, PublishConfig("r.test:5000/acme/web", SHA, auth=auth))  # type: ignore[arg-type]
    assert image.auth == [("r.test:5000", "ci", secret)]


async def test_a_refused_tag_pushes_nothing() -> None:
    image = FakeImage()
    with pytest.raises(ConfigError):
        await publish(image, PublishConfig("r.test/web", "latest"))  # type: ignore[arg-type]
    assert image.pushed == []
