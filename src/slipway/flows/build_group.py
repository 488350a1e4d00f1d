"""build-and-propose of several apps (a monorepo): every app's build graph merged into one, then one PR.

    <app>:test ∥ <app>:build → <app>:scan ∥ <app>:render → <app>:validate   (each app, concurrently)
    <app>:publish                       (each app, once every app's gates have passed)
    clone                               (the GitOps repository, while the apps build)
    → the group promotion of every published image: one commit, one pull request

Each app's steps keep their own `needs`, prefixed with the app. The only edges between apps lead
into the publishes: nothing is published, and nothing proposed, unless every app's gates passed.
The group promotion's steps (`promotion/group_graph.py`) share the graph: each app's image is its
publish's output, and nothing is pushed or opened before every build step passed.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from slipway.config import AppConfig
from slipway.errors import ConfigError, StageError
from slipway.flows.build import BuildRequest, build_steps
from slipway.flows.build_and_propose import GitopsTarget, evidence_markdown, graph_part, passed_graph
from slipway.promotion.group_graph import check_group_apps, group_failure, group_result, group_steps
from slipway.promotion.group_request import GroupApp, GroupRequest, GroupResult
from slipway.refs import ImageRef
from slipway.runner import GraphResult, Outputs, Step, run_graph

if TYPE_CHECKING:
    from slipway.runner import StepRecord

__all__ = [
    "GroupProposeResult",
    "app_evidence",
    "build_and_propose_group",
    "group_env",
    "group_proposal_steps",
    "group_request",
    "merged_build_steps",
]


@dataclass(frozen=True)
class GroupProposeResult:
    """The merged build graph's result and, when every app passed, the group promotion it proposed."""

    graph: GraphResult
    promotion: GroupResult | None = None


class _AppOutputs(Mapping[str, Any]):
    """The merged graph's outputs as one app's steps name them (`scan` for `<app>:scan`)."""

    def __init__(self, outputs: Outputs, app: str) -> None:
        self._outputs, self._prefix = outputs, f"{app}:"

    def __getitem__(self, name: str) -> Any:
        return self._outputs[self._prefix + name]

    def __iter__(self) -> Iterator[str]:
        return (n.removeprefix(self._prefix) for n in self._outputs if n.startswith(self._prefix))

    def __len__(self) -> int:
        return sum(1 for _ in self)


def _scoped(app: str, run: Callable[[Outputs], Awaitable[Any]]) -> Callable[[Outputs], Awaitable[Any]]:
    """`run` on the app's own outputs; its errors name the app."""

    async def scoped(out: Outputs) -> Any:
        try:
            return await run(_AppOutputs(out, app))
        except StageError as exc:
            why = str(exc).removeprefix(f"{exc.stage}: ")
            raise StageError(f"{app}:{exc.stage}", why, details=exc.details) from exc
        except ConfigError as exc:
            raise ConfigError(f"{app}: {exc}") from exc

    return scoped


def merged_build_steps(reqs: Sequence[BuildRequest]) -> list[Step]:
    """Every app's build steps named `<app>:<step>`; each publish waits for every app's gates."""
    check_group_apps([r.config.app for r in reqs], "build-and-propose")
    per_app = {r.config.app: build_steps(r) for r in reqs}
    publishes = {app: s for app, steps in per_app.items() for s in steps if s.name == "publish"}
    gates = tuple(f"{app}:{need}" for app, s in publishes.items() for need in s.needs)
    merged = []
    for app, steps in per_app.items():
        for s in steps:
            needs = tuple(f"{app}:{n}" for n in s.needs)
            if s.name == "publish":
                needs += tuple(g for g in gates if g not in needs)
            merged.append(Step(f"{app}:{s.name}", _scoped(app, s.run), needs))
    return merged


def group_env(configs: Sequence[AppConfig]) -> str:
    """The environment every app proposes to: their first one, which must be the same for all."""
    firsts = {c.app: c.environments[0].name for c in configs}
    if len(set(firsts.values())) > 1:
        listed = ", ".join(f"{app}: {env}" for app, env in firsts.items())
        msg = (
            "build-and-propose: one pull request moves the apps into one environment, "
            f"but their first environments differ ({listed})"
        )
        raise ConfigError(msg)
    return next(iter(firsts.values()))


def group_request(reqs: Sequence[BuildRequest], target: GitopsTarget) -> GroupRequest:
    """The group promotion of each app's image (the tag its build pushes) into their first environment."""
    from slipway.host import app_target

    env = group_env([r.config for r in reqs])
    targets = [app_target(r.config, "", env) for r in reqs]
    apps = tuple(
        GroupApp(
            t.app, t.protected, t.values_path(env), locator=t.locator, repository=t.repository,
            image=ImageRef(r.config.repository, r.tag or r.revision),
        )
        for t, r in zip(targets, reqs, strict=True)
    )  # fmt: skip
    revisions = ", ".join(dict.fromkeys(r.revision for r in reqs))
    return GroupRequest(
        env, "", apps, target.remote, target.forge_token, forge_kind=target.forge_kind, source=revisions,
        supersede=all(t.supersede for t in targets),
    )  # fmt: skip


def app_evidence(out: Outputs, app: str) -> str:
    """One app's pull-request evidence, from its passed steps in the merged graph's outputs."""
    return evidence_markdown(passed_graph(_AppOutputs(out, app)))


def group_proposal_steps(req: GroupRequest, build: Sequence[Step]) -> list[Step]:
    """The group promotion's steps beside `build`: each app's image from its publish, pushed after `build`."""
    image_from = {a.app: f"{a.app}:publish" for a in req.apps}
    return group_steps(req, push_after=[s.name for s in build], image_from=image_from, evidence=app_evidence)


async def build_and_propose_group(
    reqs: Sequence[BuildRequest], target: GitopsTarget, on_change: Callable[[StepRecord], None] | None = None
) -> GroupProposeResult:
    """Build, gate and publish every app in one graph; when all passed, propose them in one pull request.

    The GitOps repository is cloned while the apps build; nothing is pushed or opened unless every
    build step passed.
    """
    build = merged_build_steps(reqs)
    req = group_request(reqs, target)
    steps = group_proposal_steps(req, build)
    whole = await run_graph([*build, *steps], on_change)
    graph = graph_part(whole, [s.name for s in build])
    if not graph.ok:
        return GroupProposeResult(graph)
    error = group_failure(graph_part(whole, [s.name for s in steps]))
    if error is not None:
        raise error
    return GroupProposeResult(graph, group_result(req, {n: rec.evidence for n, rec in whole.steps.items()}))
