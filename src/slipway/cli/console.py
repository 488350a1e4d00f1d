"""All CLI output goes through here: results to stdout, messages to stderr, one exit path."""

from __future__ import annotations

import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import NoReturn

__all__ = ["Exit", "abort", "info", "result", "state"]


class _State:
    debug: bool = False


state = _State()


class Exit(Exception):
    """Leave the CLI with `code`; whatever was to be printed has been."""

    def __init__(self, code: int) -> None:
        super().__init__(code)
        self.code = code


def result(text: str) -> None:
    """Print a result a script may read (stdout)."""
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def info(text: str) -> None:
    """Print progress or a diagnostic for the person at the terminal (stderr)."""
    sys.stderr.write(text + "\n")
    sys.stderr.flush()


def abort(message: str, code: int = 1) -> NoReturn:
    """Print one error line and exit with `code`."""
    info(f"error: {message}")
    raise Exit(code)
