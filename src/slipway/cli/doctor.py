"""`slipway doctor`: is the engine, its version, its SDKs and the registry fit to run pipelines."""

from __future__ import annotations

import typer

from slipway.cli.console import info, result


def doctor() -> None:
    """Check the engine, its version and SDKs, the registry and the stage images; exit 1 on a problem."""
    from slipway.engine.health import run_checks

    checks = run_checks()
    for check in checks:
        mark = "ok  " if check.ok else "FAIL"
        result(f"{mark} {check.name}: {check.detail}")
    problems = [c for c in checks if not c.ok]
    for check in problems:
        info(f"error: {check.name}: {check.detail} ({check.fix})")
    if problems:
        raise typer.Exit(1)
