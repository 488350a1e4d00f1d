"""docs/architecture.md names every file under src/slipway/ that holds code, and nothing that is gone."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "src" / "slipway"
FOLDERS_DESCRIBED_WHOLE = (
    "stages/",
    "gitops/forges/",
    "engine/",
    "cli/",
    "provision/",
    "templates/",
    "policies/",
)


def _named_paths(doc: str) -> set[str]:
    return set(re.findall(r"^\| `([^`]+)`", doc, flags=re.MULTILINE)) | set(
        re.findall(r"^\| `[^`]+`, `([^`]+)`", doc, flags=re.MULTILINE)
    )


def test_every_module_is_described_and_every_described_path_exists() -> None:
    doc = (ROOT / "docs" / "architecture.md").read_text()
    named = _named_paths(doc)
    modules = {str(p.relative_to(PACKAGE)) for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts}
    undescribed = sorted(
        m for m in modules
        if m not in named and not m.startswith(FOLDERS_DESCRIBED_WHOLE) and not m.endswith("/__init__.py")
    )  # fmt: skip
    assert undescribed == [], f"add these to docs/architecture.md: {undescribed}"
    missing = sorted(n for n in named if not (PACKAGE / n).exists())
    assert missing == [], f"docs/architecture.md names files that are gone: {missing}"
