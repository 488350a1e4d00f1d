"""`slipway init`: slipway.yaml, CI files and (--dagger) slipway as the app's Dagger toolchain."""

from __future__ import annotations

from pathlib import Path

import typer

from slipway.cli.console import info, result

_PLACEHOLDER = (
    "image.repository: the registry is a placeholder; set yours (or run init again with --registry)",
)
_GITOPS = (
    "gitops: the GitOps repository needs each environment's file at gitops.values_path; "
    "pass its URL as --repo to plan and run"
)


def init(
    path: Path = typer.Argument(Path(), help="The application directory (default: here)."),
    ci: str = typer.Option("", "--ci", help="github | gitlab | jenkins | all", metavar="CI"),
    registry: str = typer.Option(
        "ghcr.io/your-org",
        "--registry",
        help="Registry the image goes to (default: a placeholder).",
        metavar="HOST[/PATH]",
    ),
    module: str = typer.Option(
        "",
        "--module",
        help="Dagger module the CI files call and --dagger installs (git ref or local path).",
        metavar="MODULE",
    ),
    force: bool = typer.Option(False, "--force", help="Overwrite files that exist."),
    dagger: bool = typer.Option(
        False, "--dagger", help="Make the app a Dagger module with slipway as its toolchain (--module)."
    ),
) -> None:
    """Write slipway.yaml (and CI files with --ci) for the app in PATH; --dagger installs the toolchain.

    slipway.yaml names the toolchain, Dockerfile, chart or kustomize overlays and environments
    found in PATH; init prints each finding and what is left to fill in, one line each.
    """
    from slipway.init_files import DEFAULT_MODULE, DEFAULT_REGISTRY, app_layout, init_app

    module = module or DEFAULT_MODULE
    layout = app_layout(path)
    written = init_app(path, ci, registry=registry, module=module, force=force, dagger=dagger, layout=layout)
    for file in written:
        result(f"wrote {file}")
    if dagger:
        from slipway.init_dagger import init_dagger

        for done in init_dagger(path, module):
            result(done)
    if path / "slipway.yaml" in written:  # after the Dagger steps: a failure there ends on its one line
        for line in layout.found:
            info(f"found: {line}")
        for line in [*layout.todo, *(_PLACEHOLDER if registry == DEFAULT_REGISTRY else ()), _GITOPS]:
            info(f"to do: {line}")
    if dagger:
        info("next: `dagger check -l` lists slipway's checks, `dagger check` runs them")
