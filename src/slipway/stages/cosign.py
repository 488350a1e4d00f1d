"""cosign in a container on the engine, reaching the image's registry; the signing key as a secret.

A registry on the host's loopback (the embedded one) is reached through a host tunnel; cosign
gets it by the tunnel's IP address, for which it speaks plain HTTP as to any private address.
Signatures and attestations use cosign's tag scheme (`sha256-<digest>.sig` / `.att` in the
image's repository): the embedded registry (distribution) serves no OCI referrers API.
No transparency log: the engine is air-gapped, so sign/attest run with `--tlog-upload=false`
and verify with `--insecure-ignore-tlog` (TLOG_SKIPPED below says so in the evidence).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from slipway.refs import ImageRef, is_loopback_registry
from slipway.stages.tool_container import tool_container

if TYPE_CHECKING:
    import dagger

__all__ = [
    "TLOG_SKIPPED",
    "SigningKey",
    "cosign_container",
    "cosign_exec",
    "signed_with",
    "use_registry_service",
]

TLOG_SKIPPED = "transparency log skipped (air-gapped engine: no Rekor to upload to or check against)"
_TUNNEL_ALIAS = "slipway-registry"
# The caller's loopback registry as a service, when slipway runs in the Dagger module's
# container: there `dag.host()` is that container, not the machine the registry listens on.
_REGISTRY_SERVICE: list[dagger.Service] = []
# "$1" is the image as the tunnel reaches it (host part replaced by the tunnel's IP), the rest
# is cosign's arguments; the image reference is appended last.
_SCRIPT = """set -eu
target="$1"; shift
if [ -n "${SLIPWAY_REGISTRY_TUNNEL:-}" ]; then
  ip=$(getent hosts "$SLIPWAY_REGISTRY_TUNNEL" | awk '{print $1; exit}')
  target="$ip:$target"
fi
exec cosign "$@" "$target"
"""


@dataclass(frozen=True)
class SigningKey:
    """A cosign private key and its password, both engine secrets: only sign and attest get them."""

    key: dagger.Secret
    password: dagger.Secret


async def cosign_container(tool_image: str, image: ImageRef) -> tuple[dagger.Container, str]:
    """A cosign container able to reach `image`'s registry, and how to name the image in it."""
    from dagger import PortForward, dag

    ref = f"{image.repository}@{image.digest}"
    ctr = (await tool_container(tool_image)).with_env_variable("COSIGN_YES", "true")
    host, _, path = image.repository.partition("/")
    parts = urlsplit(f"//{host}")
    if not is_loopback_registry(host):
        return ctr.with_env_variable("SLIPWAY_REGISTRY_TUNNEL", ""), ref
    port = parts.port or 80
    tunnel = (
        _REGISTRY_SERVICE[0]
        if _REGISTRY_SERVICE
        else dag.host().service([PortForward(backend=port, frontend=port)], host=parts.hostname)
    )
    ctr = ctr.with_service_binding(_TUNNEL_ALIAS, tunnel).with_env_variable(
        "SLIPWAY_REGISTRY_TUNNEL", _TUNNEL_ALIAS
    )
    return ctr, f"{port}/{path}@{image.digest}"


def use_registry_service(service: dagger.Service | None) -> None:
    """Reach a loopback registry through `service` (the caller's, from inside the Dagger module)."""
    _REGISTRY_SERVICE[:] = [service] if service is not None else []


def signed_with(ctr: dagger.Container, key: SigningKey) -> dagger.Container:
    """`ctr` holding the key and its password as secret variables (never in a layer or argument)."""
    return ctr.with_secret_variable("COSIGN_KEY", key.key).with_secret_variable(
        "COSIGN_PASSWORD", key.password
    )


def cosign_exec(ctr: dagger.Container, target: str, args: Sequence[str]) -> dagger.Container:
    """`ctr` running `cosign <args> <image>`, whatever its exit code."""
    from dagger import ReturnType

    return ctr.with_exec(["sh", "-c", _SCRIPT, "slipway-cosign", target, *args], expect=ReturnType.ANY)
