"""`slipway engine up|down|status`: the air-gapped Dagger engine the project provisions."""

from __future__ import annotations

import subprocess
from pathlib import Path

import typer

from slipway.cli.console import abort

engine_app = typer.Typer(
    help="Provision and manage the local air-gapped Dagger engine.", rich_markup_mode=None
)

_SCRIPT = Path(__file__).resolve().parent.parent / "provision" / "engine.sh"


def _run(action: str) -> None:
    code = subprocess.run(["bash", str(_SCRIPT), action], check=False).returncode
    if code != 0:
        abort(f"engine {action} failed (see the step named above)", code)


@engine_app.command()
def up() -> None:
    """Install Docker, build the engine from the Go module proxy and start it (idempotent)."""
    _run("up")


@engine_app.command()
def down() -> None:
    """Stop and remove the engine container; cached builds and volumes are kept."""
    _run("down")


@engine_app.command()
def status() -> None:
    """Print one line per engine component."""
    _run("status")


@engine_app.command()
def env() -> None:
    """Print the shell exports that point a Dagger client at this engine."""
    _run("env")
