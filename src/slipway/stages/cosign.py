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
    "ATTEST_MARK",
    "TLOG_SKIPPED",
    "SigningKey",
    "attest_exec",
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
# "$1" is the image as the tunnel reaches it (host part replaced by the tunnel's IP).
_TARGET = """set -eu
target="$1"; shift
if [ -n "${SLIPWAY_REGISTRY_TUNNEL:-}" ]; then
  ip=$(getent hosts "$SLIPWAY_REGISTRY_TUNNEL" | awk '{print $1; exit}')
  target="$ip:$target"
fi
"""
# The rest is cosign's arguments; the image reference is appended last.
_ONE = _TARGET + 'exec cosign "$@" "$target"\n'
# The rest are predicate types: each is attested from /attest/<type>, after a line naming it on
# stderr (ATTEST_MARK), so a failure names the attestation that failed.
ATTEST_MARK = "slipway-attest: "
_ATTEST_EACH = _TARGET + (
    'for kind in "$@"; do\n'
    f'  echo "{ATTEST_MARK}$kind" >&2\n'
    '  cosign attest --key env://COSIGN_KEY --tlog-upload=false --type "$kind" \\\n'
    '    --predicate "/attest/$kind" "$target"\n'
    "done\n"
)


@dataclass(frozen=True)
class SigningKey:
    """A cosign private key and its password, both engine secrets: only sign and attest get them.

    `key_id` is the public key's fingerprint once the key was opened ("" before): the engine's
    cache does not see a secret's value, so signatures are cached per `key_id` instead.
    """

    key: dagger.Secret
    password: dagger.Secret
    key_id: str = ""


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
    """`ctr` holding the key and its password as secret variables (never in a layer or argument).

    What runs in it is cached for this key only; for a key never opened, not at all.
    """
    import secrets

    cache_key = key.key_id or f"unopened-{secrets.token_hex(16)}"
    return (
        ctr.with_env_variable("SLIPWAY_SIGNING_KEY_ID", cache_key)
        .with_secret_variable("COSIGN_KEY", key.key)
        .with_secret_variable("COSIGN_PASSWORD", key.password)
    )


def cosign_exec(ctr: dagger.Container, target: str, args: Sequence[str]) -> dagger.Container:
    """`ctr` running `cosign <args> <image>`, whatever its exit code."""
    from dagger import ReturnType

    return ctr.with_exec(["sh", "-c", _ONE, "slipway-cosign", target, *args], expect=ReturnType.ANY)


def attest_exec(ctr: dagger.Container, target: str, kinds: Sequence[str]) -> dagger.Container:
    """`ctr` attesting `<image>` with each predicate type in `kinds` (mounted at /attest/<type>), in one exec.

    The key and password come from `signed_with`; no transparency log, as for every cosign call.
    """
    from dagger import ReturnType

    return ctr.with_exec(["sh", "-c", _ATTEST_EACH, "slipway-attest", target, *kinds], expect=ReturnType.ANY)
