"""`slipway policy`: the built-in policy rules, by the ids slipway.yaml's exceptions use."""

from __future__ import annotations

from slipway.cli.console import result
from slipway.cli.parser import command, group

TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse

    from slipway.cli.parser import Commands, Parser


def register(commands: Commands) -> None:
    """Declare `policy` and its commands."""
    policy = group(commands, "policy", "List the built-in policy rules by the ids exceptions name.")
    if policy is not None:
        command(policy, "list", list_rules, _list_options)


def _list_options(parser: Parser) -> None:
    parser.add_argument("--json", dest="as_json", action="store_true", help="Print JSON.")


def list_rules(args: argparse.Namespace) -> None:
    """Print each built-in rule's id and what it checks (ids are what policy.exceptions name)."""
    import json

    from slipway.policy_rules import RULES

    if args.as_json:
        result(json.dumps([{"id": r.id, "summary": r.summary} for r in RULES], indent=2))
        return
    width = max(len(r.id) for r in RULES)
    for rule in RULES:
        result(f"{rule.id:<{width}}  {rule.summary}")
