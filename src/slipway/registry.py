"""What the registry serves: the digest an image reference resolves to.

`pin_digest` asks the engine (inside a pipeline); `served_digest` asks the registry's HTTP API
directly (for the tool lock and `slipway doctor`, which need no engine).
"""

from __future__ import annotations

import hashlib
import re

import httpx

from slipway.errors import ConfigError, StageError
from slipway.refs import ImageRef, is_loopback_registry, registry_path, split_ref

__all__ = ["MANIFEST_TYPES", "pin_digest", "served_digest"]

# Every manifest kind a tag can name: multi-platform indexes first, then single images.
MANIFEST_TYPES = ", ".join(
    [
        "application/vnd.oci.image.index.v1+json",
        "application/vnd.docker.distribution.manifest.list.v2+json",
        "application/vnd.oci.image.manifest.v1+json",
        "application/vnd.docker.distribution.manifest.v2+json",
    ]
)
_CHALLENGE_PARAM = re.compile(r'(\w+)="([^"]*)"')


async def _digest_of(ref: str, stage: str) -> str:
    import dagger
    from dagger import dag

    try:
        resolved = await dag.container().from_(ref).image_ref()
    except dagger.QueryError as exc:
        text = str(exc).lower()
        if "not found" in text or "unknown" in text or "manifest" in text:
            msg = f"{stage}: {ref} does not exist in its registry (was it published?)"
            raise ConfigError(msg) from exc
        last = (str(exc).strip().splitlines() or [type(exc).__name__])[-1]
        msg = f"could not resolve {ref} in its registry: {last} (check that the registry is up)"
        raise StageError(stage, msg) from exc
    _, _, digest = resolved.rpartition("@")
    if not digest.startswith("sha256:"):
        msg = f"could not resolve {ref}: the registry answered {resolved!r} without a digest"
        raise StageError(stage, msg)
    return digest


async def pin_digest(image: ImageRef, stage: str = "promote") -> ImageRef:
    """`image` pinned to the digest its registry serves; refuse a digest or tag it does not serve.

    With both a tag and a digest, the tag must still point at that digest.
    """
    if image.digest:
        await _digest_of(f"{image.repository}@{image.digest}", stage)
        if not image.tag:
            return image
    served = await _digest_of(f"{image.repository}:{image.tag}", stage)
    if image.digest and served != image.digest:
        msg = (
            f"{stage}: refusing {image}: the tag {image.tag!r} now points at {served}, not at the "
            "pinned digest (was the tag overwritten? promote by the digest the tag had when it was built)"
        )
        raise ConfigError(msg)
    return image.with_digest(served)


def _base_url(host: str) -> str:
    """Docker Hub names ("" host) go to the engine's docker.io mirror, where the engine pulls them."""
    if not host:
        from slipway.engine.settings import EngineSettings

        host = EngineSettings.from_env().registry
    return f"{'http' if is_loopback_registry(host) else 'https'}://{host}"


def _anonymous_token(client: httpx.Client, challenge: str) -> str:
    """A pull token for a registry that answered 401 with a Bearer challenge ("" when it cannot)."""
    scheme, _, params = challenge.partition(" ")
    fields = dict(_CHALLENGE_PARAM.findall(params))
    if scheme.lower() != "bearer" or not fields.get("realm"):
        return ""
    query = {k: v for k, v in fields.items() if k in ("service", "scope")}
    resp = client.get(fields["realm"], params=query)
    if resp.status_code != 200:
        return ""
    body = resp.json()
    return str(body.get("token") or body.get("access_token") or "")


def served_digest(ref: str, transport: httpx.BaseTransport | None = None) -> str:
    """The digest the registry serves now for `ref` (by its digest if it has one, else its tag).

    That is the digest of the tag's manifest, or of its index for a multi-platform image; a
    ConfigError when the registry has no such image.
    """
    split = split_ref(ref)
    host, path = registry_path(ref)
    url = f"{_base_url(host)}/v2/{path}/manifests/{split.digest or split.tag or 'latest'}"
    headers = {"Accept": MANIFEST_TYPES}
    try:
        with httpx.Client(timeout=30, transport=transport) as client:
            resp = client.head(url, headers=headers)
            if resp.status_code == 401:
                token = _anonymous_token(client, resp.headers.get("www-authenticate", ""))
                headers["Authorization"] = f"Bearer {token}"
                resp = client.head(url, headers=headers) if token else resp
            if resp.status_code == 200 and not resp.headers.get("docker-content-digest"):
                resp = client.get(url, headers=headers)
    except httpx.HTTPError as exc:
        msg = f"could not ask {url} for {ref}'s digest: {exc} (check that the registry is up)"
        raise StageError("tools", msg) from exc
    if resp.status_code == 404:
        msg = f"tools: {ref} does not exist in its registry (push it, or fix tools: in slipway.yaml)"
        raise ConfigError(msg)
    if resp.status_code in (401, 403):
        why = f"HTTP {resp.status_code}"
        msg = f"tools: {url} refused an anonymous pull of {ref} ({why}; lock a public image)"
        raise ConfigError(msg)
    if resp.status_code != 200:
        msg = f"could not ask {url} for {ref}'s digest: HTTP {resp.status_code} (check the registry)"
        raise StageError("tools", msg)
    served = resp.headers.get("docker-content-digest")
    return str(served) if served else f"sha256:{hashlib.sha256(resp.content).hexdigest()}"
