"""`slipway init`: slipway.yaml, CI files and (--dagger) slipway as the app's Dagger toolchain."""

from __future__ import annotations

from slipway.cli.console import info, result
from slipway.cli.options import as_path
from slipway.cli.parser import command

TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse

    from slipway.cli.parser import Commands, Parser

_PLACEHOLDER = (
    "image.repository: the registry is a placeholder; set yours (or run init again with --registry)",
)
_GITOPS = (
    "gitops: the GitOps repository needs each environment's file at gitops.values_path; "
    "pass its URL as --repo to plan and run"
)


def register(commands: Commands) -> None:
    """Declare `init`."""
    command(commands, "init", init, _options)


def _options(parser: Parser) -> None:
    parser.add_argument(
        "path",
        type=as_path,
        nargs="?",
        default=".",
        metavar="PATH",
        help="The application directory (default: here).",
    )
    parser.add_argument("--ci", default="", metavar="CI", help="github | gitlab | jenkins | all")
    parser.add_argument(
        "--registry",
        default="ghcr.io/your-org",
        metavar="HOST[/PATH]",
        help="Registry the image goes to (default: a placeholder).",
    )
    parser.add_argument(
        "--module",
        default="",
        metavar="MODULE",
        help="Dagger module the CI files call and --dagger installs (git ref or local path).",
    )
    parser.add_argument("--force", action="store_true", help="Overwrite files that exist.")
    parser.add_argument(
        "--dagger",
        action="store_true",
        help="Make the app a Dagger module with slipway as its toolchain (--module).",
    )


def init(args: argparse.Namespace) -> None:
    """Write slipway.yaml (and CI files with --ci) for the app in PATH; --dagger installs the toolchain.

    slipway.yaml names the toolchain, Dockerfile, chart or kustomize overlays and environments
    found in PATH; init prints each finding and what is left to fill in, one line each.
    """
    path, registry, dagger = args.path, args.registry, args.dagger
    from slipway.init_files import DEFAULT_MODULE, DEFAULT_REGISTRY, app_layout, init_app

    module = args.module or DEFAULT_MODULE
    layout = app_layout(path)
    written = init_app(
        path, args.ci, registry=registry, module=module, force=args.force, dagger=dagger, layout=layout
    )
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
