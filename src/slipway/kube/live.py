"""What a cluster runs: a Deployment's image and rollout, and the Flux Kustomization syncing it.

The parsers take the API server's JSON (`kubectl get -o json`) and are pure; `read_live` and
`read_sync` fetch it from an engine container with the environment's deploy credentials.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from slipway.errors import StageError
from slipway.stages.dry_run import server_problems
from slipway.stages.engine_calls import exec_outcome, stage_errors

if TYPE_CHECKING:
    from slipway.kube.target import KubeTarget

__all__ = [
    "LiveState",
    "SyncState",
    "deployment_state",
    "image_digest",
    "kustomization_state",
    "read_live",
    "read_sync",
]

FLUX_NAMESPACE = "flux-system"
KUSTOMIZATIONS = "kustomizations.kustomize.toolkit.fluxcd.io"


@dataclass(frozen=True)
class LiveState:
    """A Deployment's container image and how far its rollout got.

    `rollout` is `complete`, `progressing`, `failed` or `absent`; `reason` says why when not
    complete (the Deployment's condition, in the server's words).
    """

    workload: str
    image: str
    digest: str
    rollout: str
    reason: str = ""


@dataclass(frozen=True)
class SyncState:
    """A Flux Kustomization applying an environment: ready or not, why, and which revision."""

    name: str
    ready: bool
    reason: str
    revision: str


def image_digest(image: str) -> str:
    """The sha256 digest an image reference pins ("" when it names only a tag)."""
    _, _, digest = image.partition("@")
    return digest if digest.startswith("sha256:") else ""


def _condition(obj: dict[str, Any], kind: str) -> dict[str, Any]:
    for cond in (obj.get("status") or {}).get("conditions") or []:
        if cond.get("type") == kind:
            return dict(cond)
    return {}


def deployment_state(obj: dict[str, Any], container: str = "") -> LiveState:
    """The image of `container` (default: the first) and the rollout state of a Deployment."""
    name = str((obj.get("metadata") or {}).get("name", ""))
    spec = obj.get("spec") or {}
    containers = ((spec.get("template") or {}).get("spec") or {}).get("containers") or []
    chosen = next((c for c in containers if c.get("name") == container), containers[0] if containers else {})
    image = str(chosen.get("image", ""))
    status = obj.get("status") or {}
    want = int(spec.get("replicas", 1))
    generation = int((obj.get("metadata") or {}).get("generation", 0))
    progressing = _condition(obj, "Progressing")
    if progressing.get("reason") == "ProgressDeadlineExceeded":
        reason = f"{progressing.get('reason')}: {progressing.get('message', '')}".strip()
        return LiveState(name, image, image_digest(image), "failed", reason)
    done = (
        int(status.get("observedGeneration", 0)) >= generation
        and int(status.get("updatedReplicas", 0)) == want
        and int(status.get("availableReplicas", 0)) == want
        and int(status.get("replicas", 0)) == want
    )
    if done:
        return LiveState(name, image, image_digest(image), "complete")
    available = _condition(obj, "Available")
    why = progressing.get("message") or available.get("message") or "waiting for the rollout"
    counts = (
        f"{status.get('updatedReplicas', 0)}/{want} updated, {status.get('availableReplicas', 0)} available"
    )
    return LiveState(name, image, image_digest(image), "progressing", f"{counts}: {why}")


def kustomization_state(items: list[dict[str, Any]], namespace: str) -> SyncState | None:
    """The Flux Kustomization that applies into `namespace` (by spec.targetNamespace), if any."""
    for item in items:
        if (item.get("spec") or {}).get("targetNamespace") != namespace:
            continue
        ready = _condition(item, "Ready")
        status = item.get("status") or {}
        reason = f"{ready.get('reason', 'Unknown')}: {ready.get('message', '')}".strip(": ")
        return SyncState(
            name=str((item.get("metadata") or {}).get("name", "")),
            ready=ready.get("status") == "True",
            reason=reason,
            revision=str(status.get("lastAppliedRevision", "")),
        )
    return None


async def _get_json(target: KubeTarget, image: str, env: str, *args: str) -> dict[str, Any] | None:
    """`kubectl get ... -o json` on the target: the object, None when NotFound; StageError else."""
    from dagger import ReturnType

    from slipway.kube.target import kube_container

    ctr = await kube_container(target, image)
    async with stage_errors("status", f"read {args[0]} in {env}", "check the kubectl image"):
        outcome = await exec_outcome(
            ctr.with_exec(target.kubectl("get", *args, "-o", "json"), expect=ReturnType.ANY)
        )
    if outcome.exit_code == 0:
        parsed: dict[str, Any] = json.loads(outcome.stdout)
        return parsed
    problems = server_problems(outcome.stderr)
    if any("(NotFound)" in p for p in problems):
        return None
    where = f"{env} (namespace {target.namespace})"
    msg = f"could not read {args[0]} in {where}: {'; '.join(problems[:2]) or outcome.stderr.strip()[-200:]}"
    raise StageError("status", msg)


async def read_live(target: KubeTarget, kubectl_image: str, env: str, workload: str) -> LiveState:
    """The Deployment `workload`'s image and rollout in the target's namespace (`absent` if none)."""
    obj = await _get_json(target, kubectl_image, env, f"deployment/{workload}")
    if obj is None:
        return LiveState(workload, "", "", "absent", f"no deployment {workload} in {target.namespace}")
    return deployment_state(obj, workload)


async def read_sync(target: KubeTarget, kubectl_image: str, env: str) -> SyncState | None:
    """The Flux Kustomization applying into the target's namespace (None when Flux reads none)."""
    listed = await _get_json(target, kubectl_image, env, KUSTOMIZATIONS, f"--namespace={FLUX_NAMESPACE}")
    return kustomization_state((listed or {}).get("items") or [], target.namespace)
