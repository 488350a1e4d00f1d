"""All CLI output goes through here: results to stdout, messages to stderr, one abort path."""

from __future__ import annotations

import sys
from typing import NoReturn

import typer

__all__ = ["abort", "info", "result", "state"]


class _State:
    debug: bool = False


state = _State()


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
    raise typer.Exit(code)
