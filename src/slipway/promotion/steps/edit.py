"""edit: the image written into the file's text by the locator, and the values diff."""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from slipway.gitops.locators import Locator
from slipway.refs import ImageRef

__all__ = ["EditInput", "Edited", "edit", "values_diff"]


@dataclass(frozen=True)
class EditInput:
    """How the image sits in the file."""

    locator: Locator


@dataclass(frozen=True)
class Edited:
    """The file before and after, and the unified diff between them."""

    path: str
    old: str
    new: str
    diff: str

    @property
    def changed(self) -> bool:
        """Whether the file changes at all (no: the image has already landed)."""
        return self.new != self.old


def values_diff(path: str, old: str, new: str) -> str:
    """The unified diff of the file at `path`, as a reviewer reads it."""
    lines = difflib.unified_diff(old.splitlines(True), new.splitlines(True), f"a/{path}", f"b/{path}")
    return "".join(lines)


async def edit(inp: EditInput, path: str, text: str, image: ImageRef) -> Edited:
    """`text` (the file at `path`) with `image` written where the locator says."""
    new = inp.locator.write(text, image, path)
    return Edited(path, text, new, values_diff(path, text, new))
