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
# kubectl's own framing around the server's words: the local file path, and the object it was
# fetching when the server refused (the server's message names the object itself).
_FRAMING = re.compile(
    r'error when (creating|patching) "[^"]*": '
    r'|error when retrieving current configuration of: .*? from server for: "[^"]*": '
    r'|error: error validating "[^"]*": error validating data: '
    r"|; if you choose to ignore these errors, turn validation off with --validate=false"
)
_CONTINUED = ("Resource: ", "Name: ", "from server for: ")
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

    kubectl's framing (the local file path, the object it was fetching) is dropped; kind, name,
    field, value and reason stay as the server said them.
    """
    problems: list[str] = []
    for raw in stderr.splitlines():
        line = raw.strip()
        if not line or line.startswith(("Warning:", "W0", "I0")):
            continue
        if problems and line.startswith(_CONTINUED):
            problems[-1] += " " + line
        else:
            problems.append(line)
    return [_FRAMING.sub("", p) for p in problems]


def _advice(problems: list[str], config: DryRunConfig) -> str:
    text = " ".join(problems)
    if missing := _MISSING_NS.search(text):
        return f"create the namespace: slipway cluster namespace {missing.group(1)}"
    if "forbidden" in text.lower():
        ns = config.target.namespace
        return f"these credentials may not do this in {ns}: bind them with `slipway cluster namespace {ns}`"
    if "Unauthorized" in text or "provide credentials" in text:
        return "the kubeconfig's credentials are refused: renew them"
    if "Unable to connect" in text or "connection refused" in text:
        return f"is the API server {config.target.server} up? (slipway cluster status)"
    return "fix the chart/overlay or its values"


async def _missing_namespace(ctr: dagger.Container, target: KubeTarget) -> list[str]:
    """The server's NotFound for the target's namespace, or [] when it exists (or can't tell)."""
    from dagger import ReturnType

    lookup = ctr.with_exec(
        target.kubectl("get", "namespace", target.namespace, "-o", "name"), expect=ReturnType.ANY
    )
    outcome = await exec_outcome(lookup)
    if outcome.exit_code != 0 and _MISSING_NS.search(outcome.stderr):
        return server_problems(outcome.stderr)
    return []


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
    ctr = (await kube_container(target, config.kubectl_image)).with_mounted_file(_MANIFESTS, manifests)
    async with stage_errors("validate", f"dry-run the manifests for {config.env}", "check the kubectl image"):
        outcome = await exec_outcome(ctr.with_exec(args, expect=ReturnType.ANY))
        problems = server_problems(outcome.stderr) or [tail(outcome.output, 1)]
        if outcome.exit_code != 0 and any("forbidden" in p or "not found" in p for p in problems):
            # Unbound and missing namespaces both read Forbidden to the deploy identity: ask.
            problems = await _missing_namespace(ctr, target) or problems
    if outcome.exit_code != 0:
        where = f"{config.env} (namespace {target.namespace})"
        listed = "; ".join(problems[:3])
        more = f" (+{len(problems) - 3} more)" if len(problems) > 3 else ""
        advice = _advice(problems, config)
        msg = f"could not pass the server-side dry-run for {where}: {listed}{more} ({advice})"
        raise StageError("validate", msg, details="\n".join(problems) or tail(outcome.output))
    resources = tuple(line.strip() for line in outcome.stdout.splitlines() if line.strip())
    return DryRunResult(resources)
