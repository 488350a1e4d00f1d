"""build: the Dockerfile and context handed to the engine, the provenance labels, and what is refused."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from slipway.errors import ConfigError
from slipway.stages.build import BuildConfig, build, oci_labels

WHEN, URL, SHA = "2024-05-01T10:00:00Z", "https://git.test/acme/web", "d" * 40


@dataclass
class FakeImage:
    """A built image that records its labels."""

    labels: dict[str, str] = field(default_factory=dict)

    def with_label(self, name: str, value: str) -> FakeImage:
        self.labels[name] = value
        return self

    async def sync(self) -> FakeImage:
        return self


@dataclass
class FakeSource:
    """A source directory that records where it was built from."""

    built: list[tuple[str, str]] = field(default_factory=list)
    image: FakeImage = field(default_factory=FakeImage)
    path: str = "."

    def directory(self, path: str) -> FakeSource:
        self.path = path
        return self

    def docker_build(self, dockerfile: str) -> FakeImage:
        self.built.append((self.path, dockerfile))
        return self.image


async def test_the_image_is_built_from_the_context_and_labelled_with_its_provenance() -> None:
    source = FakeSource()
    result = await build(source, BuildConfig("Dockerfile.prod", "app", SHA, WHEN, URL))  # type: ignore[arg-type]
    assert source.built == [("app", "Dockerfile.prod")]
    expected = {
        "org.opencontainers.image.source": URL,
        "org.opencontainers.image.revision": SHA,
        "org.opencontainers.image.created": WHEN,
    }
    assert result.labels == expected and source.image.labels == expected


async def test_the_root_context_is_the_source_itself_and_a_gates_only_build_has_no_labels() -> None:
    source = FakeSource()
    result = await build(source, BuildConfig("Dockerfile", ".", SHA, "", "", labelled=False))  # type: ignore[arg-type]
    assert source.built == [(".", "Dockerfile")]
    assert result.labels == {} == source.image.labels
    assert oci_labels(BuildConfig("Dockerfile", "", SHA, "", "", labelled=False)) == {}


def test_a_labelled_build_needs_its_commit_time_and_source_url() -> None:
    with pytest.raises(ConfigError, match="no commit time given.*no source URL given"):
        BuildConfig("Dockerfile", ".", SHA, "", "")
    with pytest.raises(ConfigError, match="is not an ISO 8601 time"):
        BuildConfig("Dockerfile", ".", SHA, "yesterday", URL)
