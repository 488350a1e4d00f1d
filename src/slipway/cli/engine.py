"""`slipway engine up|down|status|env`: the air-gapped Dagger engine the project provisions."""

from __future__ import annotations

from slipway.cli.console import abort
from slipway.cli.parser import command, group

TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse

    from slipway.cli.parser import Commands

_ACTIONS = {
    "up": "Install Docker, build the engine from the Go module proxy and start it (idempotent).",
    "down": "Stop and remove the engine container; cached builds and volumes are kept.",
    "status": "Print one line per engine component.",
    "env": "Print the shell exports that point a Dagger client at this engine.",
}


def register(commands: Commands) -> None:
    """Declare `engine` and its commands, each an action of engine.sh."""
    engine = group(commands, "engine", "Provision and manage the local air-gapped Dagger engine.")
    if engine is None:
        return
    for action, doc in _ACTIONS.items():
        command(engine, action, run_script, doc=doc, defaults={"action": action})


def run_script(args: argparse.Namespace) -> None:
    """Run engine.sh's action; its own output names the step that failed."""
    import subprocess
    from pathlib import Path

    script = Path(__file__).resolve().parent.parent / "provision" / "engine.sh"
    code = subprocess.run(["bash", str(script), args.action], check=False).returncode
    if code != 0:
        abort(f"engine {args.action} failed (see the step named above)", code)
