"""`slipway init`: write slipway.yaml and CI files for a Go or npm application."""

from __future__ import annotations

from pathlib import Path

import typer

from slipway.cli.console import result


def init(
    path: Path = typer.Argument(Path(), help="The application directory (default: here)."),
    ci: str = typer.Option("", "--ci", help="github | gitlab | jenkins | all"),
    registry: str = typer.Option("ghcr.io/your-org", "--registry", help="Registry the image goes to."),
    module: str = typer.Option("", "--module", help="Dagger module reference the CI files call."),
    force: bool = typer.Option(False, "--force", help="Overwrite files that exist."),
) -> None:
    """Write slipway.yaml (and CI files with --ci) for the app in PATH."""
    from slipway.init_files import DEFAULT_MODULE, init_app

    for written in init_app(path, ci, registry=registry, module=module or DEFAULT_MODULE, force=force):
        result(f"wrote {written}")
