"""The names that decide where a promotion goes, checked once where they enter slipway.

An app and an environment are DNS-1123 labels; a base branch follows git's ref rules and may
not look like an option. Whether an environment is protected is decided from its canonical
name, and an environment that no slipway.yaml declares unprotected is protected.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from slipway.errors import ConfigError
from slipway.names import DNS_LABEL_RULE, is_dns_label
from slipway.yaml_input import shown

__all__ = [
    "check_app",
    "check_branch",
    "check_commit",
    "check_env",
    "check_repo_url",
    "is_protected",
    "redact_url",
]

_COMMIT = re.compile(r"^[0-9a-f]{40}$")
_BRANCH_CHARS = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/+-]{0,199}$")


def _label(value: str, what: str, origin: str) -> str:
    if not is_dns_label(value):
        msg = f"{origin}: {what} {shown(value)} is not a valid name: {DNS_LABEL_RULE}"
        raise ConfigError(msg)
    return value


def check_app(value: str, origin: str = "--app") -> str:
    """`value` as an app name, or a ConfigError naming where it came from."""
    return _label(value, "app", origin)


def check_env(value: str, origin: str = "--env") -> str:
    """`value` as an environment name, or a ConfigError naming where it came from."""
    return _label(value, "environment", origin)


def check_branch(value: str, origin: str = "--base") -> str:
    """`value` as a git branch name (git's ref rules, no leading '-'), or a ConfigError."""
    bad = (
        not _BRANCH_CHARS.fullmatch(value)
        or ".." in value
        or "//" in value
        or "/." in value
        or value.endswith(("/", ".", ".lock"))
        or "@{" in value
    )
    if bad:
        msg = (
            f"{origin}: {value!r} is not a valid branch name "
            "(letters, digits, '.', '_', '-', '/' and '+'; no '..', no leading '-' or '.')"
        )
        raise ConfigError(msg)
    return value


def check_commit(value: str, origin: str) -> str:
    """`value` as a full 40-hex commit SHA, or a ConfigError."""
    if not _COMMIT.fullmatch(value):
        msg = f"{origin}: {value!r} is not a full 40-hex commit SHA"
        raise ConfigError(msg)
    return value


def is_protected(env: str, declared: Mapping[str, bool] | None) -> bool:
    """Whether `env` is protected: as slipway.yaml declares it; without a config, always."""
    if declared is None:
        return True
    return declared.get(env, True)


def redact_url(url: str) -> str:
    """`url` with any user:password part replaced by `***`, safe to print."""
    scheme, sep, rest = url.partition("://")
    if not sep:
        return url
    authority, slash, path = rest.partition("/")
    if "@" in authority:
        authority = "***@" + authority.rpartition("@")[2]
    return f"{scheme}{sep}{authority}{slash}{path}"


def check_repo_url(url: str, origin: str = "--repo") -> str:
    """A GitOps repository URL without credentials, or a ConfigError that never echoes them."""
    scheme, sep, rest = url.partition("://")
    if not sep or scheme not in ("http", "https") or not rest.strip("/"):
        msg = f"{origin}: {redact_url(url)!r} is not an http(s) repository URL (https://host/owner/repo.git)"
        raise ConfigError(msg)
    if "@" in rest.partition("/")[0]:
        msg = (
            f"{origin}: the repository URL {redact_url(url)!r} carries credentials; pass the URL "
            "without them and the token with --token env:NAME or file:PATH"
        )
        raise ConfigError(msg)
    if any(c in url for c in "\n\r\t\0 "):
        msg = f"{origin}: the repository URL contains whitespace or control characters"
        raise ConfigError(msg)
    return url
