"""Promotion commits: their messages and the `Slipway-*` trailers history is read back from."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

__all__ = [
    "LOG_ENV",
    "LOG_SCRIPT",
    "AppPromotion",
    "Commit",
    "group_message",
    "group_rollback_message",
    "parse_log",
    "promotion_message",
    "rollback_message",
]

LOG_FORMAT = "%x1e%H%x1f%cI%x1f%B%x1d"
# The base branch's history, each commit with the files it changed (paths unquoted).
LOG_SCRIPT = 'git -c core.quotePath=false log --name-only --format="$SLIPWAY_FORMAT"\n'
LOG_ENV = {"SLIPWAY_FORMAT": LOG_FORMAT}
_TRAILER = re.compile(r"^(Slipway-[A-Za-z]+): (.*)$", re.MULTILINE)
# Trailers that describe one app: a group commit repeats them, each block opened by Slipway-App.
_PER_APP = frozenset({"Slipway-App", "Slipway-Image", "Slipway-Digest", "Slipway-Source"})


@dataclass(frozen=True)
class AppPromotion:
    """One app's part of a promotion commit: what its trailers say."""

    app: str
    image: str
    digest: str = ""
    source: str = ""
    ref: str = ""


@dataclass(frozen=True)
class Commit:
    """A commit on the base branch with its Slipway trailers."""

    sha: str
    time: str
    subject: str
    trailers: Mapping[str, str]
    files: tuple[str, ...] = ()
    # Each app's own trailers (one entry for a single-app commit, several for a group).
    apps: tuple[Mapping[str, str], ...] = ()

    @property
    def group(self) -> tuple[str, ...]:
        """The apps a group commit moved together (empty for a single-app commit)."""
        names = tuple(a.get("Slipway-App", "") for a in self.apps)
        return names if len(names) > 1 else ()

    def app_trailers(self, app: str) -> Mapping[str, str] | None:
        """The trailers that speak for `app` (the commit's own plus its block), or None."""
        for block in self.apps or (self.trailers,):
            if block.get("Slipway-App") == app:
                shared = {k: v for k, v in self.trailers.items() if k not in _PER_APP}
                return {**shared, **block}
        return None


def _message(subject: str, trailers: Mapping[str, str] | Sequence[tuple[str, str]], body: str = "") -> str:
    lines = [subject, ""]
    if body:
        lines += [body, ""]
    pairs = trailers.items() if isinstance(trailers, Mapping) else trailers
    lines += [f"{k}: {v}" for k, v in pairs if v]
    return "\n".join(lines) + "\n"


def promotion_message(app: str, env: str, ref: str, image: str, digest: str, source: str) -> str:
    """`Promote <app> <ref> to <env>` with the trailers history and rollback read."""
    trailers = {
        "Slipway-App": app,
        "Slipway-Env": env,
        "Slipway-Image": image,
        "Slipway-Digest": digest,
        "Slipway-Source": source,
    }
    return _message(f"Promote {app} {ref} to {env}", trailers)


def rollback_message(app: str, env: str, reverted: Commit) -> str:
    """The revert of a promotion, marked so history knows it was rolled back."""
    trailers = {"Slipway-App": app, "Slipway-Env": env, "Slipway-Reverts": reverted.sha}
    body = f'This reverts commit {reverted.sha} ("{reverted.subject}").'
    return _message(f"Roll back {app} in {env} to before {reverted.sha[:12]}", trailers, body)


def group_message(env: str, group: str, apps: Sequence[AppPromotion]) -> str:
    """`Promote <n> apps to <env> (<group>)`: a line per app, then each app's trailers in turn."""
    body = "\n".join(f"- {a.app} {a.ref}" for a in apps)
    trailers: list[tuple[str, str]] = [("Slipway-Env", env), ("Slipway-Group", group)]
    for a in apps:
        trailers += [
            ("Slipway-App", a.app),
            ("Slipway-Image", a.image),
            ("Slipway-Digest", a.digest),
            ("Slipway-Source", a.source),
        ]
    return _message(f"Promote {len(apps)} apps to {env} ({group})", trailers, body)


def group_rollback_message(env: str, apps: Sequence[str], reverted: Commit) -> str:
    """The revert of a group promotion: one commit that rolls every app of the group back."""
    trailers: list[tuple[str, str]] = [("Slipway-Env", env), ("Slipway-Reverts", reverted.sha)]
    trailers += [("Slipway-App", app) for app in apps]
    body = f'This reverts commit {reverted.sha} ("{reverted.subject}").'
    return _message(f"Roll back {', '.join(apps)} in {env} to before {reverted.sha[:12]}", trailers, body)


def _app_blocks(found: Sequence[tuple[str, str]]) -> tuple[Mapping[str, str], ...]:
    """The per-app trailers, a new block at each Slipway-App."""
    blocks: list[dict[str, str]] = []
    for key, value in found:
        if key == "Slipway-App":
            blocks.append({})
        if key in _PER_APP and blocks:
            blocks[-1][key] = value
    return tuple(blocks)


def parse_log(output: str) -> list[Commit]:
    """Parse the output of LOG_SCRIPT, newest first."""
    commits = []
    for record in output.split("\x1e"):
        head, _, names = record.partition("\x1d")
        fields = head.strip("\n").split("\x1f")
        if len(fields) != 3:
            continue
        sha, time, body = fields
        found = _TRAILER.findall(body)
        subject = body.strip().splitlines()[0] if body.strip() else ""
        files = tuple(line for line in names.splitlines() if line)
        commits.append(Commit(sha.strip(), time, subject, dict(found), files, _app_blocks(found)))
    return commits
