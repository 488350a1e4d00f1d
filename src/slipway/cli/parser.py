"""The argument parser: commands declared with their options; a usage error is one ConfigError line.

Only the command being run gets its options declared; the others are listed by name and summary,
which is all `--help` shows of them (declaring every option of every command would double the
start-up time).
"""

from __future__ import annotations

import argparse
import re

from slipway.cli.console import Exit, info
from slipway.errors import ConfigError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Mapping, Sequence
    from typing import NoReturn

    Handler = Callable[[argparse.Namespace], None]
    Declare = Callable[["Parser"], None]

__all__ = ["Commands", "Parser", "command", "group", "new_parser"]

_QUOTE = "'"
_NO_SUCH = re.compile(r"argument COMMAND: invalid choice: '?([^' ]*)'? \(choose from (.*)\)")
_FORMAT = argparse.RawDescriptionHelpFormatter
_DEBUG = "Show tracebacks for errors."


class Parser(argparse.ArgumentParser):
    """An ArgumentParser whose usage errors raise ConfigError (exit 2) naming the command's --help."""

    def error(self, message: str) -> NoReturn:
        """Raise the usage error as one line: what is wrong, and where the command's options are."""
        if found := _NO_SUCH.fullmatch(message):
            message = f"no such command '{found[1]}' (commands: {found[2].replace(_QUOTE, '')})"
        raise ConfigError(f"{self.prog}: {message} (see: {self.prog} --help)")

    def exit(self, status: int = 0, message: str | None = None) -> NoReturn:
        """Leave through the CLI's own exit (after --help), never through sys.exit."""
        if message:
            info(message.rstrip("\n"))
        raise Exit(status)


class Commands:
    """The commands under one parser, and the command words of the command line being parsed.

    `path`: the words leading here (() at the top, ("run",) under `run`); `words`: the command
    line's words that are not options (None: declare every command in full). A plain class:
    dataclasses would import inspect, a third of what --help costs.
    """

    def __init__(
        self, action: argparse._SubParsersAction[Parser], path: tuple[str, ...], words: tuple[str, ...] | None
    ) -> None:
        self.action = action
        self.path = path
        self.words = words

    def runs(self, name: str) -> bool:
        """Whether the command line runs `name` (or a command under it), so it needs its options."""
        here = (*self.path, name)
        return self.words is None or self.words[: len(here)] == here


def _describe(doc: str) -> tuple[str, str]:
    """A docstring as (one-line help, description): its first line, and all of it dedented."""
    lines = [line.strip() for line in doc.strip().splitlines()]
    return lines[0], "\n".join(lines)


def new_parser(prog: str, doc: str, argv: Sequence[str] | None) -> tuple[Parser, Commands]:
    """The top-level parser, taking --debug and a command; `argv` (None: all) picks what is declared."""
    parser = Parser(prog=prog, description=doc, formatter_class=_FORMAT)
    parser.add_argument("--debug", action="store_true", help=_DEBUG)
    parser.set_defaults(help_of=parser)
    words = None if argv is None else tuple(word for word in argv if not word.startswith("-"))
    return parser, Commands(parser.add_subparsers(metavar="COMMAND", title="commands"), (), words)


def group(commands: Commands, name: str, doc: str) -> Commands | None:
    """A command that holds commands (`slipway run build`); None when the command line runs another.

    Alone on the command line, it prints its help.
    """
    summary, description = _describe(doc)
    if not commands.runs(name):
        commands.action.add_parser(name, help=summary, add_help=False)
        return None
    parser = commands.action.add_parser(name, help=summary, description=description, formatter_class=_FORMAT)
    parser.set_defaults(help_of=parser)
    action = parser.add_subparsers(metavar="COMMAND", title="commands")
    return Commands(action, (*commands.path, name), commands.words)


def command(
    commands: Commands,
    name: str,
    handler: Handler,
    declare: Declare | None = None,
    doc: str = "",
    defaults: Mapping[str, object] | None = None,
) -> None:
    """A command running `handler` on its parsed options, which `declare` adds to its parser.

    Its help is `doc`, or the handler's docstring; `defaults` are values the handler reads beside
    the options (one handler serving several commands tells them apart by them).
    """
    summary, description = _describe(doc or handler.__doc__ or name)
    if not commands.runs(name):
        commands.action.add_parser(name, help=summary, add_help=False)
        return
    parser = commands.action.add_parser(name, help=summary, description=description, formatter_class=_FORMAT)
    parser.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=_DEBUG)
    parser.set_defaults(handler=handler, **(defaults or {}))
    if declare is not None:
        declare(parser)
