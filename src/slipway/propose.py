"""build-and-propose and plan: the build graph, then the GitOps change it leads to.

build_and_propose publishes and opens the promotion pull request for the first environment,
with the evidence in its body. plan goes as far as the diffs with nothing pushed anywhere.
"""

from __future__ import annotations

import dataclasses
import difflib
from dataclasses import dataclass
from typing import TYPE_CHECKING

from slipway.errors import ConfigError, StageError
from slipway.gitops.promote import (
    PromoteRequest,
    PromoteResult,
    image_changes,
    promote,
    values_image,
    values_path_for,
)
from slipway.gitops.repo import GitRemote, clone
from slipway.gitops.values_edit import safe_repo_path, set_values
from slipway.graph import GraphResult, run_graph
from slipway.graphs import BuildRequest, build_steps, render_config
from slipway.refs import ImageRef
from slipway.stages import render
from slipway.toolchain import ToolImages

if TYPE_CHECKING:
    from collections.abc import Callable

    from slipway.graph import StepRecord

__all__ = ["EnvPlan", "GitopsTarget", "ProposeResult", "build_and_propose", "plan"]


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


@dataclass(frozen=True)
class EnvPlan:
    """What promoting the new image to one environment would change."""

    env: str
    protected: bool
    values_path: str
    values_diff: str
    manifests_diff: str


def _diff(old: str, new: str, a: str, b: str) -> str:
    return "".join(difflib.unified_diff(old.splitlines(True), new.splitlines(True), a, b))


async def _render_text(req: BuildRequest, env: str, image: ImageRef) -> str:
    conf = render_config(req.config, env, image, ToolImages.resolve(req.config.tools))
    try:
        return (await render.render(req.source, conf)).text
    except Exception as exc:
        return f"# could not render: {exc}\n"


async def _env_plan(req: BuildRequest, repo: object, env: str, new: ImageRef) -> EnvPlan:
    cfg = req.config
    path = safe_repo_path(values_path_for(cfg.gitops.values_path, cfg.app, env))
    old_text = await repo.file(path).contents()  # type: ignore[attr-defined]
    g = cfg.gitops
    new_text = set_values(old_text, image_changes(new, g.tag_key, g.digest_key), name=path)
    old_ref = values_image(old_text, g.tag_key, g.digest_key, path)
    if not old_ref.repository:
        old_ref = dataclasses.replace(old_ref, repository=cfg.repository)
    old_manifests = await _render_text(req, env, old_ref) if old_ref.tag or old_ref.digest else ""
    new_manifests = await _render_text(req, env, new)
    return EnvPlan(
        env=env,
        protected=cfg.environment(env).protected,
        values_path=path,
        values_diff=_diff(old_text, new_text, f"a/{path}", f"b/{path}"),
        manifests_diff=_diff(old_manifests, new_manifests, f"{env}/{old_ref}", f"{env}/{new}"),
    )


def evidence_markdown(graph: GraphResult, manifests_diff: str = "") -> str:
    """The pull request's evidence section: scan, validation, and the rendered-manifest diff."""
    lines = ["### Evidence"]
    scan = graph.steps.get("scan")
    if scan is not None and scan.evidence is not None:
        counts = ", ".join(f"{n} {s}" for s, n in scan.evidence.counts.items())
        lines.append(f"- Scan (trivy): {counts}")
        lines += [f"  - {f}" for f in scan.evidence.top[:5]]
    validate = graph.steps.get("validate")
    if validate is not None and validate.evidence is not None:
        v = validate.evidence
        lines.append(f"- Validation: kubeconform -strict: {v.resources} resources valid; "
                     f"conftest: {v.policy_checks} checks passed")  # fmt: skip
    test = graph.steps.get("test")
    if test is not None and test.evidence is not None:
        lines.append(f"- Tests: `{test.evidence.command}` passed")
    if manifests_diff:
        lines += ["", "### Rendered manifests diff", "```diff", manifests_diff.rstrip(), "```"]
    return "\n".join(lines) + "\n"


async def build_and_propose(
    req: BuildRequest, target: GitopsTarget, on_change: Callable[[StepRecord], None] | None = None
) -> ProposeResult:
    """Run the build graph with publish; on success, propose the image for the first environment."""
    graph = await run_graph(build_steps(req), on_change)
    if not graph.ok:
        return ProposeResult(graph)
    image: ImageRef = graph.steps["publish"].evidence
    cfg = req.config
    env = cfg.environments[0]
    repo = await clone(target.remote)
    env_plan = await _env_plan(req, repo, env.name, image)
    promotion = await promote(
        PromoteRequest(
            app=cfg.app,
            env=env.name,
            protected=env.protected,
            image=image,
            remote=target.remote,
            forge_token=target.forge_token,
            values_path=env_plan.values_path,
            tag_key=cfg.gitops.tag_key,
            digest_key=cfg.gitops.digest_key,
            repository=cfg.repository,
            forge_kind=target.forge_kind,
            source=req.revision,
            evidence=evidence_markdown(graph, env_plan.manifests_diff),
        )
    )
    return ProposeResult(graph, promotion)


async def plan(
    req: BuildRequest, target: GitopsTarget, on_change: Callable[[StepRecord], None] | None = None
) -> tuple[GraphResult, ImageRef, list[EnvPlan]]:
    """The gates (no publish), the reference that would be pushed and each environment's diffs."""
    try:
        repo = await clone(target.remote, stage="plan")
    except StageError as exc:
        raise ConfigError(str(exc)) from exc
    graph = await run_graph(build_steps(req, with_publish=False), on_change)
    would_push = ImageRef(req.config.repository, req.tag or req.revision)
    if not graph.ok:
        return graph, would_push, []
    plans = [await _env_plan(req, repo, e.name, would_push) for e in req.config.environments]
    return graph, would_push, plans
