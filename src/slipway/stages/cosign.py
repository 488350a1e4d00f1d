"""cosign in a container on the engine, reaching the image's registry; the signing key as a secret.

A registry on the host's loopback (the embedded one) is reached through a host tunnel, named by
the tunnel's alias, with `--allow-http-registry` (cosign speaks plain HTTP to it, as it does to
the loopback). cosign runs without a shell, so the upstream image (distroless) works too; only
attest uses one, when the image has it, to attach every attestation in one exec.
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

from slipway.engine.host_tunnel import host_tunnel
from slipway.refs import ImageRef, is_loopback_registry
from slipway.stages.tool_container import has_shell, tool_container

if TYPE_CHECKING:
    import dagger

__all__ = [
    "ATTEST_MARK",
    "TLOG_SKIPPED",
    "CosignTarget",
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
# "$1" is the image, "$2" cosign's registry flag, the rest predicate types: each is attested
# from /attest/<type> after a line naming it on stderr (ATTEST_MARK), so a failure names it.
ATTEST_MARK = "slipway-attest: "
_ATTEST_EACH = f"""set -eu
ref="$1"; registry_flag="$2"; shift 2
for kind in "$@"; do
  echo "{ATTEST_MARK}$kind" >&2
  cosign attest --key env://COSIGN_KEY --tlog-upload=false --type "$kind" \\
    --predicate "/attest/$kind" "$registry_flag" "$ref"
done
"""


@dataclass(frozen=True)
class SigningKey:
    """A cosign private key and its password, both engine secrets: only sign and attest get them.

    `key_id` is the public key's fingerprint once the key was opened ("" before): the engine's
    cache does not see a secret's value, so signatures are cached per `key_id` instead.
    """

    key: dagger.Secret
    password: dagger.Secret
    key_id: str = ""


@dataclass(frozen=True)
class CosignTarget:
    """A cosign container able to reach an image's registry, and how cosign names the image there."""

    ctr: dagger.Container
    ref: str
    # a loopback registry, reached through the tunnel over plain HTTP
    loopback: bool
    has_shell: bool

    @property
    def registry_flag(self) -> str:
        """The flag for cosign's plain HTTP: on for the loopback registry only."""
        return f"--allow-http-registry={'true' if self.loopback else 'false'}"


async def cosign_container(tool_image: str, image: ImageRef) -> CosignTarget:
    """A cosign container from `tool_image` able to reach `image`'s registry."""
    ctr = (await tool_container(tool_image)).with_env_variable("COSIGN_YES", "true")
    shell = await has_shell(tool_image)
    host, _, path = image.repository.partition("/")
    parts = urlsplit(f"//{host}")
    if not is_loopback_registry(host):
        return CosignTarget(ctr, f"{image.repository}@{image.digest}", loopback=False, has_shell=shell)
    port = parts.port or 80
    tunnel = _REGISTRY_SERVICE[0] if _REGISTRY_SERVICE else await host_tunnel(parts.hostname or "", port)
    ref = f"{_TUNNEL_ALIAS}:{port}/{path}@{image.digest}"
    return CosignTarget(ctr.with_service_binding(_TUNNEL_ALIAS, tunnel), ref, loopback=True, has_shell=shell)


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


def cosign_exec(target: CosignTarget, ctr: dagger.Container, args: Sequence[str]) -> dagger.Container:
    """`ctr` (built on `target.ctr`) running `cosign <args>` on the target image, whatever its exit code."""
    from dagger import ReturnType

    flags = [target.registry_flag]
    if args[:1] == ["verify"] and target.loopback:
        # cosign v2.4.3's `verify` speaks plain HTTP only with --allow-insecure-registry (sign,
        # attest and verify-attestation with --allow-http-registry): the loopback registry only
        flags.append("--allow-insecure-registry=true")
    return ctr.with_exec(["cosign", *args, *flags, target.ref], expect=ReturnType.ANY)


def attest_exec(target: CosignTarget, ctr: dagger.Container, kinds: Sequence[str]) -> dagger.Container:
    """`ctr` attesting the target image with each predicate type in `kinds`, in one shell exec.

    Each predicate is mounted at /attest/<type>; only for an image with a shell (`has_shell`).
    """
    from dagger import ReturnType

    argv = ["sh", "-c", _ATTEST_EACH, "slipway-attest", target.ref, target.registry_flag, *kinds]
    return ctr.with_exec(argv, expect=ReturnType.ANY)
