"""scan: trivy on the built image, before anything is published; fails on the gated severities."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from slipway.errors import StageError
from slipway.stages.engine_calls import exec_outcome, stage_errors, tail
from slipway.stages.tool_container import tool_container

if TYPE_CHECKING:
    import dagger

__all__ = ["Finding", "ScanConfig", "ScanResult", "parse_report", "scan"]

SEVERITY_ORDER = ("CRITICAL", "HIGH", "MEDIUM", "LOW", "UNKNOWN")
_REPORT = "/scan/report.json"


@dataclass(frozen=True)
class ScanConfig:
    """The trivy image, the severities that fail the gate, and the app's ignore file (if any)."""

    image: str
    severities: tuple[str, ...] = ("HIGH", "CRITICAL")
    ignore_file: dagger.File | None = None


@dataclass(frozen=True)
class Finding:
    """One vulnerability trivy reported."""

    id: str
    package: str
    installed: str
    fixed: str
    severity: str
    title: str

    def __str__(self) -> str:
        fix = f", fixed in {self.fixed}" if self.fixed else ", no fix yet"
        return f"{self.id} ({self.severity}) in {self.package} {self.installed}{fix}"


@dataclass(frozen=True)
class ScanResult:
    """Counts per severity, the worst findings first, and which of them the gate blocks on."""

    counts: dict[str, int]
    findings: tuple[Finding, ...]
    blocking: tuple[Finding, ...] = field(default=())

    @property
    def top(self) -> tuple[Finding, ...]:
        """The ten worst findings."""
        return self.findings[:10]


def parse_report(report: dict[str, Any], severities: tuple[str, ...]) -> ScanResult:
    """Turn trivy's JSON report into counts, sorted findings and the gate's blocking findings."""
    findings = [
        Finding(
            id=v.get("VulnerabilityID", "?"),
            package=v.get("PkgName", "?"),
            installed=v.get("InstalledVersion", ""),
            fixed=v.get("FixedVersion", ""),
            severity=v.get("Severity", "UNKNOWN"),
            title=v.get("Title", ""),
        )
        for result in report.get("Results") or []
        for v in result.get("Vulnerabilities") or []
    ]
    rank = {s: i for i, s in enumerate(SEVERITY_ORDER)}
    findings.sort(key=lambda f: (rank.get(f.severity, len(rank)), f.id))
    counts = {s: sum(f.severity == s for f in findings) for s in SEVERITY_ORDER}
    blocking = tuple(f for f in findings if f.severity in severities)
    return ScanResult(counts=counts, findings=tuple(findings), blocking=blocking)


async def scan_container(image: dagger.Container, config: ScanConfig) -> dagger.Container:
    """The trivy run over `image` exported as an OCI tarball; writes the JSON report."""
    from dagger import ReturnType

    args = [
        "trivy", "image", "--input", "/scan/image.tar", "--scanners", "vuln",
        "--format", "json", "--output", _REPORT, "--exit-code", "0", "--quiet",
    ]  # fmt: skip
    ctr = (await tool_container(config.image)).with_mounted_file("/scan/image.tar", image.as_tarball())
    if config.ignore_file is not None:
        ctr = ctr.with_mounted_file("/scan/.trivyignore", config.ignore_file)
        args += ["--ignorefile", "/scan/.trivyignore"]
    return ctr.with_exec(args, expect=ReturnType.ANY)


async def scan(image: dagger.Container, config: ScanConfig) -> ScanResult:
    """Scan `image`; raise StageError('scan', ...) listing the findings the gate blocks on."""
    ctr = await scan_container(image, config)
    async with stage_errors("scan", "scan the image", "check the trivy image and its DB"):
        outcome = await exec_outcome(ctr)
        if outcome.exit_code != 0:
            msg = f"could not scan the image: trivy exited {outcome.exit_code} (output above)"
            raise StageError("scan", msg, details=tail(outcome.output))
        report = json.loads(await ctr.file(_REPORT).contents())
    result = parse_report(report, config.severities)
    if result.blocking:
        listed = "; ".join(str(f) for f in result.blocking[:3])
        more = f" and {len(result.blocking) - 3} more" if len(result.blocking) > 3 else ""
        gate = ",".join(config.severities)
        msg = (
            f"could not pass the {gate} gate: {len(result.blocking)} finding(s): {listed}{more} "
            "(upgrade the packages, or list accepted IDs in the ignore file)"
        )
        raise StageError("scan", msg, details="\n".join(str(f) for f in result.top))
    return result
