"""`slipway doctor`: is the engine (version, SDKs), the registry and the local cluster fit to run."""

from __future__ import annotations

import typer

from slipway.cli.console import info, result


def doctor() -> None:
    """Check the engine, its version and SDKs, the registry, the stage images and the cluster."""
    from slipway.engine.health import run_checks

    checks = run_checks()
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
