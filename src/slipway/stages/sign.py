"""sign and attest: the published digest signed with cosign, its SBOMs and provenance attached.

Both run only after publish, so only after every gate passed; both get the signing key as a
secret variable (`stages/cosign.py`), and nothing else in the build graph does.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from slipway.errors import ConfigError, StageError
from slipway.refs import ImageRef
from slipway.stages.cosign import (
    ATTEST_MARK,
    SigningKey,
    attest_exec,
    cosign_container,
    cosign_exec,
    signed_with,
)
from slipway.stages.engine_calls import exec_outcome, stage_errors, tail
from slipway.stages.tool_container import tool_container

if TYPE_CHECKING:
    import dagger

__all__ = ["PREDICATE_TYPES", "Attested", "Signed", "attest", "failed_attestation", "open_key", "sign"]

_NO_TLOG = "--tlog-upload=false"
# how cosign (go-containerregistry) reports a write the registry answered with an error
_REFUSED = re.compile(r"\b(?:PUT|POST|PATCH) \S+: (.+)$")
# cosign predicate types, attested in this order
PREDICATE_TYPES = ("slsaprovenance1", "spdxjson", "cyclonedx")


@dataclass(frozen=True)
class Signed:
    """The digest that was signed."""

    image: ImageRef


@dataclass(frozen=True)
class Attested:
    """The digest and the attestation types attached to it; the provenance statement."""

    image: ImageRef
    types: tuple[str, ...]
    provenance: Mapping[str, Any]


def _failure(exit_code: int, output: str) -> str:
    """Why cosign failed: the registry's answer when it refused a write, else cosign's last line."""
    last = tail(output, 1)
    refused = _REFUSED.search(last)
    if refused:
        return f"the registry refused it: {refused.group(1)} (does it accept cosign's .sig/.att tags?)"
    return f"cosign exited {exit_code}: {last}"


async def _run(stage: str, doing: str, ctr: dagger.Container) -> None:
    async with stage_errors(stage, doing, "check the registry and the signing key"):
        outcome = await exec_outcome(ctr)
    if outcome.exit_code != 0:
        msg = f"could not {doing}: {_failure(outcome.exit_code, outcome.output)}"
        raise StageError(stage, msg, details=tail(outcome.output))


async def open_key(tool_image: str, key: SigningKey) -> str:
    """The public key (PEM) of `key`, opened with its password; a ConfigError when it will not open.

    Run before the build graph, so a wrong password or a key cosign cannot read stops the build
    before anything is built or published.
    """
    from dagger import ReturnType

    # `key` was never opened, so `signed_with` keeps this from the cache: another password's answer
    ctr = signed_with(await tool_container(tool_image), key).with_exec(
        ["cosign", "public-key", "--key", "env://COSIGN_KEY"], expect=ReturnType.ANY
    )
    async with stage_errors("sign", "open the signing key", "check the cosign tool image"):
        outcome = await exec_outcome(ctr)
    if outcome.exit_code == 0:
        return outcome.stdout
    if "decrypt" in outcome.output.lower():
        msg = "--signing-key: cosign could not open the key: wrong password (check --signing-password)"
    else:
        msg = f"--signing-key: cosign could not read the key: {tail(outcome.output, 1)}"
    raise ConfigError(msg)


async def sign(image: ImageRef, tool_image: str, key: SigningKey) -> Signed:
    """Sign `image` (by digest) with `key`; the signature goes next to it in its registry."""
    target = await cosign_container(tool_image, image)
    ctr = cosign_exec(target, signed_with(target.ctr, key), ["sign", "--key", "env://COSIGN_KEY", _NO_TLOG])
    await _run("sign", f"sign {image.repository}@{image.digest}", ctr)
    return Signed(image)


async def attest(
    image: ImageRef,
    tool_image: str,
    key: SigningKey,
    provenance: Mapping[str, Any],
    spdx: dagger.File,
    cyclonedx: dagger.File,
) -> Attested:
    """Attach the provenance's predicate and both SBOMs to `image` as signed attestations.

    One exec attaches all three where the cosign image has a shell; one exec each where not.
    """
    from dagger import dag

    target = await cosign_container(tool_image, image)
    predicate = dag.directory().with_new_file("p.json", json.dumps(provenance["predicate"])).file("p.json")
    files = {"slsaprovenance1": predicate, "spdxjson": spdx, "cyclonedx": cyclonedx}
    ctr = signed_with(target.ctr, key)
    for kind in PREDICATE_TYPES:
        ctr = ctr.with_mounted_file(f"/attest/{kind}", files[kind])
    if target.has_shell:
        await _attest_run(image, attest_exec(target, ctr, PREDICATE_TYPES), None)
    else:
        for kind in PREDICATE_TYPES:
            args = [
                "attest",
                "--key",
                "env://COSIGN_KEY",
                _NO_TLOG,
                "--type",
                kind,
                "--predicate",
                f"/attest/{kind}",
            ]
            ctr = cosign_exec(target, ctr, args)
            await _attest_run(image, ctr, kind)
    return Attested(image, PREDICATE_TYPES, provenance)


async def _attest_run(image: ImageRef, ctr: dagger.Container, kind: str | None) -> None:
    """Run the attest exec in `ctr`; a StageError naming the attestation when cosign failed.

    `kind` is the one attestation an exec attaches; None for the shell loop, which names its own.
    """
    ref = f"{image.repository}@{image.digest}"
    async with stage_errors("attest", f"attest {ref}", "check the registry and the signing key"):
        outcome = await exec_outcome(ctr)
    if outcome.exit_code != 0:
        what = kind or failed_attestation(outcome.stderr)
        why = _failure(outcome.exit_code, outcome.output)
        raise StageError("attest", f"could not attest {what} for {ref}: {why}", details=tail(outcome.output))


def failed_attestation(stderr: str) -> str:
    """The predicate type being attested when the attest exec stopped (its last ATTEST_MARK line)."""
    kinds = [line[len(ATTEST_MARK) :].strip() for line in stderr.splitlines() if line.startswith(ATTEST_MARK)]
    return kinds[-1] if kinds else "the attestations"
