"""verify: cosign checks the exact digest against the app's public key before a promotion.

It checks the signature, the SLSA provenance (which must name the promoted commit and source)
and the SPDX SBOM attestation, for environments that require a signature.

Any failure refuses the promotion with one line naming the digest and what failed; the step
runs before push, so nothing is pushed then.
"""

from __future__ import annotations

import base64
import binascii
import json
import secrets
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from slipway.errors import ConfigError
from slipway.keys import fingerprint
from slipway.provenance import summarize
from slipway.refs import ImageRef, is_commit_sha
from slipway.stages.cosign import TLOG_SKIPPED, cosign_container, cosign_exec
from slipway.stages.engine_calls import exec_outcome, stage_errors, tail
from slipway.stages.sbom import package_count

__all__ = ["Verified", "VerifyInput", "expected_commit", "verify_lines", "verify_signature"]

_KEY = "/verify/cosign.pub"


@dataclass(frozen=True)
class VerifyInput:
    """The app's public key (PEM) and the cosign image; the commit and source being promoted."""

    public_key: str
    tool_image: str
    revision: str = ""
    source_url: str = ""
    # slipway.yaml's signing.expires: after it, no signature by this key is accepted
    expires: date | None = None


@dataclass(frozen=True)
class Verified:
    """What the checks found: who signed, the SBOM's size, the provenance's subject and builder."""

    image: ImageRef
    key_fingerprint: str
    sbom_packages: int
    subject: str
    builder: str
    source_url: str
    revision: str


def expected_commit(revision: str, image: ImageRef) -> str:
    """The commit a promotion claims: the one given, else the image's commit-SHA tag."""
    return revision or (image.tag if is_commit_sha(image.tag) else "")


def _refuse(image: ImageRef, what: str) -> ConfigError:
    return ConfigError(f"promote: refusing {image.repository}@{image.digest}: {what}")


def _why(output: str) -> str:
    text = output.lower()
    if "no signatures found" in text:
        return "it is not signed"
    if "no matching attestations" in text or "none of the attestations matched" in text:
        return "missing attestation"
    if "no matching signatures" in text or "invalid signature" in text or "verification error" in text:
        return "signed by another key (not slipway.yaml's signing.public_key)"
    return tail(output, 1)


def _statements(stdout: str) -> list[dict[str, Any]]:
    found = []
    for line in stdout.splitlines():
        try:
            envelope = json.loads(line)
            found.append(json.loads(base64.b64decode(envelope["payload"])))
        except (ValueError, KeyError, TypeError, binascii.Error):
            continue
    return found


async def _cosign(image: ImageRef, inp: VerifyInput, args: list[str], what: str) -> str:
    target = await cosign_container(inp.tool_image, image)
    # always ask the registry: a cached answer would miss a signature or attestation since removed
    ctr = target.ctr.with_env_variable("SLIPWAY_VERIFY_NONCE", secrets.token_hex(16))
    ctr = ctr.with_new_file(_KEY, inp.public_key)
    ctr = cosign_exec(target, ctr, [*args, "--key", _KEY, "--insecure-ignore-tlog"])
    async with stage_errors("verify", f"verify {image.repository}@{image.digest}", "check the registry"):
        outcome = await exec_outcome(ctr)
    if outcome.exit_code != 0:
        raise _refuse(image, f"{what}: {_why(outcome.output)}")
    return outcome.stdout


async def verify_signature(image: ImageRef, inp: VerifyInput) -> Verified:
    """Verify `image` (pinned by digest); a ConfigError naming the digest and what failed."""
    if not image.digest:
        raise ConfigError(f"promote: refusing {image}: a signature is verified only for a digest")
    key = fingerprint(inp.public_key, "slipway.yaml's signing.public_key")
    if inp.expires is not None and datetime.now(UTC).date() > inp.expires:
        # no transparency log, so no trusted time of signing: every signature by the key is refused
        raise _refuse(
            image, f"signature: the signing key expired on {inp.expires} (slipway.yaml signing.expires)"
        )
    commit = expected_commit(inp.revision, image)
    if not commit:
        raise _refuse(image, "no commit to check the provenance against (promote a commit-SHA tag)")
    await _cosign(image, inp, ["verify"], "signature")
    prov = _statements(
        await _cosign(image, inp, ["verify-attestation", "--type", "slsaprovenance1"], "provenance")
    )
    summaries = [summarize(s.get("predicate") or {}) for s in prov]
    if not summaries:
        raise _refuse(image, "provenance: missing attestation")
    match = [s for s in summaries if s.revision == commit]
    if not match:
        raise _refuse(image, f"provenance names commit {summaries[0].revision}, not the promoted {commit}")
    if inp.source_url and not any(s.source_url == inp.source_url for s in match):
        raise _refuse(image, f"provenance names source {match[0].source_url}, not {inp.source_url}")
    boms = _statements(await _cosign(image, inp, ["verify-attestation", "--type", "spdxjson"], "SBOM"))
    if not boms:
        raise _refuse(image, "SBOM: missing attestation")
    subject = ", ".join(
        f"{image.repository}@sha256:{(s.get('digest') or {}).get('sha256', '?')}"
        for s in prov[0].get("subject") or []
    )
    packages = package_count(boms[-1].get("predicate") or {})
    return Verified(image, key, packages, subject, match[0].builder, match[0].source_url, commit)


def verify_lines(v: Verified) -> list[str]:
    """The pull request's evidence lines for a verified image."""
    return [
        f"- Signature (cosign): {v.image.repository}@{v.image.digest} signed by key {v.key_fingerprint}; "
        f"{TLOG_SKIPPED}",
        f"- SBOM (SPDX, attested; also CycloneDX): {v.sbom_packages} packages; "
        f"`cosign verify-attestation --type spdxjson {v.image.repository}@{v.image.digest}`",
        f"- Provenance (SLSA v1): subject {v.subject}; source {v.source_url} at {v.revision}; "
        f"builder {v.builder}",
    ]
