"""`slipway history`: an app's promotions to an environment, from the GitOps repo's trailers."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from slipway.cli.console import result
from slipway.cli.run import (
    BASE_OPT,
    FORGE_OPT,
    REPO_OPT,
    SOURCE_OPT,
    TOKEN_OPT,
    _gitops,
)


def history(
    env: str = typer.Option(..., "--env", help="Environment.", metavar="ENV"),
    repo: str = REPO_OPT,
    token: str = TOKEN_OPT,
    app: str = typer.Option("", "--app", help="App name (when no --source).", metavar="APP"),
    source: Path | None = SOURCE_OPT,
    base: str = BASE_OPT,
    forge: str = FORGE_OPT,
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """List promotions (time, image, digest, source commit), newest first."""
    import anyio

    from slipway.host import run_history
    from slipway.report import evidence_json

    rows = anyio.run(run_history, _gitops(repo, token, base, forge), app, env, source)
    if as_json:
        result(json.dumps(evidence_json(rows), indent=2))
        return
    for p in rows:
        mark = " (rolled back)" if p.rolled_back else ""
        mark += f" (with {', '.join(p.group)})" if p.group else ""
        result(f"{p.time}  {p.commit[:12]}  {p.image}  {p.digest or '-'}  {p.source or '-'}{mark}")
