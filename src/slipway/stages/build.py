"""build: the app's Dockerfile, built by the engine, labelled with where it came from."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from slipway.source import check_provenance
from slipway.stages.engine_calls import stage_errors

if TYPE_CHECKING:
    import dagger

__all__ = ["BuildConfig", "BuildResult", "build", "build_image"]


@dataclass(frozen=True)
class BuildConfig:
    """The Dockerfile, its context (relative to the source) and the provenance labels.

    `labelled=False` builds an image for the gates only (the `scan` check): no provenance is asked
    for and no labels are set. flows/build.py never publishes such an image.
    """

    dockerfile: str
    context: str
    revision: str
    created: str
    source_url: str
    labelled: bool = True

    def __post_init__(self) -> None:
        if self.labelled:
            check_provenance(self.created, self.source_url)


@dataclass(frozen=True)
class BuildResult:
    """The built image, still in the engine, and the labels set on it."""

    image: dagger.Container
    labels: dict[str, str]


def oci_labels(config: BuildConfig) -> dict[str, str]:
    """The OCI annotations slipway puts on every image it builds (none on a gates-only build)."""
    if not config.labelled:
        return {}
    return {
        "org.opencontainers.image.source": config.source_url,
        "org.opencontainers.image.revision": config.revision,
        "org.opencontainers.image.created": config.created,
    }


def build_image(source: dagger.Directory, config: BuildConfig) -> dagger.Container:
    """The image built from the Dockerfile (lazy: evaluated by whoever uses it)."""
    context = source if config.context in ("", ".") else source.directory(config.context)
    image = context.docker_build(dockerfile=config.dockerfile)
    for name, value in oci_labels(config).items():
        image = image.with_label(name, value)
    return image


async def build(source: dagger.Directory, config: BuildConfig) -> BuildResult:
    """Build the image now; raise StageError('build', ...) with the failing instruction's output."""
    image = build_image(source, config)
    async with stage_errors("build", f"build {config.dockerfile}", "fix the Dockerfile; output above"):
        image = await image.sync()
    return BuildResult(image=image, labels=oci_labels(config))
