"""plan: the gates (nothing published) and, per environment, the values and manifest diffs.

Each environment's diffs come from the promotion graph without its push and pull-request steps
(clone, diff, locate, resolve, edit): nothing is pushed anywhere, not an image, not a branch.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import TYPE_CHECKING

import anyio

from slipway.errors import ConfigError, SlipwayError
from slipway.flows.build import BuildRequest, build_steps, render_config
from slipway.gitops.locators import locator_for
from slipway.gitops.values_path import values_path
from slipway.manifest_diff import rendered_diff
from slipway.promotion import promotion_steps
from slipway.promotion.graph import first_failure
from slipway.promotion.steps.edit import values_diff
from slipway.refs import ImageRef
from slipway.runner import GraphResult, Step, run_graph
from slipway.stages import dry_run, render
from slipway.tool_images import ToolImages

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    import dagger

    from slipway.flows.build_and_propose import GitopsTarget
    from slipway.promotion import PromoteRequest
    from slipway.runner import Outputs, StepRecord

__all__ = ["EnvPlan", "env_plan", "plan", "proposal_request", "proposal_steps"]


async def _render_text(req: BuildRequest, env: str, image: ImageRef) -> str:
    conf = render_config(req.config, env, image, ToolImages.for_app(req.config))
    try:
        return (await render.render(req.source, conf)).text
    except Exception as exc:
        return f"# could not render: {exc}\n"


@dataclass(frozen=True)
class EnvPlan:
    """What promoting the new image to one environment would change."""

    env: str
    protected: bool
    values_path: str
    values_diff: str
    manifests_diff: str
    server_checked: int | None = None  # resources the API server accepted; None: no cluster


async def _server_checked(req: BuildRequest, env: str, image: ImageRef) -> int | None:
    """Dry-run `env`'s manifests with `image` on its cluster; None when it names none."""
    kube = req.kube.get(env)
    if kube is None:
        return None
    tools = ToolImages.for_app(req.config)
    rendered = await render.render(req.source, render_config(req.config, env, image, tools))
    result = await dry_run.server_dry_run(
        rendered.manifests, dry_run.DryRunConfig(env, kube, tools["kubectl"])
    )
    return len(result.resources)


async def env_plan(req: BuildRequest, repo: dagger.Directory, env: str, new: ImageRef) -> EnvPlan:
    """What promoting `new` to `env` would change in its values file and rendered manifests.

    The manifests diff leaves out render noise and the chart's Helm hooks (manifest_diff.py).
    An environment with a cluster also passes the server-side dry-run, or a StageError says why.
    """
    cfg = req.config
    path = values_path(cfg.gitops.values_path, cfg.app, env)
    old_text = await repo.file(path).contents()
    locator = locator_for(cfg.gitops, cfg.repository)
    new_text = locator.write(old_text, new, path)
    old_ref = locator.read(old_text, path)
    if not old_ref.repository:
        old_ref = dataclasses.replace(old_ref, repository=cfg.repository)
    rendered = {"old": "", "new": ""}

    async def render_as(which: str, ref: ImageRef) -> None:
        rendered[which] = await _render_text(req, env, ref)

    async with anyio.create_task_group() as tg:  # neither raises: a failed render is its text
        if old_ref.tag or old_ref.digest:
            tg.start_soon(render_as, "old", old_ref)
        tg.start_soon(render_as, "new", new)
    old_manifests, new_manifests = rendered["old"], rendered["new"]
    return EnvPlan(
        env=env,
        protected=cfg.environment(env).protected,
        values_path=path,
        values_diff=values_diff(path, old_text, new_text),
        manifests_diff=rendered_diff(old_manifests, new_manifests, f"{env}/{old_ref}", f"{env}/{new}"),
        server_checked=await _server_checked(req, env, new),
    )


def proposal_request(req: BuildRequest, target: GitopsTarget, env: str, image: ImageRef) -> PromoteRequest:
    """The promotion of the build's `image` to `env`, with the environment's rules from slipway.yaml."""
    from slipway.host import app_target

    target_env = app_target(req.config, "", env)
    return target_env.promote_request(  # type: ignore[no-any-return]
        image,
        target.remote,
        target.forge_token,
        target.forge_kind,
        source=req.revision,
        source_url=req.source_url,
    )


def proposal_steps(
    req: BuildRequest,
    target: GitopsTarget,
    env: str,
    image: ImageRef,
    *,
    pushing: bool = True,
    evidence: Callable[[Outputs], str] | None = None,
    after: Sequence[str] = (),
    image_from: str = "",
) -> list[Step]:
    """The promotion of `image` to `env` with the `diff` beside it, on the clone they share.

    Without `pushing` it is plan's graph: clone, diff, locate, resolve, edit; nothing pushed or opened.
    In a caller's graph, `image_from` names its step whose output is the image (`image` then only
    names its tag) and nothing is pushed until every step in `after` has passed; the clone needs
    neither, so it runs beside them.
    """
    request = proposal_request(req, target, env, image)

    async def run_diff(out: Outputs) -> EnvPlan:
        return await env_plan(req, out["clone"].repo, env, out[image_from] if image_from else image)

    # The diff is declared right after the clone: when it fails too, its error is the one raised.
    clone_step, *promotion = promotion_steps(
        request,
        push_after=("diff", *after) if pushing else (),
        evidence=evidence,
        pushing=pushing,
        image_from=image_from,
    )
    diff_needs = (clone_step.name, image_from) if image_from else (clone_step.name,)
    return [clone_step, Step("diff", run_diff, needs=diff_needs), *promotion]


async def plan(
    req: BuildRequest, target: GitopsTarget, on_change: Callable[[StepRecord], None] | None = None
) -> tuple[GraphResult, ImageRef, list[EnvPlan]]:
    """The gates (no publish), the reference that would be pushed and each environment's diffs.

    Each environment's promotion runs up to its edit beside the gates; a GitOps repository that
    cannot be cloned, or whose file lies under a symbolic link, stops everything at once, as
    bad input.
    """
    would_push = ImageRef(req.config.repository, req.tag or req.revision)
    envs = [e.name for e in req.config.environments]
    env_graphs = {env: proposal_steps(req, target, env, would_push, pushing=False) for env in envs}
    gates = GraphResult()
    planned: dict[str, GraphResult] = {}
    unreachable: list[SlipwayError] = []

    async with anyio.create_task_group() as tg:

        async def run_gates() -> None:
            nonlocal gates
            gates = await run_graph(build_steps(req, with_publish=False), on_change)

        async def run_env(env: str) -> None:
            planned[env] = await run_graph(env_graphs[env])
            cloned = planned[env].steps["clone"]
            if cloned.status == "failed" and cloned.error is not None:
                unreachable.append(cloned.error)
                tg.cancel_scope.cancel()

        tg.start_soon(run_gates)
        for env in envs:
            tg.start_soon(run_env, env)
    if unreachable:
        err = unreachable[0]
        raise err if isinstance(err, ConfigError) else ConfigError(str(err))
    if not gates.ok:
        return gates, would_push, []
    plans = []
    for env in envs:
        failed = first_failure(planned[env])
        if failed is not None:
            raise failed.raised or failed.error  # type: ignore[misc]
        plans.append(planned[env].steps["diff"].evidence)
    return gates, would_push, plans
