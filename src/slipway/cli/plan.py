"""`slipway plan`: the image that would be pushed and each environment's diffs; pushes nothing."""

from __future__ import annotations

from slipway.cli.console import result
from slipway.cli.options import add
from slipway.cli.parser import command

TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse

    from slipway.cli.parser import Commands, Parser


def register(commands: Commands) -> None:
    """Declare `plan`."""
    command(commands, "plan", plan, _options)


def _options(parser: Parser) -> None:
    add(parser, "app-dir", "repo", "token", "revision", "base", "forge", "json", "kubeconfig")


def plan(args: argparse.Namespace) -> None:
    """Run the gates and show, per environment, the values and rendered-manifest diffs."""
    import json

    import anyio

    from slipway.cli.run import finish, gitops_options, progress
    from slipway.host import BuildOptions, run_plan
    from slipway.report import evidence_json, graph_json

    as_json: bool = args.as_json
    _, (graph, image, plans) = anyio.run(
        run_plan,
        BuildOptions(args.source, revision=args.revision, kubeconfig=args.kubeconfig),
        gitops_options(args),
        progress(as_json=as_json),
    )
    if as_json:
        data = {
            "graph": graph_json(graph),
            "image": str(image),
            "environments": evidence_json(plans),
        }
        result(json.dumps(data, indent=2))
    finish(graph, as_json=as_json)
    if as_json:
        return
    result(f"Would push: {image}")
    for p in plans:
        result(f"\n## {p.env}{' (protected: pull request)' if p.protected else ''}: {p.values_path}")
        result(p.values_diff.rstrip() or "(no change)")
        result(f"\n### rendered manifests ({p.env})")
        result(p.manifests_diff.rstrip() or "(no change)")
        if p.server_checked is not None:
            result(f"server-side dry-run ({p.env}): {p.server_checked} resources accepted")
