"""Facts about an application's source checkout on the host: commit, commit time, origin."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

from slipway.errors import ConfigError

__all__ = ["SourceInfo", "source_info"]

# Sent to the engine as the app's source: never the VCS metadata or local build output.
SOURCE_EXCLUDES = [".git", "node_modules", ".venv", "__pycache__", "dist", "bin/"]


@dataclass(frozen=True)
class SourceInfo:
    """The commit an app directory is at, when it was made, and where the code lives."""

    path: Path
    revision: str
    created: str
    url: str


def _git(path: Path, *args: str) -> str:
    proc = subprocess.run(["git", "-C", str(path), *args], capture_output=True, text=True, check=False)
    return proc.stdout.strip() if proc.returncode == 0 else ""


def source_info(path: Path, revision: str = "") -> SourceInfo:
    """Read the checkout at `path`; `revision` overrides the commit (e.g. CI's $GITHUB_SHA)."""
    if not path.is_dir():
        msg = f"source: directory {path} does not exist (pass --source DIR)"
        raise ConfigError(msg)
    head = _git(path, "rev-parse", "HEAD")
    revision = revision or head
    if not revision:
        msg = f"source: could not find the commit of {path}: not a git checkout (pass --revision SHA)"
        raise ConfigError(msg)
    created = _git(path, "log", "-1", "--format=%cI", revision) or "1970-01-01T00:00:00Z"
    url = _git(path, "remote", "get-url", "origin") or f"file://{path.resolve()}"
    return SourceInfo(path=path, revision=revision, created=created, url=url)
