"""`slipway history`: an app's promotions to an environment, from the GitOps repo's trailers."""

from __future__ import annotations

from slipway.cli.console import result
from slipway.cli.options import add
from slipway.cli.parser import command

TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse

    from slipway.cli.parser import Commands, Parser


def register(commands: Commands) -> None:
    """Declare `history`."""
    command(commands, "history", history, _options)


def _options(parser: Parser) -> None:
    parser.add_argument("--env", required=True, metavar="ENV", help="Environment.")
    add(parser, "repo", "token")
    parser.add_argument("--app", default="", metavar="APP", help="App name (when no --source).")
    add(parser, "source", "base", "forge")
    parser.add_argument("--json", dest="as_json", action="store_true", help="Print JSON.")


def history(args: argparse.Namespace) -> None:
    """List promotions (time, image, digest, source commit), newest first."""
    import json

    import anyio

    from slipway.cli.run import gitops_options
    from slipway.host import run_history
    from slipway.report import evidence_json

    rows = anyio.run(run_history, gitops_options(args), args.app, args.env, args.source)
    if args.as_json:
        result(json.dumps(evidence_json(rows), indent=2))
        return
    for p in rows:
        mark = " (rolled back)" if p.rolled_back else ""
        mark += f" (with {', '.join(p.group)})" if p.group else ""
        result(f"{p.time}  {p.commit[:12]}  {p.image}  {p.digest or '-'}  {p.source or '-'}{mark}")
