"""sbom: the two-document script run by a real shell against a recording trivy, and package counts."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from slipway.stages import sbom

FAKE_TRIVY = """#!/bin/sh
echo "$*" >> "$TRIVY_LOG"
while [ $# -gt 0 ]; do
  [ "$1" = "--format" ] && fmt="$2"
  [ "$1" = "--output" ] && out="$2"
  shift
done
[ "$fmt" = "$TRIVY_FAIL" ] && exit 3
echo "$fmt" > "$out"
"""


def _run(tmp_path: Path, fail: str = "none") -> tuple[int, list[str], Path, Path]:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "trivy").write_text(FAKE_TRIVY)
    (bin_dir / "trivy").chmod(0o755)
    log = tmp_path / "trivy.log"
    spdx, cdx = tmp_path / "s.json", tmp_path / "c.json"
    env = {"PATH": f"{bin_dir}:{os.environ['PATH']}", "TRIVY_LOG": str(log), "TRIVY_FAIL": fail}
    argv = ["sh", "-c", sbom._BOTH, "slipway-sbom", str(spdx), str(cdx)]
    code = subprocess.run(argv, env=env, capture_output=True, check=False).returncode
    return code, log.read_text().splitlines(), spdx, cdx


def test_both_documents_come_from_the_image_tarball_in_one_exec(tmp_path: Path) -> None:
    code, calls, spdx, cdx = _run(tmp_path)
    assert code == 0
    assert spdx.read_text().strip() == "spdx-json" and cdx.read_text().strip() == "cyclonedx"
    assert all(c.startswith("image --input /sbom/image.tar --quiet") for c in calls) and len(calls) == 2


def test_a_failing_first_document_stops_before_the_second(tmp_path: Path) -> None:
    code, calls, _, cdx = _run(tmp_path, fail="spdx-json")
    assert code == 3
    assert len(calls) == 1 and not cdx.exists()


def test_package_count_leaves_out_the_image_and_its_os() -> None:
    doc = {
        "packages": [
            {"name": "web-api", "primaryPackagePurpose": "CONTAINER"},
            {"name": "debian", "primaryPackagePurpose": "OPERATING-SYSTEM"},
            {"name": "libc6", "primaryPackagePurpose": "LIBRARY"},
            {"name": "stdlib"},
        ]
    }
    assert sbom.package_count(doc) == 2
    assert sbom.package_count({}) == 0
