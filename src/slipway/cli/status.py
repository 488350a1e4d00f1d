"""`slipway status`: per environment, the digest git wants, the digest running, rollout and sync."""

from __future__ import annotations

from slipway.cli.console import result
from slipway.cli.options import add
from slipway.cli.parser import command

TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse

    from slipway.cli.parser import Commands, Parser


def register(commands: Commands) -> None:
    """Declare `status`."""
    command(commands, "status", status, _options)


def _options(parser: Parser) -> None:
    add(parser, "app-dir", "repo", "token", "base", "forge", "kubeconfig")
    parser.add_argument("--json", dest="as_json", action="store_true", help="Print the status as JSON.")


def status(args: argparse.Namespace) -> None:
    """Show which digest each environment should run (git) and runs (cluster), and its rollout."""
    import dataclasses
    import json

    import anyio

    from slipway.cli.run import gitops_options
    from slipway.host import run_status

    config, rows = anyio.run(run_status, gitops_options(args), args.source, args.kubeconfig)
    if args.as_json:
        data = [{**dataclasses.asdict(r), "in_sync": r.in_sync} for r in rows]
        result(json.dumps({"app": config.app, "environments": data}, indent=2))
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"{config.app}", title_justify="left")
    for column in ("env", "desired (git)", "live (cluster)", "rollout", "sync", "promotion"):
        table.add_column(column)
    for r in rows:
        live = _short(r.live_digest or r.live_image) if r.rollout else "(no cluster)"
        mark = "" if not r.rollout else (" ✓" if r.in_sync else " ✗")
        table.add_row(
            r.env, _short(r.desired_digest or r.desired_image), live + mark, r.rollout or "-", r.sync or "-",
            r.promotion_commit or "-",
        )  # fmt: skip
    Console(highlight=False, width=max(Console().width, 120)).print(table)
    for r in rows:
        if r.reason:
            result(f"{r.env}: {r.reason}")


def _short(ref: str) -> str:
    """A digest as sha256:<12 hex>, a reference as its tag (12 characters): what tells them apart."""
    if ref.startswith("sha256:"):
        return ref[:19]
    tag = ref.rpartition(":")[2] if ":" in ref.rpartition("/")[2] else ""
    return f"tag {tag[:12]}" if tag else ref
