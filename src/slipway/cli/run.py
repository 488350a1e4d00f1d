"""`slipway run <function>`: the pipeline functions, over a client connection (no module load)."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from slipway.cli.console import info, result

run_app = typer.Typer(help="Run a pipeline function on the engine.", no_args_is_help=True)


@run_app.command("build")
def build_cmd(
    source: Path = typer.Option(..., "--source", help="The application directory (has slipway.yaml)."),
    env: str = typer.Option("", "--env", help="Environment to render and validate for (default: the first)."),
    revision: str = typer.Option("", "--revision", help="Commit SHA (default: the checkout's HEAD)."),
    tag: str = typer.Option("", "--tag", help="Image tag (default: the commit SHA)."),
    allow_custom_tag: bool = typer.Option(False, "--allow-custom-tag", help="Allow a non-SHA tag (never for protected envs)."),  # noqa: FBT001
    as_json: bool = typer.Option(False, "--json", help="Print the result object as JSON."),  # noqa: FBT001
) -> None:
    """Test, build, scan, render, validate and publish one application."""
    import anyio  # noqa: PLC0415

    from slipway.pipelines import BuildOptions, run_build  # noqa: PLC0415
    from slipway.report import graph_json, step_line  # noqa: PLC0415

    options = BuildOptions(source, env, revision, tag, allow_custom_tag)
    on_change = None if as_json else (lambda rec: info(step_line(rec)))
    config, outcome = anyio.run(run_build, options, on_change)
    if as_json:
        result(json.dumps(graph_json(outcome), indent=2))
    for failed in outcome.failures:
        details = getattr(failed.error, "details", "")
        if details and not as_json:
            info(f"--- {failed.name} output ---\n{details}\n---")
    if not outcome.ok:
        for failed in outcome.failures:
            info(f"error: {failed.message}")
        raise typer.Exit(1)
    if not as_json:
        result(f"Image: {outcome.steps['publish'].evidence}")
        info(f"{config.app}: all stages passed in {outcome.wall_s:.1f}s")
