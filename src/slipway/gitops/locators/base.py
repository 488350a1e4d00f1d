"""The interface every image locator implements (see `slipway.gitops.locators`)."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import ClassVar

from slipway.errors import ConfigError
from slipway.gitops.values_edit import PlaceError
from slipway.refs import ImageRef

__all__ = ["Locator"]


class Locator(ABC):
    """Where an image reference lives in one kind of GitOps file.

    `name` is the file's path in the GitOps repository, for messages. `read` and `write` raise
    `ConfigError` (one line naming the file, the locator and what was found) when the file does
    not hold exactly one place to read or write. A locator created with `create` adds a missing
    place on `write` and reads it as empty; without it a missing place is refused.
    """

    kind: ClassVar[str]
    create: bool

    @property
    @abstractmethod
    def writes_repository(self) -> bool:
        """Whether `write` records the image's repository (so other repositories may be promoted)."""

    @abstractmethod
    def _read(self, text: str, name: str) -> ImageRef:
        """The image the file points at, failing with `PlaceError`s."""

    @abstractmethod
    def _write(self, text: str, image: ImageRef, name: str) -> str:
        """`text` pointing at `image`, failing with `PlaceError`s."""

    def read(self, text: str, name: str) -> ImageRef:
        """The image the file points at; `repository` is "" when the file does not say."""
        try:
            return self._read(text, name)
        except PlaceError as exc:
            raise self._named(exc) from exc

    def write(self, text: str, image: ImageRef, name: str) -> str:
        """`text` pointing at `image`, every byte outside the changed values as it was."""
        try:
            return self._write(text, image, name)
        except PlaceError as exc:
            raise self._named(exc) from exc

    def repository(self, text: str, name: str) -> str:
        """The repository the file names, or "" when it names none or cannot be read."""
        try:
            return self._read(text, name).repository
        except ConfigError:
            return ""

    def _named(self, exc: PlaceError) -> ConfigError:
        """`exc` with this locator named, and the way to add what is missing."""
        hint = "; set gitops.create: true to add it" if exc.absent and not self.create else ""
        return ConfigError(f"values: {exc.where}: locator {self.kind}: {exc.why}{hint}")

    def fail(self, name: str, why: str, *, absent: bool = False) -> PlaceError:
        """A `PlaceError` for file `name` (which `read` and `write` name this locator in)."""
        return PlaceError(name, why, absent=absent)
