"""dry-run: `kubectl apply --dry-run=server` of rendered manifests, as part of validate.

The API server runs admission, defaulting and strict field validation without persisting
anything, so it catches what offline schemas can't (immutable fields, admission webhooks,
quota, RBAC). It runs with the environment's deploy credentials: what the dry-run may do is
exactly what a deploy may do.

The namespace is not created here. Namespaced objects need their namespace to exist for a
server-side dry-run (`namespaces "x" not found`), but creating namespaces is a cluster-admin
act that deploy credentials must not hold; the namespace is provisioned with the identity's
RoleBinding (`slipway cluster namespace NAME`), and a missing one fails with that advice.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from slipway.errors import StageError
from slipway.stages.engine_calls import exec_outcome, stage_errors, tail

if TYPE_CHECKING:
    import dagger

    from slipway.kube.target import KubeTarget

__all__ = ["DryRunConfig", "DryRunResult", "server_dry_run", "server_problems"]

_MANIFESTS = "/work/manifests.yaml"
_FILE_PREFIX = re.compile(
    r'error when (creating|patching|retrieving current configuration of)[^:]*"[^"]*": ?'
)
_MISSING_NS = re.compile(r'namespaces "([^"]+)" not found')


@dataclass(frozen=True)
class DryRunConfig:
    """The environment (for messages), its cluster target and the kubectl image."""

    env: str
    target: KubeTarget
    kubectl_image: str
    timeout_s: int = 60


@dataclass(frozen=True)
class DryRunResult:
    """The resources the API server accepted, as kubectl names them (kind.group/name)."""

    resources: tuple[str, ...]


def server_problems(stderr: str) -> list[str]:
    """The rejected objects in kubectl's stderr, one line each, in the API server's words.

    Only the local file path kubectl adds (error when creating "/work/manifests.yaml": )
    is dropped; kind, name, field, value and reason stay as the server said them.
    """
    problems = []
    for raw in stderr.splitlines():
        line = raw.strip()
        if not line or line.startswith(("Warning:", "W0", "I0")):
            continue
        problems.append(_FILE_PREFIX.sub("", line))
    return problems


def _advice(problems: list[str], config: DryRunConfig) -> str:
    text = " ".join(problems)
    if missing := _MISSING_NS.search(text):
        return f"create the namespace: slipway cluster namespace {missing.group(1)}"
    if "forbidden" in text.lower():
        return f"the deploy identity lacks a permission in {config.target.namespace}: bind it there"
    if "Unauthorized" in text:
        return "the kubeconfig's credentials are refused: renew them"
    if "Unable to connect" in text or "connection refused" in text:
        return f"is the API server {config.target.server} up? (slipway cluster status)"
    return "fix the chart/overlay or its values"


async def server_dry_run(manifests: dagger.File, config: DryRunConfig) -> DryRunResult:
    """Dry-run the manifests on the API server; raise StageError('validate', ...) with its reason."""
    from dagger import ReturnType

    from slipway.kube.target import kube_container

    target = config.target
    args = target.kubectl(
        "apply",
        "--dry-run=server",
        "--output=name",
        f"--request-timeout={config.timeout_s}s",
        "-f",
        _MANIFESTS,
    )
    ctr = kube_container(target, config.kubectl_image).with_mounted_file(_MANIFESTS, manifests)
    async with stage_errors("validate", f"dry-run the manifests for {config.env}", "check the kubectl image"):
        outcome = await exec_outcome(ctr.with_exec(args, expect=ReturnType.ANY))
    if outcome.exit_code != 0:
        problems = server_problems(outcome.stderr) or [tail(outcome.output, 1)]
        where = f"{config.env} (namespace {target.namespace})"
        listed = "; ".join(problems[:3])
        more = f" (+{len(problems) - 3} more)" if len(problems) > 3 else ""
        advice = _advice(problems, config)
        msg = f"could not pass the server-side dry-run for {where}: {listed}{more} ({advice})"
        raise StageError("validate", msg, details="\n".join(problems) or tail(outcome.output))
    resources = tuple(line.strip() for line in outcome.stdout.splitlines() if line.strip())
    return DryRunResult(resources)
