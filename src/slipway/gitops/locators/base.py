"""The interface every image locator implements (see `slipway.gitops.locators`)."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import ClassVar

from slipway.errors import ConfigError
from slipway.refs import ImageRef

__all__ = ["Locator"]


class Locator(ABC):
    """Where an image reference lives in one kind of GitOps file.

    `name` is the file's path in the GitOps repository, for messages. `read` and `write` raise
    `ConfigError` (one line naming the file and the locator) when the file does not hold exactly
    one place to read or write.
    """

    kind: ClassVar[str]

    @property
    @abstractmethod
    def writes_repository(self) -> bool:
        """Whether `write` records the image's repository (so other repositories may be promoted)."""

    @abstractmethod
    def read(self, text: str, name: str) -> ImageRef:
        """The image the file points at; `repository` is "" when the file does not say."""

    @abstractmethod
    def write(self, text: str, image: ImageRef, name: str) -> str:
        """`text` pointing at `image`, every byte outside the changed values as it was."""

    def repository(self, text: str, name: str) -> str:
        """The repository the file names, or "" when it names none or cannot be read."""
        try:
            return self.read(text, name).repository
        except ConfigError:
            return ""
