"""Run results for people (a terminal summary), machines (JSON) and the Dagger module (summaries)."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from slipway.refs import ImageRef
from slipway.runner import GraphResult, StepRecord

__all__ = [
    "StageSummary",
    "evidence_json",
    "failure_details",
    "failure_report",
    "graph_json",
    "graph_warnings",
    "stage_summaries",
    "step_line",
]

_MARKS = {"passed": "ok  ", "failed": "FAIL", "skipped": "skip", "running": "... "}


def evidence_json(value: Any) -> Any:
    """A step's evidence as JSON-able data; engine objects (containers, files) are left out."""
    if isinstance(value, ImageRef):
        return str(value)
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    if isinstance(value, list | tuple):
        return [evidence_json(v) for v in value]
    if isinstance(value, dict):
        return {str(k): evidence_json(v) for k, v in value.items()}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        out = {f.name: evidence_json(getattr(value, f.name)) for f in dataclasses.fields(value)}
        return {k: v for k, v in out.items() if v is not _SKIP}
    return _SKIP


_SKIP: Any = object()


def step_line(rec: StepRecord) -> str:
    """One progress line for a step."""
    mark = _MARKS.get(rec.status, rec.status)
    timing = f" {rec.duration_s:6.1f}s" if rec.status in ("passed", "failed") else ""
    reason = f"  {rec.message}" if rec.status in ("failed", "skipped") else ""
    return f"{mark} {rec.name:<9}{timing}{reason}"


def graph_json(result: GraphResult) -> dict[str, Any]:
    """The whole run: ok, wall time, critical path and each step's record."""

    def clean(value: Any) -> Any:
        converted = evidence_json(value)
        return None if converted is _SKIP else converted

    return {
        "ok": result.ok,
        "wall_s": round(result.wall_s, 3),
        "critical_path_s": round(result.critical_path_s(), 3),
        "steps": [
            {
                "name": rec.name,
                "needs": list(rec.needs),
                "status": rec.status,
                "started_s": round(rec.started_s, 3),
                "duration_s": round(rec.duration_s, 3),
                "error": rec.message or None,
                "evidence": clean(rec.evidence),
            }
            for rec in result.steps.values()
        ],
    }


@dataclasses.dataclass(frozen=True)
class StageSummary:
    """One stage of a run as plain values: what the module's `Stage` objects are made from."""

    name: str
    status: str
    duration_s: float
    message: str
    evidence: str


def stage_summaries(result: GraphResult) -> list[StageSummary]:
    """Each step's status, time, failure reason and evidence (as JSON text; "" when it has none)."""
    out = []
    for rec in result.steps.values():
        evidence = evidence_json(rec.evidence)
        text = "" if evidence is _SKIP or evidence is None else json.dumps(evidence, sort_keys=True)
        out.append(StageSummary(rec.name, rec.status, round(rec.duration_s, 3), rec.message, text))
    return out


def failure_report(result: GraphResult) -> str:
    """One line per failed stage, as the CLI's `error:` lines ("" when every stage passed)."""
    return "\n".join(f.message for f in result.failures)


def graph_warnings(result: GraphResult) -> list[str]:
    """The warnings the steps' evidence carries (e.g. a policy exception that matched nothing)."""
    return [str(w) for rec in result.steps.values() for w in getattr(rec.evidence, "warnings", ()) or ()]


def failure_details(result: GraphResult) -> str:
    """Each failed stage's captured output (e.g. the failing test's), fenced by its name."""
    parts = []
    for failed in result.failures:
        details = getattr(failed.error, "details", "")
        if details:
            parts.append(f"--- {failed.name} output ---\n{details}\n---")
    return "\n".join(parts)
