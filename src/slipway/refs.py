"""Image references: parse them, tell immutable ones from mutable ones, pin them by digest."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from urllib.parse import urlsplit

from slipway.errors import ConfigError

__all__ = ["ImageRef", "is_commit_sha", "is_loopback_registry", "parse_ref", "registry_path", "split_ref"]

_COMMIT_SHA = re.compile(r"^[0-9a-f]{40}$")
_DIGEST = re.compile(r"^sha256:[0-9a-f]{64}$")
_TAG = re.compile(r"^[\w][\w.-]{0,127}$")
_REPOSITORY = re.compile(r"^[a-z0-9]+([._-][a-z0-9]+)*(:[0-9]+)?(/[a-z0-9]+([._-][a-z0-9]+)*)*$")


def is_loopback_registry(host: str) -> bool:
    """Whether the registry `host` (`name[:port]`) is on this machine's loopback."""
    return urlsplit(f"//{host}").hostname in ("localhost", "127.0.0.1")


def is_commit_sha(tag: str) -> bool:
    """Whether `tag` is a full 40-hex git commit SHA (slipway's immutable tag)."""
    return bool(_COMMIT_SHA.fullmatch(tag))


@dataclass(frozen=True)
class ImageRef:
    """`repository[:tag][@digest]`."""

    repository: str
    tag: str = ""
    digest: str = ""

    def __str__(self) -> str:
        out = self.repository
        if self.tag:
            out += f":{self.tag}"
        if self.digest:
            out += f"@{self.digest}"
        return out

    @property
    def is_immutable(self) -> bool:
        """Pinned by digest, or tagged with a 40-hex commit SHA."""
        return bool(self.digest) or is_commit_sha(self.tag)

    def with_digest(self, digest: str) -> ImageRef:
        """The same reference pinned to `digest`."""
        if not _DIGEST.fullmatch(digest):
            msg = f"refs: {digest!r} is not a sha256 digest"
            raise ConfigError(msg)
        return replace(self, digest=digest)


def split_ref(text: str) -> ImageRef:
    """`repository[:tag][@digest]` split into its parts, nothing checked (for text read from files)."""
    rest, _, digest = text.partition("@")
    head, sep, tail = rest.rpartition(":")
    if sep and "/" not in tail:
        return ImageRef(head, tail, digest)
    return ImageRef(rest, "", digest)


def parse_ref(text: str) -> ImageRef:
    """Parse `repository[:tag][@sha256:...]`; raise ConfigError saying what is malformed."""
    split = split_ref(text)
    repository, tag, digest = split.repository, split.tag, split.digest
    if digest and not _DIGEST.fullmatch(digest):
        msg = f"refs: bad digest in {text!r} (expected sha256:<64 hex>)"
        raise ConfigError(msg)
    if not _REPOSITORY.fullmatch(repository):
        msg = f"refs: bad repository in {text!r} (lowercase host[:port]/path expected)"
        raise ConfigError(msg)
    if tag and not _TAG.fullmatch(tag):
        msg = f"refs: bad tag {tag!r} in {text!r}"
        raise ConfigError(msg)
    return ImageRef(repository, tag, digest)


def registry_path(ref: str) -> tuple[str, str]:
    """The registry `ref` names ("" for Docker Hub) and the repository's path in it.

    Docker Hub's official images get their `library/` prefix: `golang:1.26` is ("", "library/golang").
    """
    name = split_ref(ref).repository
    first, slash, rest = name.partition("/")
    if slash and ("." in first or ":" in first or first == "localhost"):
        if first not in ("docker.io", "index.docker.io"):
            return first, rest
        name = rest
    return "", name if "/" in name else f"library/{name}"
