"""The command line's parser and entry point: errors become one line and an exit code."""

from __future__ import annotations

import sys

from slipway.cli import check, cluster, doctor, engine, history, init, keys, plan, policy, run, status, tools
from slipway.cli.console import Exit, info, state
from slipway.cli.parser import Parser, new_parser
from slipway.errors import SlipwayError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence

__all__ = ["build_parser", "main"]


def build_parser(argv: Sequence[str] | None = None) -> Parser:
    """The parser; each module declares its commands. With `argv`, only its command gets options."""
    parser, commands = new_parser("slipway", "Build-and-promote pipelines on Dagger.", argv)
    for module in (check, doctor, history, init, plan, status, cluster, engine, keys, policy, run, tools):
        module.register(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; return the process exit code (0 ok, 1 stage failed, 2 bad input)."""
    try:
        words = sys.argv[1:] if argv is None else argv
        args = build_parser(words).parse_args(words)
        state.debug = args.debug
        if not hasattr(args, "handler"):
            args.help_of.print_help(sys.stderr)
            return 2
        args.handler(args)
    except Exit as exc:
        return exc.code
    except KeyboardInterrupt:
        info("error: aborted")
        return 130
    except SlipwayError as exc:
        if state.debug:
            import traceback

            traceback.print_exc()
        info(f"error: {exc}")
        return exc.exit_code
    return 0


if __name__ == "__main__":
    sys.exit(main())
