"""scan: trivy's report read into counts, worst-first findings and the gate's blocking ones; the step's errors."""

from __future__ import annotations

import json
from typing import Any

import pytest

from slipway.errors import StageError
from slipway.stages import scan as scan_stage
from slipway.stages.engine_calls import ExecOutcome
from slipway.stages.scan import ScanConfig, parse_report, scan


def _vuln(vid: str, severity: str, fixed: str = "") -> dict[str, str]:
    return {"VulnerabilityID": vid, "PkgName": "openssl", "InstalledVersion": "3.0.1",
            "FixedVersion": fixed, "Severity": severity, "Title": vid.lower()}  # fmt: skip


REPORT = {
    "Results": [
        {
            "Target": "alpine",
            "Vulnerabilities": [_vuln("CVE-2", "MEDIUM"), _vuln("CVE-9", "CRITICAL", "3.0.9")],
        },
        {"Target": "app", "Vulnerabilities": None},
        {"Target": "go", "Vulnerabilities": [_vuln("CVE-5", "HIGH"), _vuln("CVE-1", "HIGH", "3.0.2")]},
    ]
}


def test_the_report_is_counted_and_sorted_worst_first() -> None:
    result = parse_report(REPORT, ("HIGH", "CRITICAL"))
    assert result.counts == {"CRITICAL": 1, "HIGH": 2, "MEDIUM": 1, "LOW": 0, "UNKNOWN": 0}
    assert [f.id for f in result.findings] == ["CVE-9", "CVE-1", "CVE-5", "CVE-2"]
    assert [f.id for f in result.blocking] == ["CVE-9", "CVE-1", "CVE-5"]
    assert str(result.findings[0]) == "CVE-9 (CRITICAL) in openssl 3.0.1, fixed in 3.0.9"
    assert str(result.findings[2]) == "CVE-5 (HIGH) in openssl 3.0.1, no fix yet"


def test_only_the_gated_severities_block() -> None:
    assert [f.id for f in parse_report(REPORT, ("CRITICAL",)).blocking] == ["CVE-9"]


def test_an_empty_report_blocks_nothing() -> None:
    result = parse_report({}, ("HIGH", "CRITICAL"))
    assert (result.findings, result.blocking, sum(result.counts.values())) == ((), (), 0)


class FakeScan:
    """The scan container: its report file."""

    def __init__(self, report: dict[str, Any]) -> None:
        self.report = report

    def file(self, _: str) -> FakeScan:
        return self

    async def contents(self) -> str:
        return json.dumps(self.report)


def _trivy(monkeypatch: pytest.MonkeyPatch, exit_code: int, report: dict[str, Any]) -> None:
    async def outcome(_: Any) -> ExecOutcome:
        return ExecOutcome(exit_code, "", "FATAL db download failed" if exit_code else "")

    monkeypatch.setattr(scan_stage, "exec_outcome", outcome)

    async def container(image: Any, config: Any) -> FakeScan:
        return FakeScan(report)

    monkeypatch.setattr(scan_stage, "scan_container", container)


async def test_blocking_findings_fail_the_gate_naming_three_and_the_rest(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _trivy(monkeypatch, 0, {"Results": [{"Vulnerabilities": [_vuln(f"CVE-{i}", "HIGH") for i in range(5)]}]})
    with pytest.raises(
        StageError, match=r"HIGH,CRITICAL gate: 5 finding\(s\): CVE-0 .*CVE-2 .* and 2 more"
    ) as exc:
        await scan(None, ScanConfig("trivy"))  # type: ignore[arg-type]
    assert exc.value.stage == "scan"


async def test_a_clean_image_passes_with_its_counts(monkeypatch: pytest.MonkeyPatch) -> None:
    _trivy(monkeypatch, 0, {"Results": [{"Vulnerabilities": [_vuln("CVE-3", "LOW")]}]})
    result = await scan(None, ScanConfig("trivy"))  # type: ignore[arg-type]
    assert result.counts["LOW"] == 1 and result.blocking == ()


async def test_trivy_failing_is_not_a_clean_scan(monkeypatch: pytest.MonkeyPatch) -> None:
    _trivy(monkeypatch, 1, {})
    with pytest.raises(StageError, match="could not scan the image: trivy exited 1"):
        await scan(None, ScanConfig("trivy"))  # type: ignore[arg-type]
