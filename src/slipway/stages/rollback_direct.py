"""Direct rollback: back to the newest earlier revision that was healthy, on the cluster itself.

Helm apps: `helm history` finds the newest revision before the current one that helm recorded
`deployed` or `superseded` and that runs something else (`helm_rollback_target`), then
`helm rollback <rev> --wait`. Kustomize apps: the newest earlier ReplicaSet slipway verified
(`replicaset_rollback_target`), then `kubectl rollout undo --to-revision`. Without such a
revision nothing is changed and the refusal says why. `deploy.verify` checks the result.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from slipway.errors import ConfigError, StageError
from slipway.kube.rollout import (
    helm_rollback_target,
    kube_failure,
    parse_helm_history,
    replicaset_rollback_target,
)
from slipway.stages.deploy import kubectl_run, workload_state
from slipway.stages.engine_calls import exec_outcome, stage_errors, tail

if TYPE_CHECKING:
    from slipway.kube.target import KubeTarget

__all__ = ["DirectRollbackConfig", "RollbackPlan", "plan_rollback", "roll_back"]


@dataclass(frozen=True)
class DirectRollbackConfig:
    """The release (the app's name) or Deployment to roll back, and where."""

    app: str
    env: str
    kind: str
    target: KubeTarget
    workload: str
    timeout_s: int
    helm_image: str
    kubectl_image: str

    @property
    def where(self) -> str:
        """The environment and its namespace, as messages name them."""
        return f"{self.env} (namespace {self.target.namespace})"


@dataclass(frozen=True)
class RollbackPlan:
    """From which revision to which: a helm release revision, or a Deployment revision."""

    tool: str
    current: int
    to: int
    images: tuple[str, ...] = ()  # what the target revision runs (kubectl; helm does not say)


async def _helm_plan(config: DirectRollbackConfig) -> RollbackPlan:
    from dagger import ReturnType

    from slipway.kube.target import kube_container

    target = config.target
    args = [
        "helm",
        "history",
        config.app,
        "--namespace",
        target.namespace,
        "--output",
        "json",
        "--max",
        "256",
    ]
    ctr = await kube_container(target, config.helm_image)
    async with stage_errors("rollback", f"read the helm history of {config.app}", "check the helm image"):
        outcome = await exec_outcome(ctr.with_exec(args, expect=ReturnType.ANY))
    if outcome.exit_code != 0:
        if "release: not found" in outcome.stderr:
            msg = (
                f"rollback: no helm release {config.app!r} in {config.where} "
                "(nothing was deployed there directly: nothing to roll back)"
            )
            raise ConfigError(msg)
        reason, advice, _ = kube_failure(outcome.stderr, server=target.server, namespace=target.namespace)
        msg = f"could not read the helm history of {config.app} in {config.where}: {reason}"
        raise StageError("rollback", msg + (f" ({advice})" if advice else ""), details=tail(outcome.output))
    history = parse_helm_history(outcome.stdout)
    chosen = helm_rollback_target(history, config.app, config.where)
    return RollbackPlan("helm", history[-1].revision, chosen.revision)


async def _kubectl_plan(config: DirectRollbackConfig) -> RollbackPlan:
    from slipway.kube.target import kube_container

    ctr = await kube_container(config.target, config.kubectl_image)
    state = await workload_state(ctr, config.target, config.workload, "rollback",
                                 f"read deployment/{config.workload}")  # fmt: skip
    chosen = replicaset_rollback_target(state, config.where)
    return RollbackPlan("kubectl", state.revision, chosen.revision, chosen.images)


async def plan_rollback(config: DirectRollbackConfig) -> RollbackPlan:
    """Which revision to return to; ConfigError (nothing changed) when there is no healthy one."""
    if config.kind == "helm":
        return await _helm_plan(config)
    return await _kubectl_plan(config)


async def roll_back(config: DirectRollbackConfig, plan: RollbackPlan) -> RollbackPlan:
    """Return to `plan.to`: `helm rollback --wait` or `kubectl rollout undo --to-revision`."""
    from dagger import ReturnType

    from slipway.kube.target import kube_container

    target = config.target
    if plan.tool == "helm":
        args = ["helm", "rollback", config.app, str(plan.to), "--namespace", target.namespace,
                "--wait", "--timeout", f"{config.timeout_s}s"]  # fmt: skip
        ctr = await kube_container(target, config.helm_image)
        async with stage_errors("rollback", f"run helm rollback for {config.where}", "check the helm image"):
            outcome = await exec_outcome(ctr.with_exec(args, expect=ReturnType.ANY))
    else:
        ctr = await kube_container(target, config.kubectl_image)
        outcome = await kubectl_run(ctr, target, "rollout", "undo", f"deployment/{config.workload}",
                                    f"--to-revision={plan.to}")  # fmt: skip
    if outcome.exit_code != 0:
        reason, advice, _ = kube_failure(outcome.stderr or outcome.stdout, server=target.server,
                                         namespace=target.namespace)  # fmt: skip
        what = f"release {config.app}" if plan.tool == "helm" else f"deployment/{config.workload}"
        msg = f"could not roll {what} in {config.where} back to revision {plan.to}: {reason}"
        raise StageError("rollback", msg + (f" ({advice})" if advice else ""), details=tail(outcome.output))
    return plan
