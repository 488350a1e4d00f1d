"""Secrets on the command line: `env:NAME` or `file:PATH`, never the value itself."""

from __future__ import annotations

import os
from pathlib import Path

from slipway.errors import ConfigError

__all__ = ["read_secret", "read_token"]


def read_secret(spec: str, option: str) -> str:
    """The secret `spec` points at; a ConfigError (never echoing the value) when it is unusable."""
    kind, _, where = spec.partition(":")
    if kind == "env" and where:
        value = os.environ.get(where, "")
        if not value:
            msg = f"{option}: environment variable {where} is not set or empty"
            raise ConfigError(msg)
        return value
    if kind == "file" and where:
        path = Path(where).expanduser()
        if not path.is_file():
            msg = f"{option}: secret file {path} does not exist"
            raise ConfigError(msg)
        value = path.read_text().strip()
        if not value:
            msg = f"{option}: secret file {path} is empty"
            raise ConfigError(msg)
        return value
    msg = f"{option}: pass secrets as env:NAME or file:PATH, not as plain text"
    raise ConfigError(msg)


def read_token(value: str, option: str) -> str:
    """A token given as a value (a Dagger secret's plaintext), trimmed like env: and file: tokens."""
    token = value.strip()
    if not token:
        msg = f"{option}: the token is empty"
        raise ConfigError(msg)
    return token
