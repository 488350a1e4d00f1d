"""Direct deploy and rollback, declared as steps: image → deploy → verify, plan → rollback → verify.

For environments with `deploy: direct` in slipway.yaml. `check_direct` refuses offline what
never goes out (a GitOps environment, a protected one without `allow_direct`, a tag-only
image for a protected one, another repository's image); the `image` step then asks the
registry for the digest, so what is deployed is always pinned.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from slipway.errors import ConfigError
from slipway.registry import pin_digest
from slipway.runner import Step
from slipway.stages import deploy, rollback_direct
from slipway.tool_images import ToolImages

if TYPE_CHECKING:
    import dagger

    from slipway.config import AppConfig, ClusterConfig
    from slipway.kube.target import KubeTarget
    from slipway.refs import ImageRef

__all__ = ["DeployRequest", "check_direct", "check_image", "deploy_steps", "is_direct", "rollback_steps"]


def is_direct(config: AppConfig, env: str) -> bool:
    """Whether `env` deploys directly (helm/kubectl) rather than through the GitOps repository."""
    return config.environment(env).deploy == "direct"


def check_direct(config: AppConfig, env: str, doing: str = "deploy") -> ClusterConfig:
    """`env`'s cluster, when `env` may be deployed to directly; a ConfigError saying why not."""
    from slipway.kube.environment import env_cluster

    environment = config.environment(env)
    if environment.deploy != "direct":
        msg = (
            f"{doing}: environment {env!r} deploys through GitOps (deploy: {environment.deploy} in "
            f"{config.source}): use `slipway run promote`, or set deploy: direct and a cluster"
        )
        raise ConfigError(msg)
    if environment.protected and not environment.allow_direct:
        msg = (
            f"{doing}: environment {env!r} is protected: it deploys only through a reviewed pull request "
            f"(set allow_direct: true in {config.source} to allow direct deploys of pinned digests)"
        )
        raise ConfigError(msg)
    cluster = environment.cluster
    if cluster is None:  # slipway.yaml's own check refuses this; a config built in code may not
        env_cluster(config, env, required_for=f"a direct {doing}")
        raise ConfigError(f"{doing}: environment {env!r} names no cluster")
    return cluster


@dataclass(frozen=True)
class DeployRequest:
    """One direct deploy (or rollback: no image) of an app to an environment's cluster."""

    config: AppConfig
    source: dagger.Directory | None
    env: str
    target: KubeTarget
    image: str = ""

    @property
    def cluster(self) -> ClusterConfig:
        """The environment's cluster settings (checked by `check_direct`)."""
        return check_direct(self.config, self.env)

    @property
    def workload(self) -> str:
        """The Deployment that runs the app: cluster.workload, or the app's name."""
        from slipway.kube.environment import env_workload

        return env_workload(self.config, self.env)

    @property
    def tools(self) -> ToolImages:
        """The tool images, with the app's overrides."""
        return ToolImages.for_app(self.config)

    def checked_image(self) -> ImageRef:
        """The image, refused offline when it may not go to this environment."""
        return check_image(self.config, self.env, self.image)


def check_image(config: AppConfig, env: str, image: str) -> ImageRef:
    """`image` parsed, refused offline when it may not go to `env` directly (see check_direct_image)."""
    protected = config.environment(env).protected
    return deploy.check_direct_image(image, repository=config.repository, env=env, protected=protected)


def deploy_steps(req: DeployRequest) -> list[Step]:
    """Pin the image's digest, deploy it, verify the rollout (each a progress line)."""
    cfg, tools, cluster = req.config, req.tools, req.cluster
    wanted = req.checked_image()
    per_env = cfg.deploy.values if cfg.deploy.kind == "helm" else cfg.deploy.overlays
    if req.source is None:
        raise ConfigError("deploy: no source directory (the chart or overlay comes from it)")
    source = req.source

    async def run_image(_: Any) -> ImageRef:
        return await pin_digest(wanted, stage="deploy")

    async def run_deploy(out: Any) -> deploy.DeployResult:
        conf = deploy.DeployConfig(
            app=cfg.app, env=req.env, kind=cfg.deploy.kind, path=cfg.deploy.path,
            env_file=per_env.get(req.env, ""), image=out["image"], target=req.target,
            workload=req.workload, timeout_s=cluster.rollout_timeout, helm_image=tools["helm"],
            kubectl_image=tools["kubectl"], kustomize_image=tools["kustomize"],
        )  # fmt: skip
        return await deploy.deploy(source, conf)

    async def run_verify(out: Any) -> deploy.DeployResult:
        state, running = await deploy.verify(
            req.target, tools["kubectl"], env=req.env, workload=req.workload,
            timeout_s=cluster.rollout_timeout, expect=out["image"], mark_healthy=cfg.deploy.kind != "helm",
            waited=cfg.deploy.kind == "helm",
        )  # fmt: skip
        revision = out["deploy"].revision or state.revision
        return deploy.DeployResult(req.env, req.target.namespace, req.workload, running, revision,
                                   out["deploy"].tool)  # fmt: skip

    return [
        Step("image", run_image),
        Step("deploy", run_deploy, needs=("image",)),
        Step("verify", run_verify, needs=("deploy",)),
    ]


def rollback_steps(req: DeployRequest) -> list[Step]:
    """Find the newest earlier healthy revision, return to it, verify the rollout."""
    cfg, tools, cluster = req.config, req.tools, req.cluster
    conf = rollback_direct.DirectRollbackConfig(
        app=cfg.app, env=req.env, kind=cfg.deploy.kind, target=req.target, workload=req.workload,
        timeout_s=cluster.rollout_timeout, helm_image=tools["helm"], kubectl_image=tools["kubectl"],
    )  # fmt: skip

    async def run_plan(_: Any) -> rollback_direct.RollbackPlan:
        return await rollback_direct.plan_rollback(conf)

    async def run_rollback(out: Any) -> rollback_direct.RollbackPlan:
        return await rollback_direct.roll_back(conf, out["plan"])

    async def run_verify(out: Any) -> deploy.DeployResult:
        plan = out["rollback"]
        _, running = await deploy.verify(
            req.target, tools["kubectl"], env=req.env, workload=req.workload,
            timeout_s=cluster.rollout_timeout, expect_images=plan.images,
            mark_healthy=cfg.deploy.kind != "helm", waited=cfg.deploy.kind == "helm",
        )  # fmt: skip
        return deploy.DeployResult(req.env, req.target.namespace, req.workload, running, plan.to, plan.tool)

    return [
        Step("plan", run_plan),
        Step("rollback", run_rollback, needs=("plan",)),
        Step("verify", run_verify, needs=("rollback",)),
    ]
