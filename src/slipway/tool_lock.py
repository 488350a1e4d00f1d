"""An app's tool lock, slipway.lock: every tool image pinned by digest, read, written and checked.

The file sits beside slipway.yaml and is committed with it:

    {"version": 1, "tools": {"helm": "localhost:5000/slipway-tools/helm:v3.22.0@sha256:..."}}

Each entry keeps the tag it was locked from, so `slipway doctor` can ask the registry what the
tag serves now. JSON is what `slipway tools lock` writes; the same keys in YAML read as well.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from slipway.errors import ConfigError
from slipway.refs import parse_ref, split_ref
from slipway.tool_images import DEFAULT_IMAGES, LOCK_FILE, ToolImages, unpinned
from slipway.yaml_input import check_yaml_size, read_yaml_file
from slipway.yaml_schema import Field, MapOf, Record, check_document

__all__ = ["LOCK_VERSION", "Drift", "drift", "lock_entries", "lock_text", "parse_lock", "read_lock"]

LOCK_VERSION = 1
_SCHEMA = Record(
    {
        "version": Field(int, required=True),
        "tools": Field(MapOf(str), required=True),
    }
)
_FIX = "run `slipway tools lock` to rewrite it"


def _entry_problem(tool: str, ref: str) -> str | None:
    if tool not in DEFAULT_IMAGES:
        return f"unknown tool (known: {', '.join(DEFAULT_IMAGES)})"
    try:
        parsed = parse_ref(ref)
    except ConfigError as exc:
        return str(exc).removeprefix("refs: ")
    if not parsed.digest:
        return f"{ref!r} names no @sha256: digest"
    return None


def parse_lock(text: str, path: Path) -> dict[str, str]:
    """Tool name -> `ref@sha256:...` from a lock file's text; one ConfigError for the first problem."""
    check_yaml_size(text, str(path), "tools")
    values, problems = check_document(text, path, _SCHEMA)
    if problems:
        msg = f"{problems[0]} ({_FIX})"
        raise ConfigError(msg)
    if (version := values["version"]) != LOCK_VERSION:
        msg = f"{path}: version: {version} is not {LOCK_VERSION}, the one this slipway reads ({_FIX})"
        raise ConfigError(msg)
    tools: dict[str, str] = values["tools"]
    for tool, ref in tools.items():
        if why := _entry_problem(tool, ref):
            msg = f"{path}: tools.{tool}: {why} ({_FIX})"
            raise ConfigError(msg)
    return dict(tools)


def read_lock(app_dir: Path) -> dict[str, str]:
    """The lock beside `app_dir`'s slipway.yaml ({} when there is none)."""
    path = app_dir / LOCK_FILE
    if not path.is_file():
        return {}
    return parse_lock(read_yaml_file(path, "tools"), path)


def lock_text(entries: Mapping[str, str]) -> str:
    """The lock file's text for `entries` (sorted, so a relock changes only what moved)."""
    return json.dumps({"version": LOCK_VERSION, "tools": dict(sorted(entries.items()))}, indent=2) + "\n"


def lock_entries(tools: Mapping[str, str], images: ToolImages) -> dict[str, str]:
    """Each tool of `images` pinned to the digest its registry serves for its tag now.

    A `tools` (slipway.yaml) entry that names a digest is locked as it is; so is a reference
    with a digest and no tag.
    """
    from slipway.registry import served_digest

    entries = {}
    for tool, ref in images.images.items():
        split = split_ref(ref)
        if split.digest and (split_ref(tools.get(tool, "")).digest or not split.tag):
            entries[tool] = ref
        else:
            entries[tool] = f"{unpinned(ref)}@{served_digest(unpinned(ref))}"
    return entries


@dataclass(frozen=True)
class Drift:
    """A locked tool whose tag the registry now serves at another digest."""

    tool: str
    ref: str
    locked: str
    served: str

    def __str__(self) -> str:
        return f"{self.tool}: {self.ref} is locked at {self.locked} but the registry serves {self.served}"


def drift(lock: Mapping[str, str]) -> list[Drift]:
    """The tools in `lock` whose tag now resolves to another digest (untagged entries cannot drift)."""
    from slipway.registry import served_digest

    moved = []
    for tool, ref in sorted(lock.items()):
        split = split_ref(ref)
        if not split.tag or not split.digest:
            continue
        served = served_digest(unpinned(ref))
        if served != split.digest:
            moved.append(Drift(tool, unpinned(ref), split.digest, served))
    return moved
