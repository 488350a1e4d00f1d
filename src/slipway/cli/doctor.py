"""`slipway doctor`: is the engine (version, SDKs), the registry and the local cluster fit to run."""

from __future__ import annotations

from pathlib import Path

import typer

from slipway.cli.console import info, result


def doctor(
    source: Path = typer.Option(
        Path(),
        "--source",
        help="The application directory whose slipway.lock is checked for drift.",
        metavar="DIR",
    ),
) -> None:
    """Check the engine, its SDKs, the registry, the stage images and their locks, and the cluster."""
    from slipway.engine.health import run_checks

    checks = run_checks(app_dir=source)
    for check in checks:
        mark = ("warn" if check.warning else "ok  ") if check.ok else "FAIL"
        result(f"{mark} {check.name}: {check.detail}")
    for check in checks:
        if check.warning:
            info(f"warning: {check.name}: {check.detail} ({check.fix})")
    problems = [c for c in checks if not c.ok]
    for check in problems:
        info(f"error: {check.name}: {check.detail} ({check.fix})")
    if problems:
        raise typer.Exit(1)
