"""The typer application and its entry point: errors become one line and an exit code."""

from __future__ import annotations

import sys

import typer

from slipway.cli import console
from slipway.cli.check import check
from slipway.cli.cluster import cluster_app
from slipway.cli.doctor import doctor
from slipway.cli.engine import engine_app
from slipway.cli.history import history
from slipway.cli.init import init
from slipway.cli.keys import keys_app
from slipway.cli.plan import plan
from slipway.cli.policy import policy_app
from slipway.cli.run import run_app
from slipway.cli.status import status
from slipway.cli.tools import tools_app
from slipway.errors import SlipwayError

app = typer.Typer(
    name="slipway",
    help="Build-and-promote pipelines on Dagger.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    # Plain help: rendering it with rich imports ~70 modules, 4x what the rest of --help costs.
    rich_markup_mode=None,
    add_completion=False,
)
app.command()(check)
app.command()(doctor)
app.command()(history)
app.command()(init)
app.command()(plan)
app.command()(status)
app.add_typer(cluster_app, name="cluster")
app.add_typer(engine_app, name="engine")
app.add_typer(keys_app, name="keys")
app.add_typer(policy_app, name="policy")
app.add_typer(run_app, name="run")
app.add_typer(tools_app, name="tools")


@app.callback()
def _options(
    debug: bool = typer.Option(False, "--debug", help="Show tracebacks for errors."),
) -> None:
    console.state.debug = debug


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; return the process exit code (0 ok, 1 stage failed, 2 bad input)."""
    command = typer.main.get_command(app)
    try:
        outcome = command.main(args=argv, prog_name="slipway", standalone_mode=False)
    except typer.Exit as exc:
        return exc.exit_code
    except typer.TyperException as exc:
        show = getattr(exc, "show", None)
        if show is not None:
            show()
        else:
            console.info(f"error: {exc.format_message()}")
        return 2
    except typer.Abort:
        console.info("error: aborted")
        return 130
    except SlipwayError as exc:
        if console.state.debug:
            import traceback

            traceback.print_exc()
        console.info(f"error: {exc}")
        return exc.exit_code
    return outcome if isinstance(outcome, int) else 0


if __name__ == "__main__":
    sys.exit(main())
