"""Policy exceptions applied to conftest's failures: what each one excused, refused or never matched.

conftest runs every rule; the exceptions in slipway.yaml are applied afterwards, in Python, to
the failures of the built-in rules (each carries its rule id and the object's kind and name).
A failure an exception covers passes, and the exception is reported with its reason. In a
protected environment an exception to a rule in `policy.forbid_exceptions_in_protected` is
refused: the failure stands and says why. An exception that matches nothing is a warning.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from slipway.config import PolicyConfig, PolicyException

__all__ = ["ExceptionUse", "PolicyFailure", "PolicyOutcome", "apply_exceptions"]


@dataclass(frozen=True)
class PolicyFailure:
    """One deny from conftest: its message and, for a built-in rule, the rule id and the object."""

    msg: str
    rule: str = ""
    kind: str = ""
    name: str = ""

    @classmethod
    def from_conftest(cls, failure: Mapping[str, Any]) -> PolicyFailure:
        """A failure from conftest's JSON report (`msg`, and the rule's fields under `metadata`)."""
        meta = failure.get("metadata") or {}

        def text(key: str) -> str:
            value = meta.get(key, "")
            return value if isinstance(value, str) else ""

        return cls(str(failure.get("msg", "")), text("rule"), text("kind"), text("name"))


@dataclass(frozen=True)
class ExceptionUse:
    """What one exception did in one environment: the objects it excused, and those it could not."""

    key: str
    rule: str
    kind: str
    name: str
    reason: str
    excused: tuple[str, ...] = ()
    refused: tuple[str, ...] = ()


@dataclass(frozen=True)
class PolicyOutcome:
    """The failures left after the exceptions, what each exception did, and the warnings."""

    failures: tuple[str, ...]
    uses: tuple[ExceptionUse, ...]
    warnings: tuple[str, ...]


def _first(exceptions: Iterable[PolicyException], failure: PolicyFailure) -> PolicyException | None:
    if not failure.rule:
        return None
    return next((e for e in exceptions if e.matches(failure.rule, failure.kind, failure.name)), None)


def apply_exceptions(
    failures: Iterable[PolicyFailure], policy: PolicyConfig, env: str, *, protected: bool
) -> PolicyOutcome:
    """Apply `policy`'s exceptions to `failures` for `env`; the first matching exception decides."""
    excused: dict[str, list[str]] = {e.key: [] for e in policy.exceptions}
    refused: dict[str, list[str]] = {e.key: [] for e in policy.exceptions}
    left: list[str] = []
    for failure in failures:
        exception = _first(policy.exceptions, failure)
        obj = f"{failure.kind}/{failure.name}"
        if exception is None:
            left.append(failure.msg)
        elif protected and exception.rule in policy.forbid_exceptions_in_protected:
            refused[exception.key].append(obj)
            left.append(
                f"{failure.msg} (the exception {exception.key} does not apply: protected environment "
                f"{env!r} allows none to {exception.rule}, see policy.forbid_exceptions_in_protected)"
            )
        else:
            excused[exception.key].append(obj)
    uses = tuple(
        ExceptionUse(
            e.key,
            e.rule,
            e.kind,
            e.name,
            e.reason,
            excused=tuple(dict.fromkeys(excused[e.key])),
            refused=tuple(dict.fromkeys(refused[e.key])),
        )
        for e in policy.exceptions
    )
    warnings = tuple(
        f"policy exception {u.key} ({u.rule} {u.kind}/{u.name}) matched nothing in {env}"
        for u in uses
        if not u.excused and not u.refused
    )
    return PolicyOutcome(tuple(left), uses, warnings)
