"""`slipway init`: slipway.yaml, CI files and (--dagger) slipway as the app's Dagger toolchain."""

from __future__ import annotations

from pathlib import Path

import typer

from slipway.cli.console import info, result


def init(
    path: Path = typer.Argument(Path(), help="The application directory (default: here)."),
    ci: str = typer.Option("", "--ci", help="github | gitlab | jenkins | all"),
    registry: str = typer.Option("ghcr.io/your-org", "--registry", help="Registry the image goes to."),
    module: str = typer.Option(
        "", "--module", help="Dagger module the CI files call and --dagger installs (git ref or local path)."
    ),
    force: bool = typer.Option(False, "--force", help="Overwrite files that exist."),
    dagger: bool = typer.Option(
        False, "--dagger", help="Make the app a Dagger module with slipway as its toolchain (--module)."
    ),
) -> None:
    """Write slipway.yaml (and CI files with --ci) for the app in PATH; --dagger installs the toolchain."""
    from slipway.init_files import DEFAULT_MODULE, init_app

    module = module or DEFAULT_MODULE
    for written in init_app(path, ci, registry=registry, module=module, force=force, dagger=dagger):
        result(f"wrote {written}")
    if dagger:
        from slipway.init_dagger import init_dagger

        for done in init_dagger(path, module):
            result(done)
        info("next: `dagger check -l` lists slipway's checks, `dagger check` runs them")
