"""plan: the gates (nothing published) and, per environment, the values and manifest diffs.

Nothing is pushed anywhere: not an image, not a branch.
"""

from __future__ import annotations

import dataclasses
import difflib
from dataclasses import dataclass
from typing import TYPE_CHECKING

from slipway.errors import ConfigError, StageError
from slipway.flows.build import BuildRequest, build_steps, render_config
from slipway.gitops.locators import locator_for
from slipway.gitops.repo import clone
from slipway.gitops.values_path import values_path
from slipway.manifest_diff import rendered_diff
from slipway.refs import ImageRef
from slipway.runner import GraphResult, run_graph
from slipway.stages import dry_run, render
from slipway.tool_images import ToolImages

if TYPE_CHECKING:
    from collections.abc import Callable

    import dagger

    from slipway.flows.build_and_propose import GitopsTarget
    from slipway.runner import StepRecord

__all__ = ["EnvPlan", "env_plan", "plan"]


def _diff(old: str, new: str, a: str, b: str) -> str:
    return "".join(difflib.unified_diff(old.splitlines(True), new.splitlines(True), a, b))


async def _render_text(req: BuildRequest, env: str, image: ImageRef) -> str:
    conf = render_config(req.config, env, image, ToolImages.resolve(req.config.tools))
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
    tools = ToolImages.resolve(req.config.tools)
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
    old_manifests = await _render_text(req, env, old_ref) if old_ref.tag or old_ref.digest else ""
    new_manifests = await _render_text(req, env, new)
    return EnvPlan(
        env=env,
        protected=cfg.environment(env).protected,
        values_path=path,
        values_diff=_diff(old_text, new_text, f"a/{path}", f"b/{path}"),
        manifests_diff=rendered_diff(old_manifests, new_manifests, f"{env}/{old_ref}", f"{env}/{new}"),
        server_checked=await _server_checked(req, env, new),
    )


async def plan(
    req: BuildRequest, target: GitopsTarget, on_change: Callable[[StepRecord], None] | None = None
) -> tuple[GraphResult, ImageRef, list[EnvPlan]]:
    """The gates (no publish), the reference that would be pushed and each environment's diffs.

    An environment file reached through a symbolic link is refused before anything runs.
    """
    cfg = req.config
    paths = tuple(values_path(cfg.gitops.values_path, cfg.app, e.name) for e in cfg.environments)
    try:
        repo = await clone(target.remote, paths=paths, stage="plan")
    except StageError as exc:
        raise ConfigError(str(exc)) from exc
    graph = await run_graph(build_steps(req, with_publish=False), on_change)
    would_push = ImageRef(req.config.repository, req.tag or req.revision)
    if not graph.ok:
        return graph, would_push, []
    plans = [await env_plan(req, repo, e.name, would_push) for e in req.config.environments]
    return graph, would_push, plans
