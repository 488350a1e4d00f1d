"""The `kustomize-images` locator: a kustomization's `images:` entry, as `kustomize edit set image`.

The entry is the one whose `name` is the locator's image name (by default the app's image
repository). A promotion of `repo:tag@digest` means what `kustomize edit set image
name=repo:tag@digest` means: `newName` is the repository, `newTag` the tag, `digest` the digest.
Only values that differ are rewritten, in place, keeping their quoting; comments, order, flow
style, CRLF and a BOM stay as they were.

kustomize rewrites the whole entry and drops the fields it was not given. slipway edits; it
adds keys only with `create`, so:

- a field the image has no value for is set to "" when the entry has it (an image without a
  digest leaves `digest: ""`), which kustomize treats exactly like an absent field, and which
  keeps the key for the next pinned promotion;
- an absent `newName` stays absent when the repository is the entry's own `name` (kustomize
  then keeps the name, the same image);
- any other absent field that needs a value is added with `create`, else refused, naming the
  entry and the key to add; with `create`, a missing entry (or `images:` list) is appended;
- other keys of the entry (`tagSuffix`) stay; kustomize ignores `tagSuffix` once `newTag` or
  `digest` is set.

No entry with the name (without `create`), several, or `images:` that is not a list: refused
with one line naming the file, the locator and what was found.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from ruamel.yaml.nodes import ScalarNode, SequenceNode

from slipway.gitops.key_paths import KeyPath, Select
from slipway.gitops.locators.base import Locator
from slipway.gitops.values_edit import compose, describe, mapping_get, set_values, value_at
from slipway.refs import ImageRef
from slipway.yaml_input import shown

__all__ = ["KustomizeImagesLocator"]

_FIELDS = ("newName", "newTag", "digest")
_PART = {"newName": "repository", "newTag": "tag", "digest": "digest"}
_SHOWN_NAMES = 5


@dataclass(frozen=True)
class _Entry:
    """The matching entry's line and the fields it has, as written ("" for null); line 0: none yet."""

    line: int
    values: dict[str, str]


@dataclass(frozen=True)
class KustomizeImagesLocator(Locator):
    """The `images:` entry whose `name` is `image_name`: newName, newTag and digest."""

    kind: ClassVar[str] = "kustomize-images"
    image_name: str
    create: bool = False

    @property
    def writes_repository(self) -> bool:
        """False: `newName` is written, but only the app's own repository is promoted."""
        return False

    def _path(self, field: str) -> KeyPath:
        return ("images", Select("name", self.image_name), field)

    def _entry(self, text: str, name: str) -> _Entry:
        root = compose(text, name)
        images = mapping_get(root, "images")
        wanted = f"the entry named {shown(self.image_name)}"
        if self.create and (images is None or describe(images) == "empty"):
            return _Entry(0, {})
        if images is None:
            raise self.fail(name, f"no images: list (looking for {wanted})", absent=True)
        if not isinstance(images, SequenceNode):
            raise self.fail(name, f"images: is {describe(images)}, not a list (looking for {wanted})")
        matches, names = [], []
        for item in images.value:
            value = mapping_get(item, "name")
            names.append(shown(value.value) if isinstance(value, ScalarNode) else "(no name)")
            if isinstance(value, ScalarNode) and value.value == self.image_name:
                matches.append(item)
        if not matches and self.create:
            return _Entry(0, {})
        if not matches:
            found = ", ".join(names[:_SHOWN_NAMES]) + (" ..." if len(names) > _SHOWN_NAMES else "")
            found = f"found {found}" if names else "the list is empty"
            why = f"no images entry is named {shown(self.image_name)} ({found}; see gitops.image_name)"
            raise self.fail(name, why, absent=True)
        if len(matches) > 1:
            lines = ", ".join(str(m.start_mark.line + 1) for m in matches)
            named = f"images entries are named {shown(self.image_name)}"
            why = f"{len(matches)} {named} (lines {lines}); keep one"
            raise self.fail(name, why)
        entry = matches[0]
        present = [f for f in _FIELDS if mapping_get(entry, f) is not None]
        values = {f: value_at(root, self._path(f), name) for f in present}
        return _Entry(entry.start_mark.line + 1, values)

    def _read(self, text: str, name: str) -> ImageRef:
        """`newName` (or the entry's name when it has none), `newTag` and `digest`."""
        entry = self._entry(text, name)
        if not entry.line:
            return ImageRef("")
        values = entry.values
        return ImageRef(values.get("newName") or self.image_name, values.get("newTag", ""),
                        values.get("digest", ""))  # fmt: skip

    def _write(self, text: str, image: ImageRef, name: str) -> str:
        """`text` with the entry pointing at `image`; see the module docstring for absent fields."""
        entry = self._entry(text, name)
        wanted = {"newName": image.repository, "newTag": image.tag, "digest": image.digest}
        changes: dict[KeyPath, str] = {}
        for field, value in wanted.items():
            if field in entry.values:
                if entry.values[field] != value:
                    changes[self._path(field)] = value
            elif value and not (field == "newName" and value == self.image_name):
                if self.create:
                    changes[self._path(field)] = value
                    continue
                where = f"the images entry named {shown(self.image_name)} (line {entry.line})"
                why = f'{where} has no {field} key for the image\'s {_PART[field]}: add {field}: "" to it'
                raise self.fail(name, why, absent=True)
        return set_values(text, changes, name, create=self.create) if changes else text
