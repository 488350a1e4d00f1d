"""`slipway plan`: the image that would be pushed and each environment's diffs; pushes nothing."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from slipway.cli.console import result
from slipway.cli.run import (
    APP_DIR_OPT,
    BASE_OPT,
    FORGE_OPT,
    KUBECONFIG_OPT,
    REPO_OPT,
    REVISION_OPT,
    TOKEN_OPT,
    _gitops,
    finish,
    progress,
)


def plan(
    source: Path = APP_DIR_OPT,
    repo: str = REPO_OPT,
    token: str = TOKEN_OPT,
    revision: str = REVISION_OPT,
    base: str = BASE_OPT,
    forge: str = FORGE_OPT,
    as_json: bool = typer.Option(False, "--json", help="Print the plan as JSON."),
    kubeconfig: str = KUBECONFIG_OPT,
) -> None:
    """Run the gates and show, per environment, the values and rendered-manifest diffs."""
    import anyio

    from slipway.host import BuildOptions, run_plan
    from slipway.report import evidence_json, graph_json

    gitops = _gitops(repo, token, base, forge)
    _, (graph, image, plans) = anyio.run(
        run_plan,
        BuildOptions(source, revision=revision, kubeconfig=kubeconfig),
        gitops,
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
