"""Names slipway accepts for applications and environments: DNS-1123 labels."""

from __future__ import annotations

import re

from slipway.yaml_input import shown

__all__ = ["DNS_LABEL_RULE", "dns_label_problem", "is_dns_label"]

_DNS_LABEL = re.compile(r"[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?")
DNS_LABEL_RULE = "must be a DNS-1123 label: a-z, 0-9 and '-', at most 63, no '-' at either end"


def is_dns_label(value: str) -> bool:
    """Whether `value` is a DNS-1123 label (lower-case a-z, 0-9, '-', at most 63)."""
    return bool(_DNS_LABEL.fullmatch(value))


def dns_label_problem(value: str) -> str | None:
    """Why `value` is not a DNS-1123 label, or None."""
    return None if is_dns_label(value) else f"{DNS_LABEL_RULE} (got {shown(value)})"
