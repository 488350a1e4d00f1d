"""The release branches: one per (app, environment, image), all of an app's environment under one prefix."""

from __future__ import annotations

import hashlib
import re

from slipway.refs import ImageRef

__all__ = ["release_branch", "release_prefix"]


def release_prefix(app: str, env: str) -> str:
    """The prefix every release branch of `app` in `env` starts with."""
    return f"release/{app}/{env}/"


def release_branch(app: str, env: str, image: ImageRef) -> str:
    """The branch that proposes exactly this image for this app and environment."""
    readable = re.sub(r"[^A-Za-z0-9_-]+", "-", image.tag or image.digest.removeprefix("sha256:"))[:40]
    return f"{release_prefix(app, env)}{readable}-{hashlib.sha256(str(image).encode()).hexdigest()[:8]}"
