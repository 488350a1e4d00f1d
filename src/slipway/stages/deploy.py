"""deploy: an image straight into an environment's cluster (`deploy: direct` in slipway.yaml).

Helm apps: `helm upgrade --install --atomic --wait --timeout <rollout_timeout>s` with the
environment's values file and the image set as the render stage sets it; a rollout that does
not become ready in time is rolled back by helm itself. Kustomize apps: the overlay is built
with the image (the render stage), applied with `kubectl apply --server-side`, and
`kubectl rollout status` waits; a rollout that does not become ready is undone with
`kubectl rollout undo` to the revision that ran before. Either way the failure is one line
naming the environment, the Deployment and the server's reason (a pod's Unschedulable
condition, a ProgressDeadlineExceeded, ...), and the previous revision keeps serving.

`verify` then checks with `kubectl rollout status` that the Deployment runs the image; for
kubectl deploys it marks the ReplicaSet verified (`HEALTHY_ANNOTATION`): helm keeps a release
history that says which revisions were healthy, kubectl does not.

Credentials: only the environment's kubeconfig, a secret mounted by `kube_container`; every
name, path and reference reaches helm and kubectl as an argument. Every command that reads
or changes the cluster carries a fresh value, so the engine never replays a cached answer.
"""

from __future__ import annotations

from collections.abc import Awaitable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from slipway.errors import ConfigError, StageError
from slipway.kube.rollout import HEALTHY_ANNOTATION, WorkloadState, kube_failure, rollout_problem, runs_image
from slipway.kube.target import fresh
from slipway.refs import ImageRef, parse_ref
from slipway.stages.engine_calls import ExecOutcome, exec_outcome, stage_errors, tail

if TYPE_CHECKING:
    import dagger

    from slipway.kube.target import KubeTarget

__all__ = [
    "DeployConfig",
    "DeployResult",
    "check_direct_image",
    "deploy",
    "kubectl_run",
    "rollout_status",
    "verify",
    "workload_state",
]

_MANIFESTS = "/work/manifests.yaml"
_STATE_KINDS = "deployments,replicasets,pods,events"


@dataclass(frozen=True)
class DeployConfig:
    """What goes where: the app's chart or kustomize base, the env's values/overlay, the image."""

    app: str
    env: str
    kind: str
    path: str
    env_file: str
    image: ImageRef
    target: KubeTarget
    workload: str
    timeout_s: int
    helm_image: str
    kubectl_image: str
    kustomize_image: str = ""

    @property
    def where(self) -> str:
        """The environment and its namespace, as messages name them."""
        return f"{self.env} (namespace {self.target.namespace})"


@dataclass(frozen=True)
class DeployResult:
    """What runs after a deploy or rollback: the Deployment, its image and revision."""

    env: str
    namespace: str
    workload: str
    image: str
    revision: int
    tool: str = ""


def check_direct_image(image: str, *, repository: str, env: str, protected: bool) -> ImageRef:
    """Refuse what never goes out directly, before connecting to anything.

    Only the app's own repository; never `latest`; a tag or a digest; in a protected
    environment (which deploys directly only with allow_direct) only an `@sha256:` digest.
    """
    ref = parse_ref(image)
    if ref.repository != repository:
        msg = f"deploy: refusing {image!r}: its repository is not the app's {repository} (from slipway.yaml)"
        raise ConfigError(msg)
    if ref.tag == "latest":
        msg = f"deploy: refusing {image!r}: 'latest' is never deployed (use a commit SHA tag or digest)"
        raise ConfigError(msg)
    if not ref.tag and not ref.digest:
        msg = f"deploy: refusing {image!r}: it names no tag or digest"
        raise ConfigError(msg)
    if protected and not ref.digest:
        msg = (
            f"deploy: refusing {image!r} for protected environment {env!r}: only digest-pinned images "
            f"are deployed directly (pass {ref.repository}@sha256:...)"
        )
        raise ConfigError(msg)
    return ref


async def kubectl_run(ctr: dagger.Container, target: KubeTarget, *args: str) -> ExecOutcome:
    """`kubectl ARGS` in `ctr` against the target, run now (never from cache), exit code kept."""
    from dagger import ReturnType

    return await exec_outcome(fresh(ctr).with_exec(target.kubectl(*args), expect=ReturnType.ANY))


def _failure(stage: str, doing: str, outcome: ExecOutcome, target: KubeTarget) -> StageError:
    reason, advice, _ = kube_failure(outcome.stderr or outcome.stdout, server=target.server,
                                     namespace=target.namespace)  # fmt: skip
    return StageError(stage, f"could not {doing}: {reason}" + (f" ({advice})" if advice else ""),
                      details=tail(outcome.output))  # fmt: skip


async def workload_state(
    ctr: dagger.Container, target: KubeTarget, workload: str, stage: str, doing: str
) -> WorkloadState:
    """The Deployment, its ReplicaSets, the namespace's pods and events, as the server has them now."""
    outcome = await kubectl_run(ctr, target, "get", _STATE_KINDS, "--output=json")
    if outcome.exit_code != 0:
        raise _failure(stage, doing, outcome, target)
    return WorkloadState.parse(outcome.stdout, workload, stage)


async def rollout_status(
    ctr: dagger.Container, target: KubeTarget, workload: str, timeout_s: int
) -> ExecOutcome:
    """`kubectl rollout status deployment/<workload> --timeout`: exit 0 once every replica is ready."""
    return await kubectl_run(
        ctr, target, "rollout", "status", f"deployment/{workload}", f"--timeout={timeout_s}s"
    )


async def _helm_deploy(source: dagger.Directory, config: DeployConfig) -> DeployResult:
    from dagger import ReturnType

    from slipway.kube.rollout import helm_revision_deployed
    from slipway.kube.target import kube_container
    from slipway.stages.render import helm_image_values

    target = config.target
    args = [
        "helm", "upgrade", "--install", config.app, f"./{config.path}",
        "--namespace", target.namespace, "--atomic", "--wait", "--timeout", f"{config.timeout_s}s",
    ]  # fmt: skip
    if config.env_file:
        args += ["--values", config.env_file]
    args += helm_image_values(config.image)
    ctr = (
        (await kube_container(target, config.helm_image)).with_directory("/app", source).with_workdir("/app")
    )
    async with stage_errors("deploy", f"run helm upgrade for {config.where}", "check the helm image"):
        outcome = await exec_outcome(ctr.with_exec(args, expect=ReturnType.ANY))
    if outcome.exit_code == 0:
        return DeployResult(config.env, target.namespace, config.workload, str(config.image),
                            helm_revision_deployed(outcome.stdout), "helm")  # fmt: skip
    text = outcome.stderr or outcome.stdout
    reason, advice, timed_out = kube_failure(text, server=target.server, namespace=target.namespace)
    rolled_back = "rolled back due to atomic" in text
    uninstalled = "uninstalled due to atomic" in text
    if not (timed_out or rolled_back or uninstalled):
        msg = f"could not deploy {config.app} to {config.where} with helm: {reason}"
        raise StageError("deploy", msg + (f" ({advice})" if advice else ""), details=tail(outcome.output))
    kubectl = await kube_container(target, config.kubectl_image)
    state = await workload_state(
        kubectl, target, config.workload, "deploy", f"read deployment/{config.workload}"
    )
    problem = rollout_problem(state, config.image, rolled_back=True)
    if state.deployment is not None and rolled_back:
        after = f"helm --atomic rolled back; {', '.join(state.images)} still serves"
    elif uninstalled:
        after = "helm --atomic uninstalled the first release: nothing is left half-deployed"
    else:
        after = f"helm: {reason}"
    msg = (
        f"rollout of deployment/{config.workload} to {config.where} did not become ready within "
        f"{config.timeout_s}s: {problem} ({after})"
    )
    raise StageError("deploy", msg, details=tail(outcome.output))


async def _kubectl_deploy(source: dagger.Directory, config: DeployConfig) -> DeployResult:
    from slipway.kube.target import kube_container
    from slipway.stages.render import RenderConfig, render

    target, workload = config.target, config.workload
    rendered = await render(
        source,
        RenderConfig(config.app, config.env, config.kind, config.path, config.env_file, config.image,
                     config.kustomize_image),
    )  # fmt: skip
    ctr = await kube_container(target, config.kubectl_image)
    before = await workload_state(ctr, target, workload, "deploy", f"read deployment/{workload}")
    applied = await kubectl_run(
        ctr.with_mounted_file(_MANIFESTS, rendered.manifests), target,
        "apply", "--server-side", "--force-conflicts", "--field-manager=slipway", "-f", _MANIFESTS,
    )  # fmt: skip
    if applied.exit_code != 0:
        raise _failure("deploy", f"apply the manifests to {config.where}", applied, target)
    status = await rollout_status(ctr, target, workload, config.timeout_s)
    if status.exit_code == 0:
        return DeployResult(config.env, target.namespace, workload, str(config.image), 0, "kubectl")
    reason, advice, _ = kube_failure(status.stderr, server=target.server, namespace=target.namespace)
    if advice:  # not a rollout that failed to become ready: the server refused or was not there
        msg = f"could not watch the rollout of deployment/{workload} in {config.where}: {reason} ({advice})"
        raise StageError("deploy", msg, details=tail(status.output))
    failed = await workload_state(ctr, target, workload, "deploy", f"read deployment/{workload}")
    problem = rollout_problem(failed, config.image)
    after = await _undo(ctr, config, before)
    msg = (
        f"rollout of deployment/{workload} to {config.where} did not become ready within "
        f"{config.timeout_s}s: {problem} ({after})"
    )
    raise StageError("deploy", msg, details=tail(status.output))


async def _undo(ctr: dagger.Container, config: DeployConfig, before: WorkloadState) -> str:
    """`kubectl rollout undo` to the revision that ran before; what serves now, for the message."""
    target, workload = config.target, config.workload
    if before.deployment is None or not before.revision:
        return "the first deploy of it: no earlier revision to return to"
    undo = await kubectl_run(ctr, target, "rollout", "undo", f"deployment/{workload}",
                             f"--to-revision={before.revision}")  # fmt: skip
    if undo.exit_code != 0:
        reason, _, _ = kube_failure(undo.stderr, server=target.server, namespace=target.namespace)
        return f"rollout undo to revision {before.revision} failed: {reason}"
    back = await rollout_status(ctr, target, workload, config.timeout_s)
    images = ", ".join(before.images)
    if back.exit_code != 0:
        return f"undone to revision {before.revision} ({images}), which is not ready yet either"
    return f"undone: revision {before.revision} serves {images} again"


async def _append(into: list[ExecOutcome], outcome: Awaitable[ExecOutcome]) -> None:
    into.append(await outcome)


async def deploy(source: dagger.Directory, config: DeployConfig) -> DeployResult:
    """Deploy `config.image` with helm or kubectl; raise StageError('deploy', ...) with the reason."""
    if config.kind == "helm":
        return await _helm_deploy(source, config)
    return await _kubectl_deploy(source, config)


async def verify(
    target: KubeTarget,
    kubectl_image: str,
    *,
    env: str,
    workload: str,
    timeout_s: int,
    stage: str = "verify",
    expect: ImageRef | None = None,
    expect_images: tuple[str, ...] = (),
    mark_healthy: bool = False,
    waited: bool = False,
) -> tuple[WorkloadState, str]:
    """Wait for `rollout status`, check what runs; (state, the images running).

    `waited`: the tool already waited for readiness (helm --wait), so the status only confirms
    it and the state is read alongside. `mark_healthy` (kubectl deploys, which keep no release
    history) annotates the ReplicaSet that now serves as verified: what a later rollback trusts.
    """
    import anyio

    from slipway.kube.target import kube_container

    where = f"{env} (namespace {target.namespace})"
    ctr = await kube_container(target, kubectl_image)
    read: list[ExecOutcome] = []
    if waited:
        async with anyio.create_task_group() as tg:
            tg.start_soon(_append, read, kubectl_run(ctr, target, "get", _STATE_KINDS, "--output=json"))
            status = await rollout_status(ctr, target, workload, timeout_s)
    else:
        status = await rollout_status(ctr, target, workload, timeout_s)
    if status.exit_code != 0:
        reason, advice, _ = kube_failure(status.stderr, server=target.server, namespace=target.namespace)
        problem = reason
        if not advice:
            state = await workload_state(ctr, target, workload, stage, f"read deployment/{workload}")
            problem = rollout_problem(state) if state.deployment is not None else reason
        msg = f"deployment/{workload} in {where} is not rolled out: {problem}" + (
            f" ({advice})" if advice else ""
        )
        raise StageError(stage, msg, details=tail(status.output))
    if read and read[0].exit_code == 0:
        state = WorkloadState.parse(read[0].stdout, workload, stage)
    else:
        state = await workload_state(ctr, target, workload, stage, f"read deployment/{workload}")
    if state.deployment is None:
        msg = f"deployment/{workload} is not in {where} (set cluster.workload to the Deployment's name)"
        raise StageError(stage, msg)
    running = ", ".join(state.images)
    if expect is not None and not any(runs_image(i, expect) for i in state.images):
        msg = f"deployment/{workload} in {where} runs {running}, not {expect}"
        raise StageError(stage, msg)
    if expect_images and state.images != expect_images:
        msg = f"deployment/{workload} in {where} runs {running}, not {', '.join(expect_images)}"
        raise StageError(stage, msg)
    current = state.current
    if mark_healthy and current is not None and not current.healthy:
        marked = await kubectl_run(ctr, target, "annotate", f"replicaset/{current.name}",
                                   f"{HEALTHY_ANNOTATION}=healthy", "--overwrite")  # fmt: skip
        if marked.exit_code != 0:
            raise _failure(stage, f"mark replicaset/{current.name} verified", marked, target)
    return state, running
