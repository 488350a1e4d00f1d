"""sbom: what is in the built image, as SPDX-JSON and CycloneDX documents (trivy, offline).

trivy (already a tool image, for the scan) writes both formats, so no separate SBOM tool
(syft: another large Go build, and slower here; README "Supply chain") is built for the engine.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from slipway.errors import StageError
from slipway.stages.engine_calls import exec_outcome, stage_errors, tail
from slipway.stages.tool_container import tool_container

if TYPE_CHECKING:
    import dagger

__all__ = ["SbomResult", "package_count", "sbom"]

SPDX = "/sbom/sbom.spdx.json"
CYCLONEDX = "/sbom/sbom.cdx.json"
# Packages that describe the image itself, not something installed in it.
_NOT_INSTALLED = {"CONTAINER", "OPERATING-SYSTEM"}


@dataclass(frozen=True)
class SbomResult:
    """Both documents (engine files) and how many packages the SPDX one lists."""

    spdx: dagger.File
    cyclonedx: dagger.File
    packages: int


def package_count(spdx: dict[str, Any]) -> int:
    """The packages installed in the image an SPDX document describes (not the image or its OS)."""
    return sum(1 for p in spdx.get("packages") or [] if p.get("primaryPackagePurpose") not in _NOT_INSTALLED)


# Both documents from one exec; the second trivy run reuses the first one's layer analysis.
_BOTH = """set -eu
trivy image --input /sbom/image.tar --quiet --format spdx-json --output "$1"
trivy image --input /sbom/image.tar --quiet --format cyclonedx --output "$2"
"""


async def sbom(image: dagger.Container, tool_image: str) -> SbomResult:
    """Both SBOMs of `image`; StageError('sbom', ...) when trivy cannot write them."""
    from dagger import ReturnType

    ctr = (
        (await tool_container(tool_image))
        .with_mounted_file("/sbom/image.tar", image.as_tarball())
        .with_exec(["sh", "-c", _BOTH, "slipway-sbom", SPDX, CYCLONEDX], expect=ReturnType.ANY)
    )
    async with stage_errors("sbom", "write the SBOM", "check the trivy image"):
        outcome = await exec_outcome(ctr)
        if outcome.exit_code != 0:
            msg = f"could not write the SBOM: trivy exited {outcome.exit_code} (output above)"
            raise StageError("sbom", msg, details=tail(outcome.output))
        spdx = json.loads(await ctr.file(SPDX).contents())
    return SbomResult(ctr.file(SPDX), ctr.file(CYCLONEDX), package_count(spdx))
