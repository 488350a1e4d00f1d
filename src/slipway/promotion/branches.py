"""The release branches: one per (app, environment, image), all of an app's environment under one prefix.

A group promotion (several apps in one commit) is named after its apps instead: `web-api+web-ui`
(app names are DNS labels, so `+` never occurs in one), or `<count>-apps+<hash>` when that is too long.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping

from slipway.refs import ImageRef

__all__ = ["group_branch", "group_name", "release_branch", "release_prefix"]

_GROUP_NAME_MAX = 64


def _short_hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:8]


def release_prefix(app: str, env: str) -> str:
    """The prefix every release branch of `app` in `env` starts with."""
    return f"release/{app}/{env}/"


def release_branch(app: str, env: str, image: ImageRef) -> str:
    """The branch that proposes exactly this image for this app and environment."""
    readable = re.sub(r"[^A-Za-z0-9_-]+", "-", image.tag or image.digest.removeprefix("sha256:"))[:40]
    return f"{release_prefix(app, env)}{readable}-{_short_hash(str(image))}"


def group_name(apps: Iterable[str]) -> str:
    """The name of a group of apps, the same whatever their order."""
    ordered = sorted(set(apps))
    joined = "+".join(ordered)
    if len(joined) <= _GROUP_NAME_MAX:
        return joined
    return f"{len(ordered)}-apps+{_short_hash(joined)}"


def group_branch(env: str, images: Mapping[str, ImageRef]) -> str:
    """The branch that proposes exactly these images (app → image) together to `env`."""
    pinned = ",".join(f"{app}={images[app]}" for app in sorted(images))
    return f"{release_prefix(group_name(images), env)}{_short_hash(pinned)}"
