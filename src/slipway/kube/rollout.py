"""Reading a workload's rollout back: helm history, ReplicaSet revisions and why a rollout failed.

Pure functions over what helm and kubectl print as JSON, so every decision a deploy or rollback
takes (which revision is healthy, what the server said went wrong) is unit-tested on its own:

- `parse_helm_history` / `helm_rollback_target`: the newest earlier release revision that was
  healthy (deployed or superseded) and is not what runs now;
- `WorkloadState` (one `kubectl get deployments,replicasets,pods,events -o json`):
  the Deployment's revision and image, its ReplicaSets (those slipway verified carry
  `HEALTHY_ANNOTATION`), and `rollout_problem`, the server's reason in one line;
- `kube_failure`: a helm or kubectl error as one line with what to do about it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from slipway.errors import ConfigError, StageError
from slipway.refs import ImageRef

__all__ = [
    "HEALTHY_ANNOTATION",
    "HEALTHY_STATUSES",
    "HelmRevision",
    "ReplicaSetRevision",
    "WorkloadState",
    "helm_revision_deployed",
    "helm_rollback_target",
    "kube_failure",
    "parse_helm_history",
    "replicaset_rollback_target",
    "rollout_problem",
    "runs_image",
]

HEALTHY_STATUSES = ("deployed", "superseded")
# Set by slipway on a ReplicaSet once its rollout was verified (kubectl deploys have no release
# history that says which revisions were healthy; the Deployment controller leaves it in place).
HEALTHY_ANNOTATION = "slipway.dev/rollout"
_REVISION = "deployment.kubernetes.io/revision"
_ROLLBACK_TO = re.compile(r"^Rollback to (\d+)$")
_HELM_REVISION = re.compile(r"^REVISION: (\d+)$", re.MULTILINE)
_MAX_MESSAGE = 240
# Container states that mean "will not become ready by waiting": (waiting reasons)
_STUCK = ("ImagePullBackOff", "ErrImagePull", "CrashLoopBackOff", "CreateContainerConfigError",
          "CreateContainerError", "InvalidImageName", "RunContainerError")  # fmt: skip


@dataclass(frozen=True)
class HelmRevision:
    """One revision of a helm release, as `helm history -o json` lists it."""

    revision: int
    status: str
    description: str = ""
    updated: str = ""

    @property
    def rolled_back_to(self) -> int | None:
        """The revision this one restored (helm writes "Rollback to N"), else None."""
        match = _ROLLBACK_TO.match(self.description.strip())
        return int(match.group(1)) if match else None


def parse_helm_history(text: str) -> list[HelmRevision]:
    """`helm history RELEASE -o json` → revisions, oldest first; StageError when it is not that."""
    try:
        rows = json.loads(text)
        revisions = [
            HelmRevision(int(r["revision"]), str(r["status"]), str(r.get("description") or ""),
                         str(r.get("updated") or ""))
            for r in rows
        ]  # fmt: skip
    except (json.JSONDecodeError, TypeError, KeyError, ValueError) as exc:
        msg = f"could not read helm history: not the JSON list helm prints ({type(exc).__name__})"
        raise StageError("rollback", msg) from None
    return sorted(revisions, key=lambda r: r.revision)


def helm_revision_deployed(helm_output: str) -> int:
    """The revision `helm upgrade --install` reports ("REVISION: N"), 0 when it names none."""
    match = _HELM_REVISION.search(helm_output)
    return int(match.group(1)) if match else 0


def _origin(revision: int, by_number: dict[int, HelmRevision]) -> int:
    """The revision whose manifests `revision` runs: follows "Rollback to N" back to a real one."""
    seen = set()
    while revision in by_number and revision not in seen:
        seen.add(revision)
        target = by_number[revision].rolled_back_to
        if target is None:
            break
        revision = target
    return revision


def helm_rollback_target(history: list[HelmRevision], release: str, where: str) -> HelmRevision:
    """The newest revision before the current one that was healthy and runs something else.

    Healthy: helm recorded it `deployed` or `superseded` (a failed or pending upgrade is
    neither). A revision that is itself a rollback counts as the revision it restored, so after
    an `--atomic` rollback ("Rollback to 2") the target is the one before 2, never 2 again.
    ConfigError (nothing is changed) when no such revision exists; `where` names env and namespace.
    """
    if not history:
        msg = f"rollback: release {release!r} has no history in {where} (nothing to roll back)"
        raise ConfigError(msg)
    current = history[-1]
    if current.status.startswith("pending-"):
        msg = (
            f"rollback: release {release!r} in {where} is {current.status} at revision "
            f"{current.revision} (another helm operation is running; wait for it, then retry)"
        )
        raise ConfigError(msg)
    by_number = {r.revision: r for r in history}
    running = _origin(current.revision, by_number)
    for candidate in reversed(history[:-1]):
        if candidate.status in HEALTHY_STATUSES and _origin(candidate.revision, by_number) != running:
            return candidate
    listed = ", ".join(f"{r.revision} {r.status}" for r in history[-6:])
    msg = (
        f"rollback: no healthy revision of release {release!r} before revision {current.revision} "
        f"in {where} (history: {listed}); nothing was changed"
    )
    raise ConfigError(msg)


@dataclass(frozen=True)
class ReplicaSetRevision:
    """One ReplicaSet of a Deployment: its revision, images and whether slipway verified it."""

    name: str
    revision: int
    images: tuple[str, ...]
    healthy: bool = False
    replicas: int = 0
    ready: int = 0


def _images(pod_spec: Any) -> tuple[str, ...]:
    containers = (pod_spec or {}).get("containers") or []
    return tuple(str(c.get("image", "")) for c in containers)


def _owned_by(obj: dict[str, Any], kind: str, name: str) -> bool:
    owners = obj.get("metadata", {}).get("ownerReferences") or []
    return any(o.get("kind") == kind and o.get("name") == name for o in owners)


def runs_image(image_text: str, image: ImageRef) -> bool:
    """Whether a container's image string is `image` (by digest when it has one)."""
    if image.digest:
        return image_text.endswith("@" + image.digest)
    return image_text == str(image)


@dataclass(frozen=True)
class WorkloadState:
    """A Deployment and what belongs to it, from one `kubectl get ... -o json` of the namespace."""

    workload: str
    deployment: dict[str, Any] | None
    replicasets: tuple[ReplicaSetRevision, ...]
    pods: tuple[dict[str, Any], ...] = field(default=())
    events: tuple[dict[str, Any], ...] = field(default=())

    @classmethod
    def parse(cls, text: str, workload: str, stage: str = "deploy") -> WorkloadState:
        """Parse `kubectl get deployments,replicasets,pods,events -o json` for `workload`."""
        try:
            items = json.loads(text).get("items") or []
        except (json.JSONDecodeError, AttributeError) as exc:
            why = f"not kubectl's JSON ({type(exc).__name__})"
            msg = f"could not read the state of deployment/{workload}: {why}"
            raise StageError(stage, msg) from None
        deployment = None
        replicasets: list[ReplicaSetRevision] = []
        pods, events = [], []
        for item in items:
            kind, meta = item.get("kind"), item.get("metadata") or {}
            if kind == "Deployment" and meta.get("name") == workload:
                deployment = item
            elif kind == "ReplicaSet" and _owned_by(item, "Deployment", workload):
                annotations = meta.get("annotations") or {}
                replicasets.append(
                    ReplicaSetRevision(
                        name=str(meta.get("name", "")),
                        revision=_int(annotations.get(_REVISION)),
                        images=_images(item.get("spec", {}).get("template", {}).get("spec")),
                        healthy=annotations.get(HEALTHY_ANNOTATION) == "healthy",
                        replicas=_int(item.get("spec", {}).get("replicas")),
                        ready=_int((item.get("status") or {}).get("readyReplicas")),
                    )
                )
            elif kind == "Pod":
                pods.append(item)
            elif kind == "Event":
                events.append(item)
        replicasets.sort(key=lambda r: r.revision)
        return cls(workload, deployment, tuple(replicasets), tuple(pods), tuple(events))

    @property
    def revision(self) -> int:
        """The Deployment's current revision (0 when it does not exist)."""
        if self.deployment is None:
            return 0
        return _int((self.deployment.get("metadata", {}).get("annotations") or {}).get(_REVISION))

    @property
    def images(self) -> tuple[str, ...]:
        """The images the Deployment's pod template runs (empty when it does not exist)."""
        if self.deployment is None:
            return ()
        return _images(self.deployment.get("spec", {}).get("template", {}).get("spec"))

    @property
    def current(self) -> ReplicaSetRevision | None:
        """The ReplicaSet of the Deployment's current revision."""
        return next((r for r in self.replicasets if r.revision == self.revision and self.revision), None)


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def replicaset_rollback_target(state: WorkloadState, where: str) -> ReplicaSetRevision:
    """The newest earlier ReplicaSet that slipway verified healthy and that runs other images.

    ConfigError (nothing changed) when the Deployment is missing or no such revision exists.
    """
    workload = f"deployment/{state.workload}"
    if state.deployment is None:
        msg = f"rollback: {workload} does not exist in {where} (nothing to roll back)"
        raise ConfigError(msg)
    running = state.images
    for rs in reversed(state.replicasets):
        if rs.revision < state.revision and rs.healthy and rs.images != running:
            return rs
    listed = ", ".join(f"{r.revision}{' healthy' if r.healthy else ''}" for r in state.replicasets[-6:])
    msg = (
        f"rollback: no earlier revision of {workload} in {where} was verified healthy "
        f"(revisions: {listed or 'none'}; slipway marks verified rollouts {HEALTHY_ANNOTATION}=healthy); "
        "nothing was changed"
    )
    raise ConfigError(msg)


def _short(message: str) -> str:
    """One line of a server message: whitespace collapsed, the scheduler's preemption note dropped."""
    text = " ".join(str(message).split())
    text = re.sub(r"\.? preemption: .*$", "", text)
    return text if len(text) <= _MAX_MESSAGE else text[: _MAX_MESSAGE - 3] + "..."


def _event_time(event: dict[str, Any]) -> str:
    return str(
        event.get("lastTimestamp")
        or event.get("eventTime")
        or event.get("firstTimestamp")
        or (event.get("metadata") or {}).get("creationTimestamp")
        or ""
    )


def _failed_replicaset(state: WorkloadState, image: ImageRef | None, rolled_back: bool) -> str:
    """The ReplicaSet the failed rollout created ('' when it is gone or cannot be told)."""
    if not rolled_back:
        current = state.current
        return current.name if current else ""
    if image is None:
        return ""
    tried = [
        r
        for r in state.replicasets
        if r.revision != state.revision and any(runs_image(i, image) for i in r.images)
    ]
    return tried[-1].name if tried else ""


def _deployment_conditions(state: WorkloadState) -> list[str]:
    conditions = ((state.deployment or {}).get("status") or {}).get("conditions") or []
    out = []
    for c in conditions:
        failing = (c.get("type") == "Progressing" and c.get("status") == "False") or (
            c.get("type") == "ReplicaFailure" and c.get("status") == "True"
        )
        if failing:
            reason = c.get("reason", c.get("type"))
            out.append(f"deployment/{state.workload} {reason}: {_short(c.get('message', ''))}")
    return out


def _pod_reasons(pod: dict[str, Any]) -> list[str]:
    name = (pod.get("metadata") or {}).get("name", "")
    status = pod.get("status") or {}
    out = []
    for c in status.get("conditions") or []:
        if c.get("type") == "PodScheduled" and c.get("status") == "False":
            out.append(f"pod {name} {c.get('reason', 'Unschedulable')}: {_short(c.get('message', ''))}")
    for cs in status.get("containerStatuses") or []:
        waiting = (cs.get("state") or {}).get("waiting") or {}
        if waiting.get("reason") in _STUCK:
            detail = f": {_short(waiting['message'])}" if waiting.get("message") else ""
            out.append(f"pod {name} container {cs.get('name')} {waiting['reason']}{detail}")
    return out


def _belongs(name: str, replicaset: str, workload: str) -> bool:
    if replicaset:
        return name == replicaset or name.startswith(replicaset + "-")
    return name == workload or name.startswith(workload + "-")


def rollout_problem(state: WorkloadState, image: ImageRef | None = None, *, rolled_back: bool = False) -> str:
    """Why the rollout did not become ready, in the server's words, one line.

    `rolled_back`: helm `--atomic` already restored the previous revision, so the failed
    ReplicaSet is the newest one running `image` that is not current; otherwise it is the
    current one. Reasons, most telling first: the Deployment's failing conditions
    (ProgressDeadlineExceeded, ReplicaFailure), its pods' conditions and container states
    (Unschedulable, ImagePullBackOff...), then Warning events of that ReplicaSet and its pods.
    """
    replicaset = _failed_replicaset(state, image, rolled_back)
    reasons = [] if rolled_back else _deployment_conditions(state)
    for pod in state.pods:
        pod_name = (pod.get("metadata") or {}).get("name", "")
        owned = (
            _owned_by(pod, "ReplicaSet", replicaset) if replicaset else _belongs(pod_name, "", state.workload)
        )
        if owned:
            reasons += [r for r in _pod_reasons(pod) if r not in reasons]
    if len(reasons) < 2:
        warnings = [
            e for e in state.events
            if e.get("type") == "Warning"
            and _belongs(str((e.get("involvedObject") or {}).get("name", "")), replicaset, state.workload)
        ]  # fmt: skip
        said = " ".join(reasons)
        seen: set[str] = set()
        for e in sorted(warnings, key=_event_time, reverse=True):
            obj = e.get("involvedObject") or {}
            if e.get("reason") in seen or _short(e.get("message", "")) in said:
                continue  # one line per reason; the pod's condition already said it
            seen.add(str(e.get("reason")))
            kind = str(obj.get("kind", "")).lower()
            reasons.append(f"{kind} {obj.get('name')} {e.get('reason')}: {_short(e.get('message', ''))}")
    if reasons:
        return "; ".join(reasons[:2])
    rs = next((r for r in state.replicasets if r.name == replicaset), None)
    if rs is not None:
        return (
            f"replicaset {rs.name}: {rs.ready} of {rs.replicas} pods ready, and the server reported no reason"
        )
    return f"deployment/{state.workload}: not ready in time, and the server reported no reason"


def kube_failure(text: str, *, server: str, namespace: str) -> tuple[str, str, bool]:
    """A helm/kubectl error → (the server's words in one line, what to do, whether it timed out).

    Credentials, RBAC, a missing namespace and an unreachable server each get their own advice;
    neither the kubeconfig nor a token is ever part of these tools' errors.
    """
    lines = [
        line.strip() for line in text.splitlines()
        if line.strip() and not line.lstrip().startswith(("Warning:", "W0", "I0", "WARNING:"))
    ]  # fmt: skip
    reason = lines[-1] if lines else "no output"
    for prefix in ("Error: ", "error: "):
        reason = reason.removeprefix(prefix)
    low = text.lower()
    timed_out = "context deadline exceeded" in low or "timed out waiting" in low or "progress deadline" in low
    if "unauthorized" in low or "provide credentials" in low or "must be logged in" in low:
        return (f"the API server {server} refused the kubeconfig's credentials (Unauthorized)",
                "renew the deploy kubeconfig", False)  # fmt: skip
    if missing := re.search(r'namespaces "([^"]+)" not found', text):
        return reason, f"create the namespace: slipway cluster namespace {missing.group(1)}", False
    if "forbidden" in low:
        return reason, f"bind these credentials in {namespace}: slipway cluster namespace {namespace}", False
    if any(s in low for s in ("connection refused", "unable to connect", "no such host", "i/o timeout",
                              "cluster unreachable")):  # fmt: skip
        return reason, f"is the API server {server} up? (slipway cluster status)", False
    return reason, "", timed_out
