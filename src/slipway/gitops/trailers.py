"""Promotion commits: their messages and the `Slipway-*` trailers history is read back from."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

__all__ = ["LOG_ENV", "LOG_SCRIPT", "Commit", "parse_log", "promotion_message", "rollback_message"]

LOG_FORMAT = "%x1e%H%x1f%cI%x1f%B%x1d"
# The base branch's history, each commit with the files it changed (paths unquoted).
LOG_SCRIPT = 'git -c core.quotePath=false log --name-only --format="$SLIPWAY_FORMAT"\n'
LOG_ENV = {"SLIPWAY_FORMAT": LOG_FORMAT}
_TRAILER = re.compile(r"^(Slipway-[A-Za-z]+): (.*)$", re.MULTILINE)


@dataclass(frozen=True)
class Commit:
    """A commit on the base branch with its Slipway trailers."""

    sha: str
    time: str
    subject: str
    trailers: Mapping[str, str]
    files: tuple[str, ...] = ()


def _message(subject: str, trailers: Mapping[str, str], body: str = "") -> str:
    lines = [subject, ""]
    if body:
        lines += [body, ""]
    lines += [f"{k}: {v}" for k, v in trailers.items() if v]
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


def parse_log(output: str) -> list[Commit]:
    """Parse the output of LOG_SCRIPT, newest first."""
    commits = []
    for record in output.split("\x1e"):
        head, _, names = record.partition("\x1d")
        fields = head.strip("\n").split("\x1f")
        if len(fields) != 3:
            continue
        sha, time, body = fields
        trailers = dict(_TRAILER.findall(body))
        subject = body.strip().splitlines()[0] if body.strip() else ""
        files = tuple(line for line in names.splitlines() if line)
        commits.append(Commit(sha.strip(), time, subject, trailers, files))
    return commits
