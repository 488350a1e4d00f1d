"""slipway's built-in policy rules (the rego in `policies/`): each one's stable id and what it checks.

Every deny of a built-in rule carries its id and the object's kind and name (conftest puts them
in the failure's metadata), so an exception in slipway.yaml can name the rule and the objects.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["PROTECTED_ONLY_RULES", "RULES", "RULE_IDS", "PolicyRule", "rule_id_problem"]


@dataclass(frozen=True)
class PolicyRule:
    """A built-in rule: its id (as slipway.yaml and deny messages name it) and a one-line summary."""

    id: str
    summary: str


RULES: tuple[PolicyRule, ...] = (
    PolicyRule("mutable-tag", "no container uses the mutable tag 'latest' (protected environments)"),
    PolicyRule(
        "unpinned-image",
        "every container image is pinned by digest or a 40-hex commit SHA (protected environments)",
    ),
    PolicyRule("resource-limits", "every container of a workload declares resource limits"),
)
RULE_IDS: tuple[str, ...] = tuple(r.id for r in RULES)
# The rules that only ever deny in protected environments: exceptions to them are refused there
# unless slipway.yaml allows them (policy.forbid_exceptions_in_protected).
PROTECTED_ONLY_RULES: tuple[str, ...] = ("mutable-tag", "unpinned-image")


def rule_id_problem(value: str) -> str | None:
    """Why `value` is not a built-in rule id, listing the ids (None when it is one)."""
    if value in RULE_IDS:
        return None
    return f"unknown rule {value!r} (rules: {', '.join(RULE_IDS)}; `slipway policy list` describes them)"
