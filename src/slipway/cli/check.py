"""`slipway check`: the checks `dagger check` runs (config, test, scan, validate), from the CLI."""

from __future__ import annotations

from slipway.cli.console import info, result
from slipway.cli.options import add
from slipway.cli.parser import command

TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse

    from slipway.cli.parser import Commands, Parser


def register(commands: Commands) -> None:
    """Declare `check`."""
    command(commands, "check", check, _options)


def _options(parser: Parser) -> None:
    parser.add_argument(
        "names", nargs="*", metavar="NAME", help="config | test | scan | validate (default: all four)."
    )
    parser.add_argument(
        "--revision",
        default="",
        metavar="SHA",
        help="Commit SHA the manifests' image tag uses (default: 40 zeros).",
    )
    add(parser, "app-dir-here", "json")


def check(args: argparse.Namespace) -> None:
    """Run slipway's checks on an app: the gates alone, nothing published (exit 1 if one fails)."""
    import json

    import anyio

    from slipway.cli.run import finish, progress
    from slipway.host import run_checks
    from slipway.report import graph_json

    show = progress(as_json=args.as_json)
    config, outcome = anyio.run(run_checks, args.source.resolve(), args.names, args.revision, show)
    if args.as_json:
        result(json.dumps(graph_json(outcome), indent=2))
    finish(outcome, as_json=args.as_json)
    if not args.as_json:
        info(f"{config.app}: all checks passed in {outcome.wall_s:.1f}s")
