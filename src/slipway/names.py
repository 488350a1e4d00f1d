"""Names slipway accepts for applications and environments: DNS-1123 labels."""

from __future__ import annotations

import re

from slipway.yaml_input import shown

__all__ = ["dns_label_problem"]

_DNS_LABEL = re.compile(r"[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?")


def dns_label_problem(value: str) -> str | None:
    """Why `value` is not a DNS-1123 label (lower-case a-z, 0-9, '-', at most 63), or None."""
    if _DNS_LABEL.fullmatch(value):
        return None
    return (
        f"must be a DNS-1123 label: a-z, 0-9 and '-', at most 63, no '-' at either end (got {shown(value)})"
    )
