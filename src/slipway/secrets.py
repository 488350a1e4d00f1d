"""Secrets on the command line: `env:NAME` or `file:PATH`, never the value itself.

Both sources are read the same way: surrounding whitespace (a trailing newline from `echo` or
an editor) is dropped; a value that is empty, spans lines, holds a NUL byte or is not UTF-8
text is refused. No message ever contains the value.
"""

from __future__ import annotations

import os
from pathlib import Path

from slipway.errors import ConfigError

__all__ = ["MAX_SECRET_BYTES", "read_secret", "read_token"]

MAX_SECRET_BYTES = 64 * 1024


def _checked(value: str, option: str, source: str, *, multiline: bool = False) -> str:
    """`value` without surrounding whitespace; a ConfigError naming `source` when unusable."""
    value = value.strip()
    problem = ""
    if not value:
        problem = "is empty"
    elif not multiline and ("\n" in value or "\r" in value):
        problem = "contains a line break (a token is one line)"
    elif "\0" in value:
        problem = "contains a NUL byte"
    elif any("\udc80" <= c <= "\udcff" for c in value):
        problem = "is not UTF-8 text"
    if problem:
        msg = f"{option}: {source} {problem}"
        raise ConfigError(msg)
    return value


def _read_env(name: str, option: str, *, multiline: bool = False) -> str:
    value = os.environ.get(name, "")
    if not value:
        msg = f"{option}: environment variable {name} is not set or empty"
        raise ConfigError(msg)
    return _checked(value, option, f"environment variable {name}", multiline=multiline)


def _read_file(where: str, option: str, *, multiline: bool = False) -> str:
    path = Path(where).expanduser()
    if not path.is_file():
        msg = f"{option}: secret file {path} does not exist"
        raise ConfigError(msg)
    try:
        with path.open("rb") as f:
            data = f.read(MAX_SECRET_BYTES + 1)
    except OSError as exc:
        msg = f"{option}: could not read secret file {path}: {exc.strerror or exc} (check its permissions)"
        raise ConfigError(msg) from exc
    if len(data) > MAX_SECRET_BYTES:
        msg = f"{option}: secret file {path} is over {MAX_SECRET_BYTES} bytes (a token is one short line)"
        raise ConfigError(msg)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        msg = f"{option}: secret file {path} is not UTF-8 text (save the token as plain UTF-8)"
        raise ConfigError(msg) from None  # the decode error holds the file's bytes
    return _checked(text, option, f"secret file {path}", multiline=multiline)


def read_secret(spec: str, option: str, *, multiline: bool = False) -> str:
    """The secret `spec` points at; a ConfigError (never echoing the value) when it is unusable.

    Tokens are one line; `multiline` accepts documents such as a kubeconfig.
    """
    kind, _, where = spec.partition(":")
    if kind == "env" and where:
        return _read_env(where, option, multiline=multiline)
    if kind == "file" and where:
        return _read_file(where, option, multiline=multiline)
    msg = f"{option}: pass secrets as env:NAME or file:PATH, not as plain text"
    raise ConfigError(msg)


def read_token(value: str, option: str) -> str:
    """A token given as a value (a Dagger secret's plaintext), checked like env: and file: tokens."""
    return _checked(value, option, "the token")
