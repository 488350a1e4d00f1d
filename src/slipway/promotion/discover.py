"""The apps a GitOps repository knows (for `promote --all`): those with a file in every given environment."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from slipway.errors import ConfigError
from slipway.gitops.repo import clone
from slipway.names import dns_label_problem

if TYPE_CHECKING:
    import dagger

    from slipway.gitops.repo import GitRemote

__all__ = ["DEFAULT_TEMPLATE", "apps_in", "discover_apps"]

DEFAULT_TEMPLATE = "apps/{app}/overlays/{env}/values.yaml"


def _pattern(template: str, env: str) -> re.Pattern[str]:
    """`template` for `env` as a regular expression whose group `app` is one path component."""
    head, sep, tail = template.partition("{app}")
    if not sep:
        raise ConfigError(f"promote: --all needs {{app}} in the values path template {template!r}")
    tail = tail.replace("{env}", env)
    return re.compile(re.escape(head.replace("{env}", env)) + r"(?P<app>[^/]+)" + re.escape(tail))


def apps_in(paths: Sequence[str], template: str, envs: Sequence[str]) -> list[str]:
    """The apps (valid names, sorted) that have a file at `template` in every one of `envs`."""
    found: set[str] | None = None
    for env in envs:
        pattern = _pattern(template, env)
        names = {m["app"] for p in paths if (m := pattern.fullmatch(p)) and not dns_label_problem(m["app"])}
        found = names if found is None else found & names
    return sorted(found or ())


async def _glob(repo: dagger.Directory, template: str, env: str) -> list[str]:
    return await repo.glob(template.replace("{app}", "*").replace("{env}", env))


async def discover_apps(remote: GitRemote, template: str, envs: Sequence[str]) -> list[str]:
    """Clone the base branch and list the apps with a file in every one of `envs`."""
    repo = await clone(remote)
    paths = [p for env in envs for p in await _glob(repo, template, env)]
    return apps_in(paths, template, envs)
