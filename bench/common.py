"""Shared bench helpers: throwaway app checkouts and result files."""

from __future__ import annotations

import json
import shutil
import subprocess
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"


def git(cwd: Path, *args: str) -> str:
    """Run git with a fixed identity; return stdout."""
    return subprocess.run(
        ["git", "-c", "user.name=bench", "-c", "user.email=bench@example.com", *args],
        cwd=cwd, capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip


def app_copy(workdir: Path, example: str) -> Path:
    """A git checkout of examples/<example> publishing to its own bench repository."""
    app = workdir / f"{example}-{uuid.uuid4().hex[:8]}"
    shutil.copytree(ROOT / "examples" / example, app)
    cfg = app / "slipway.yaml"
    cfg.write_text(cfg.read_text().replace("slipway-examples/", "slipway-bench/"))
    git(app, "init", "-q", "-b", "main")
    commit(app, "bench app")
    return app


def commit(app: Path, message: str) -> None:
    """Commit everything in `app`."""
    git(app, "add", "-A")
    git(app, "commit", "-qm", message)


def write_result(name: str, data: dict[str, Any]) -> Path:
    """Write bench/results/<name>.json and echo it."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps(data, indent=2) + "\n")
    print(f"{path.relative_to(ROOT)}: {json.dumps(data)}")
    return path


def merge_result(name: str, data: dict[str, Any]) -> Path:
    """Merge `data`'s keys into bench/results/<name>.json (other benches own the other keys)."""
    path = RESULTS / f"{name}.json"
    existing: dict[str, Any] = {}
    if path.is_file():
        try:
            loaded = json.loads(path.read_text())
        except json.JSONDecodeError:
            loaded = {}
        existing = loaded if isinstance(loaded, dict) else {}
    return write_result(name, {**existing, **data})
