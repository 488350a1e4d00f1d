"""Key paths into a YAML document: mapping keys, list selectors and list positions.

A key path is a dotted string or a tuple of steps. In a string, `[key=value]` after a key
selects the one list item whose mapping has `key: value`:
`spec.template.spec.containers[name=api].image`. The selector's value runs to the closing
bracket, so it may hold dots (`parameters[name=image.tag].value`). Tuples need no parsing:
each step is a mapping key, a `Select`, or an `At` (the list item at a position).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeAlias

from slipway.errors import ConfigError
from slipway.yaml_input import shown

__all__ = ["At", "KeyPath", "Select", "Step", "display", "key_path", "key_path_problem", "path_text"]


@dataclass(frozen=True)
class Select:
    """A key path step into a list: the one item whose mapping has `key: value`."""

    key: str
    value: str

    def __str__(self) -> str:
        return f"[{self.key}={self.value}]"


@dataclass(frozen=True)
class At:
    """A key path step into a list: the item at `index` (with creation, `len` appends one)."""

    index: int

    def __str__(self) -> str:
        return f"[{self.index}]"


Step: TypeAlias = str | Select | At
KeyPath: TypeAlias = str | tuple[Step, ...]


class _BadPath(ValueError):
    """Why a key path string cannot be parsed."""


def _parse(text: str) -> list[Step]:
    steps: list[Step] = []
    for part in _split(text):
        head, bracket, rest = part.partition("[")
        if head:
            steps.append(head)
        while bracket:
            inner, closed, rest = rest.partition("]")
            key, eq, value = inner.partition("=")
            if not closed or not eq or not key or not value:
                raise _BadPath(f"bad selector [{inner}{closed} (write [key=value])")
            steps.append(Select(key, value))
            if rest and not rest.startswith("["):
                raise _BadPath(f"{shown(rest)} follows a selector (separate keys with '.')")
            bracket, rest = rest[:1], rest[1:]
    return steps


def _split(text: str) -> list[str]:
    """`text` split at the dots outside brackets, empty parts dropped."""
    parts, current, depth = [], "", 0
    for c in text:
        depth += (c == "[") - (c == "]")
        if c == "." and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += c
    return [p for p in [*parts, current] if p]


def key_path(key: KeyPath) -> list[Step]:
    """The steps of `key`; a ConfigError when it has none or a selector is malformed."""
    try:
        steps = _parse(key) if isinstance(key, str) else list(key)
        if not steps:
            raise _BadPath("empty key path")
    except _BadPath as exc:
        raise ConfigError(f"values: key path {shown(key)}: {exc}") from exc
    return steps


def path_text(steps: Sequence[Step]) -> str:
    """`.image.tag`, `.images[name=web].newTag`: steps as messages show them."""
    return "".join(f".{s}" if isinstance(s, str) else str(s) for s in steps)


def display(key: KeyPath) -> str:
    """`key` as messages name it: as written when a string, else its steps without the dot."""
    return key.lstrip(".") if isinstance(key, str) else path_text(key_path(key)).lstrip(".")


def key_path_problem(key: str) -> str | None:
    """Why `key` is not a usable key path (for slipway.yaml's checks), or None; "" is allowed."""
    try:
        if key and not _parse(key):
            return "names no key"
    except _BadPath as exc:
        return str(exc)
    return None
