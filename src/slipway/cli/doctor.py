"""`slipway doctor`: is the engine (version, SDKs), the registry and the local cluster fit to run."""

from __future__ import annotations

from slipway.cli.console import Exit, info, result
from slipway.cli.options import as_path
from slipway.cli.parser import command

TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse

    from slipway.cli.parser import Commands, Parser


def register(commands: Commands) -> None:
    """Declare `doctor`."""
    command(commands, "doctor", doctor, _options)


def _options(parser: Parser) -> None:
    parser.add_argument(
        "--source",
        type=as_path,
        default=".",
        metavar="DIR",
        help="The application directory whose slipway.lock is checked for drift.",
    )


def doctor(args: argparse.Namespace) -> None:
    """Check the engine, its SDKs, the registry, the stage images and their locks, and the cluster."""
    from slipway.engine.health import run_checks

    checks = run_checks(app_dir=args.source)
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
        raise Exit(1)
