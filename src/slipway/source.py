"""An application's source: what of it reaches the engine, and its commit, commit time and origin."""

from __future__ import annotations

import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from slipway.errors import ConfigError

__all__ = ["SOURCE_EXCLUDES", "SourceInfo", "app_dirs", "check_provenance", "source_info"]

# The one source filter: what never reaches the engine as the app's source (VCS metadata, local
# build output, slipway's own machine-local state: the toolchain link and tool table `slipway init
# --dagger` writes). The CLI passes it as `exclude=`, the Dagger module as its `Ignore([...])`.
SOURCE_EXCLUDES = [".git", "node_modules", ".venv", "__pycache__", "dist", "bin/", ".slipway"]


def app_dirs(patterns: Sequence[str]) -> list[Path]:
    """The app directories `--source` names, each once, in order.

    A path counts as given; a pattern (`apps/*`) as the directories it matches that hold a
    slipway.yaml, sorted.
    """
    found: dict[Path, Path] = {}
    for pattern in patterns:
        if not any(c in pattern for c in "*?["):
            found.setdefault(Path(pattern).resolve(), Path(pattern))
            continue
        path = Path(pattern)
        root = Path(path.anchor) if path.is_absolute() else Path()
        matched = sorted(p for p in root.glob(str(path.relative_to(root))) if (p / "slipway.yaml").is_file())
        if not matched:
            msg = f"--source {pattern!r}: no directory matching it holds a slipway.yaml (check the pattern)"
            raise ConfigError(msg)
        for app_dir in matched:
            found.setdefault(app_dir.resolve(), app_dir)
    return list(found.values())


def check_provenance(created: str, source_url: str) -> None:
    """The commit time and source URL an image is labelled with: both given, the time ISO 8601."""
    problems = []
    if not created.strip():
        problems.append("no commit time given (pass --created, e.g. $(git log -1 --format=%cI))")
    else:
        try:
            datetime.fromisoformat(created.strip())
        except ValueError:
            problems.append(f"commit time {created!r} is not an ISO 8601 time (e.g. 2026-01-31T16:47:55Z)")
    if not source_url.strip():
        problems.append("no source URL given (pass --source-url, the app's repository URL)")
    if problems:
        raise ConfigError("build: " + "; ".join(problems))


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
    created = _git(path, "log", "-1", "--format=%cI", revision)
    if not created:
        msg = f"source: could not read the commit time of {revision} in {path} (pass a --revision it has)"
        raise ConfigError(msg)
    url = _git(path, "remote", "get-url", "origin") or f"file://{path.resolve()}"
    return SourceInfo(path=path, revision=revision, created=created, url=url)
