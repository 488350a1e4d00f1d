"""`slipway policy`: the built-in policy rules, by the ids slipway.yaml's exceptions use."""

from __future__ import annotations

import json

import typer

from slipway.cli.console import result

policy_app = typer.Typer(
    help="List the built-in policy rules by the ids exceptions name.",
    no_args_is_help=True,
    rich_markup_mode=None,
)


@policy_app.command("list")
def list_rules(as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """Print each built-in rule's id and what it checks (ids are what policy.exceptions name)."""
    from slipway.policy_rules import RULES

    if as_json:
        result(json.dumps([{"id": r.id, "summary": r.summary} for r in RULES], indent=2))
        return
    width = max(len(r.id) for r in RULES)
    for rule in RULES:
        result(f"{rule.id:<{width}}  {rule.summary}")
