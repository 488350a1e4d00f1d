"""The one table of tool images the stages run in: upstream defaults, overridable per project.

`make engine` builds local stand-ins for these images and pushes them to the embedded
registry, which mirrors docker.io, so the same names resolve on an air-gapped engine.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

__all__ = ["DEFAULT_IMAGES", "ToolImages", "local_image_repositories"]

DEFAULT_IMAGES: Mapping[str, str] = {
    "base": "debian:bookworm",
}


@dataclass(frozen=True)
class ToolImages:
    """Tool name -> image reference, defaults overlaid with a project's overrides."""

    images: Mapping[str, str]

    @classmethod
    def with_overrides(cls, overrides: Mapping[str, str] | None = None) -> ToolImages:
        """The default table with `overrides` applied on top."""
        return cls({**DEFAULT_IMAGES, **(overrides or {})})

    def __getitem__(self, tool: str) -> str:
        return self.images[tool]


def _docker_io_repository(ref: str) -> str:
    name = ref.split("@", 1)[0].rsplit(":", 1)[0]
    return name if "/" in name else f"library/{name}"


def local_image_repositories() -> list[str]:
    """Repositories the embedded registry must hold for the default table to resolve."""
    return sorted({_docker_io_repository(ref) for ref in DEFAULT_IMAGES.values()})
