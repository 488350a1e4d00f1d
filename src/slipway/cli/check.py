"""`slipway check`: the checks `dagger check` runs (config, test, scan, validate), from the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from slipway.cli.console import info, result
from slipway.cli.run import finish, progress


def check(
    names: list[str] = typer.Argument(None, help="config | test | scan | validate (default: all four)."),
    source: Path = typer.Option(
        Path(), "--source", help="The application directory (has slipway.yaml).", metavar="DIR"
    ),
    revision: str = typer.Option(
        "", "--revision", help="Commit SHA the manifests' image tag uses (default: 40 zeros).", metavar="SHA"
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON."),
) -> None:
    """Run slipway's checks on an app: the gates alone, nothing published (exit 1 if one fails)."""
    import anyio

    from slipway.host import run_checks
    from slipway.report import graph_json

    show = progress(as_json=as_json)
    config, outcome = anyio.run(run_checks, source.resolve(), names or [], revision, show)
    if as_json:
        result(json.dumps(graph_json(outcome), indent=2))
    finish(outcome, as_json=as_json)
    if not as_json:
        info(f"{config.app}: all checks passed in {outcome.wall_s:.1f}s")
