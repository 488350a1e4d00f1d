"""Promotion commits: their messages and the `Slipway-*` trailers history is read back from."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

__all__ = ["Commit", "parse_log", "promotion_message", "rollback_message"]

LOG_FORMAT = "%H%x1f%cI%x1f%B%x1e"
_TRAILER = re.compile(r"^(Slipway-[A-Za-z]+): (.*)$", re.MULTILINE)


@dataclass(frozen=True)
class Commit:
    """A commit on the base branch with its Slipway trailers."""

    sha: str
    time: str
    subject: str
    trailers: Mapping[str, str]


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
    """Parse `git log --format=LOG_FORMAT` output, newest first."""
    commits = []
    for record in output.split("\x1e"):
        fields = record.strip("\n").split("\x1f")
        if len(fields) != 3:
            continue
        sha, time, body = fields
        trailers = dict(_TRAILER.findall(body))
        commits.append(
            Commit(sha.strip(), time, body.strip().splitlines()[0] if body.strip() else "", trailers)
        )
    return commits
