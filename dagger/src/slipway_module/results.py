"""What the module's functions return: small typed objects, made from the library's results."""

from __future__ import annotations

import dataclasses
import json
from typing import TYPE_CHECKING, Annotated

from dagger import Doc, field, function, object_type

if TYPE_CHECKING:
    from slipway.flows.plan import EnvPlan
    from slipway.gitops.forges.base import PullRequest
    from slipway.gitops.rollback import RollbackResult
    from slipway.promotion import PromoteResult
    from slipway.refs import ImageRef
    from slipway.runner import GraphResult

__all__ = ["Deployment", "EnvironmentPlan", "Plan", "Promotion", "Published", "Rollback", "Stage"]


@object_type
class Stage:
    """One stage of a run: its status, why it failed or was skipped, and its evidence."""

    name: Annotated[str, Doc("test, build, scan, render, validate or publish")] = field()
    status: Annotated[str, Doc("passed | failed | skipped")] = field()
    duration_s: Annotated[float, Doc("seconds it ran")] = field()
    message: Annotated[str, Doc("the failure or skip reason, one line")] = field()
    evidence: Annotated[str, Doc("what it found or made, as JSON")] = field()


def stages(graph: GraphResult) -> list[Stage]:
    """The module's Stage objects for every step of `graph`."""
    from slipway.report import stage_summaries

    return [Stage(**dataclasses.asdict(s)) for s in stage_summaries(graph)]


class _AsJson:
    @function
    def as_json(self) -> str:
        """The whole result as one JSON object (field names in snake_case)."""
        return json.dumps(dataclasses.asdict(self))  # type: ignore[call-overload]


def _pr_url(pr: PullRequest | None) -> str:
    return pr.url if pr is not None else ""


@object_type
class Published(_AsJson):
    """An image that passed every gate and was pushed under its commit SHA."""

    image: Annotated[str, Doc("repository:<sha>@sha256:...")] = field()
    digest: Annotated[str, Doc("sha256:...")] = field()
    stages: Annotated[list[Stage], Doc("every stage's status and evidence")] = field()

    @classmethod
    def of(cls, ref: ImageRef, graph: GraphResult) -> Published:
        """From the published reference and the graph that produced it."""
        return cls(image=str(ref), digest=ref.digest, stages=stages(graph))


@object_type
class Promotion(_AsJson):
    """An image written into an environment's values file: a pull request or a direct push."""

    status: Annotated[str, Doc("proposed | already-proposed | landed | already-landed")] = field()
    image: Annotated[str, Doc("the promoted image")] = field()
    branch: Annotated[str, Doc("the branch pushed")] = field()
    commit: Annotated[str, Doc("the promotion commit")] = field()
    pr_url: Annotated[str, Doc("the pull request ('' for a direct push)")] = field()
    values_diff: Annotated[str, Doc("the change to the values file")] = field()
    origin: Annotated[str, Doc("from_env: the image it runs, where read")] = field(default="")

    @classmethod
    def of(cls, result: PromoteResult) -> Promotion:
        """From the library's PromoteResult."""
        return cls(
            status=result.status, image=result.image, branch=result.branch, commit=result.commit,
            pr_url=_pr_url(result.pull_request), values_diff=result.values_diff, origin=result.origin,
        )  # fmt: skip


@object_type
class Proposal(_AsJson):
    """build-and-propose: the published image and the pull request for the first environment."""

    image: Annotated[str, Doc("repository:<sha>@sha256:...")] = field()
    digest: Annotated[str, Doc("sha256:...")] = field()
    pr_url: Annotated[str, Doc("the promotion pull request")] = field()
    promotion: Annotated[Promotion, Doc("the promotion to the first environment")] = field()
    stages: Annotated[list[Stage], Doc("every stage's status and evidence")] = field()


@object_type
class Rollback(_AsJson):
    """The reverted promotion and its revert: pushed, or a pull request when protected."""

    reverted: Annotated[str, Doc("the promotion commit reverted")] = field()
    commit: Annotated[str, Doc("the revert commit")] = field()
    branch: Annotated[str, Doc("the branch pushed")] = field()
    pr_url: Annotated[str, Doc("the pull request ('' when pushed to the base branch)")] = field()

    @classmethod
    def of(cls, result: RollbackResult) -> Rollback:
        """From the library's RollbackResult."""
        return cls(
            reverted=result.reverted, commit=result.commit, branch=result.branch,
            pr_url=_pr_url(result.pull_request),
        )  # fmt: skip


@object_type
class EnvironmentPlan:
    """What promoting the new image to one environment would change."""

    env: Annotated[str, Doc("the environment")] = field()
    protected: Annotated[bool, Doc("promoted only through a pull request")] = field()
    values_path: Annotated[str, Doc("its values file in the GitOps repository")] = field()
    values_diff: Annotated[str, Doc("the values file diff")] = field()
    manifests_diff: Annotated[str, Doc("the rendered manifests diff")] = field()
    server_checked: Annotated[
        int | None, Doc("resources its API server accepted in a dry-run (null: it names no cluster)")
    ] = field(default=None)


@object_type
class Plan(_AsJson):
    """The gates' results, the image that would be pushed and each environment's diffs."""

    image: Annotated[str, Doc("the reference that would be pushed")] = field()
    stages: Annotated[list[Stage], Doc("every gate's status and evidence")] = field()
    environments: Annotated[list[EnvironmentPlan], Doc("each environment's diffs")] = field()

    @classmethod
    def of(cls, image: ImageRef, graph: GraphResult, plans: list[EnvPlan]) -> Plan:
        """From the library's plan."""
        envs = [EnvironmentPlan(**dataclasses.asdict(p)) for p in plans]
        return cls(image=str(image), stages=stages(graph), environments=envs)


@object_type
class Deployment(_AsJson):
    """What an environment's cluster runs after a direct deploy or rollback, verified."""

    env: Annotated[str, Doc("the environment")] = field()
    namespace: Annotated[str, Doc("its namespace")] = field()
    workload: Annotated[str, Doc("the Deployment that runs the app")] = field()
    image: Annotated[str, Doc("the image it runs now (repository@sha256:...)")] = field()
    revision: Annotated[int, Doc("the helm release revision (or Deployment revision) deployed")] = field()
    tool: Annotated[str, Doc("helm | kubectl")] = field()
    stages: Annotated[list[Stage], Doc("each step's status and evidence")] = field()

    @classmethod
    def of(cls, graph: GraphResult) -> Deployment:
        """From a passed deploy or rollback graph (its `verify` step holds what runs)."""
        done = graph.steps["verify"].evidence
        return cls(
            env=done.env, namespace=done.namespace, workload=done.workload, image=done.image,
            revision=done.revision, tool=done.tool, stages=stages(graph),
        )  # fmt: skip
