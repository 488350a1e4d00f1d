"""build-and-propose: the build graph, then the promotion pull request for the first environment.

The pull request carries the evidence: scan, validation, tests and the rendered-manifest diff.
The promotion runs as its own steps (`promotion/`) beside the diff, on the clone they share.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from slipway.flows.build import BuildRequest, build_steps
from slipway.flows.plan import proposal_request, proposal_steps
from slipway.gitops.repo import GitRemote
from slipway.promotion import PromoteResult
from slipway.promotion.graph import first_failure, promote_result
from slipway.refs import ImageRef
from slipway.runner import GraphResult, StepRecord, run_graph

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping
    from typing import Any

    from slipway.runner import Outputs
    from slipway.stages.validate import ValidateResult

__all__ = [
    "GitopsTarget",
    "ProposeResult",
    "build_and_propose",
    "evidence_markdown",
    "exception_lines",
    "graph_part",
    "passed_graph",
    "supply_chain_lines",
]


@dataclass(frozen=True)
class GitopsTarget:
    """The GitOps repository as a git remote (token as a secret) plus the forge API token."""

    remote: GitRemote
    forge_token: str
    forge_kind: str = ""


@dataclass(frozen=True)
class ProposeResult:
    """The build graph's result and, when it passed, the promotion it proposed."""

    graph: GraphResult
    promotion: PromoteResult | None = None


def exception_lines(result: ValidateResult) -> list[str]:
    """The policy exceptions as evidence: each one used, what it excused and why; unused ones as warnings."""
    used = [u for u in result.exceptions if u.excused]
    if not used and not result.warnings:
        return []
    lines = ["- Policy exceptions (slipway.yaml `policy.exceptions`):"]
    for u in used:
        objects, reason = ", ".join(u.excused), " ".join(u.reason.split())
        lines.append(f"  - `{u.rule}` for {u.kind}/{u.name} ({u.key}) excused {objects}; reason: {reason}")
    lines += [f"  - warning: {w}" for w in result.warnings]
    return lines


def supply_chain_lines(graph: GraphResult) -> list[str]:
    """The build's SBOM, signature and attestations as evidence (none when nothing was signed)."""
    from slipway.provenance import summarize
    from slipway.stages.cosign import TLOG_SKIPPED

    sbom, attest = graph.steps.get("sbom"), graph.steps.get("attest")
    if sbom is None or attest is None or attest.evidence is None:
        return []
    a = attest.evidence
    digest = f"{a.image.repository}@{a.image.digest}"
    builder = summarize(a.provenance["predicate"]).builder
    return [
        f"- Signed (cosign): {digest}; attested: {', '.join(a.types)}; {TLOG_SKIPPED}",
        f"- SBOM (trivy, SPDX-JSON and CycloneDX): {sbom.evidence.packages} packages",
        f"- Provenance (SLSA v1): subject {digest}; builder {builder}",
    ]


def evidence_markdown(graph: GraphResult, manifests_diff: str = "") -> str:
    """The pull request's evidence section: scan, validation and policy exceptions, Helm hooks, diff."""
    lines = ["### Evidence"]
    scan = graph.steps.get("scan")
    if scan is not None and scan.evidence is not None:
        counts = ", ".join(f"{n} {s}" for s, n in scan.evidence.counts.items())
        lines.append(f"- Scan (trivy): {counts}")
        lines += [f"  - {f}" for f in scan.evidence.top[:5]]
    validate = graph.steps.get("validate")
    if validate is not None and validate.evidence is not None:
        v = validate.evidence
        server = (
            ""
            if v.server_checked is None
            else (f"; server-side dry-run: {v.server_checked} resources accepted")
        )
        lines.append(f"- Validation: kubeconform -strict: {v.resources} resources valid; "
                     f"conftest: {v.policy_checks} checks passed{server}")  # fmt: skip
        lines += exception_lines(v)
    render = graph.steps.get("render")
    if render is not None and render.evidence is not None and render.evidence.hooks:
        lines.append(
            "- Helm hooks (validated; the controller runs them around the release, not in the diff):"
        )
        lines += [f"  - {h.label} ({h.hook})" for h in render.evidence.hooks]
    lines += supply_chain_lines(graph)
    test = graph.steps.get("test")
    if test is not None and test.evidence is not None:
        lines.append(f"- Tests: `{test.evidence.command}` passed")
    if manifests_diff:
        lines += ["", "### Rendered manifests diff", "```diff", manifests_diff.rstrip(), "```"]
    return "\n".join(lines) + "\n"


def passed_graph(out: Mapping[str, Any]) -> GraphResult:
    """The outputs of passed steps as the graph `evidence_markdown` reads."""
    return GraphResult({name: StepRecord(name, (), "passed", evidence=value) for name, value in out.items()})


def graph_part(graph: GraphResult, names: list[str]) -> GraphResult:
    """The records of `names` in `graph`, with the wall time they took."""
    steps = {name: graph.steps[name] for name in names}
    return GraphResult(steps, max((r.started_s + r.duration_s for r in steps.values()), default=0.0))


async def build_and_propose(
    req: BuildRequest, target: GitopsTarget, on_change: Callable[[StepRecord], None] | None = None
) -> ProposeResult:
    """Run the build graph with publish; once all of it passed, propose the image for the first environment.

    The promotion's steps share the build's graph: the GitOps repository is cloned while the build
    runs, and nothing is pushed or opened unless every build step passed.
    """
    build = build_steps(req)
    env = req.config.environments[0].name
    tag = ImageRef(req.config.repository, req.tag or req.revision)

    def evidence(out: Outputs) -> str:
        return evidence_markdown(passed_graph(out), out["diff"].manifests_diff)

    names = [s.name for s in build]
    steps = proposal_steps(req, target, env, tag, evidence=evidence, after=names, image_from="publish")
    whole = await run_graph([*build, *steps], on_change)
    graph = graph_part(whole, names)
    if not graph.ok:
        return ProposeResult(graph)
    proposal = graph_part(whole, [s.name for s in steps])
    failed = first_failure(proposal)
    if failed is not None:
        assert failed.error is not None
        raise failed.error
    outputs = {name: rec.evidence for name, rec in proposal.steps.items()}
    image: ImageRef = graph.steps["publish"].evidence
    return ProposeResult(graph, promote_result(proposal_request(req, target, env, image), outputs))
