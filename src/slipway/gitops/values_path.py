"""Where an environment's values file lives in the GitOps repository, kept inside it.

`gitops.values_path` is a template such as `apps/{app}/overlays/{env}/values.yaml`; the only
fields are `{app}` and `{env}`, and every path it yields is a plain repo-relative POSIX path
that is safe to hand to git and to a shell-quoted command.
"""

from __future__ import annotations

import re
import string
from pathlib import PurePosixPath

from slipway.errors import ConfigError
from slipway.names import dns_label_problem
from slipway.yaml_input import shown

__all__ = ["path_problem", "safe_repo_path", "template_problem", "values_path"]

_FIELDS = frozenset({"app", "env"})
_SAFE_PART = re.compile(r"[A-Za-z0-9._+@=,-]+")
_INSIDE = "must be a relative path inside the GitOps repository"


def _fail(where: str, why: str) -> ConfigError:
    return ConfigError(f"values: {where}: {why}")


def _part_problem(part: str) -> str | None:
    """Why one path component is unsafe, or None."""
    if part == "..":
        return "it contains '..'"
    if not _SAFE_PART.fullmatch(part):
        bad = next(c for c in part if not _SAFE_PART.fullmatch(c))
        return f"it contains {shown(bad)}; use letters, digits and ._-+@=,"
    if part.startswith("-"):
        return f"the part {shown(part)} starts with '-'"
    if part.lower() == ".git":
        return "it points into .git"
    return None


def path_problem(path: str) -> str | None:
    """Why `path` is not a safe repo-relative POSIX path, or None."""
    parts = PurePosixPath(path).parts
    why = "it is empty" if not path else "it starts with '/'" if path.startswith("/") else None
    if why is None and not parts:
        why = "it names the repository root"
    why = why or next((w for w in map(_part_problem, parts) if w), None)
    return f"{_INSIDE} ({why})" if why else None


def safe_repo_path(path: str) -> str:
    """`path` as a normalised repo-relative POSIX path; a ConfigError when it could escape or mislead."""
    if why := path_problem(path):
        raise _fail(shown(path), why)
    return str(PurePosixPath(path))


def template_problem(template: str) -> str | None:
    """Why `template` is not a usable values_path template, or None."""
    try:
        fields = [(name, spec, conv) for _, name, spec, conv in string.Formatter().parse(template)]
    except ValueError as exc:
        return f"may only use {{app}} and {{env}} ({exc})"
    for name, spec, conv in fields:
        if name is not None and (name not in _FIELDS or spec or conv):
            field = "{" + name + (f"!{conv}" if conv else "") + (f":{spec}" if spec else "") + "}"
            return f"may only use {{app}} and {{env}} (got {shown(field)})"
    return path_problem(template.format(app="app", env="env"))


def values_path(template: str, app: str, env: str) -> str:
    """The values file for `app` in `env` from a `{app}`/`{env}` template, as a safe repo path."""
    if why := template_problem(template):
        raise _fail(f"gitops.values_path {shown(template)}", why)
    for what, name in (("app", app), ("environment", env)):
        if why := dns_label_problem(name):
            raise _fail(f"{what} name", why)
    return safe_repo_path(template.format(app=app, env=env))
