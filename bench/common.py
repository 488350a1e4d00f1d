"""Shared bench helpers: throwaway app checkouts and result files."""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
import uuid
from pathlib import Path
from typing import Any

import httpx

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


def forge() -> tuple[str, str]:
    """The local Gitea's URL and the slipway user's token."""
    cache = Path(os.environ.get("SLIPWAY_CACHE", Path.home() / ".cache" / "slipway"))
    port = os.environ.get("SLIPWAY_GITEA_PORT", "3000")
    return f"http://127.0.0.1:{port}", (cache / "gitea" / "token").read_text().strip()


def forge_git(token: str, cwd: Path, *args: str) -> None:
    """Run git against the forge with the token as a Basic auth header."""
    header = base64.b64encode(f"slipway:{token}".encode()).decode()
    subprocess.run(
        ["git", "-c", f"http.extraHeader=Authorization: Basic {header}", "-c", "user.name=bench",
         "-c", "user.email=bench@example.com", *args],
        cwd=cwd, check=True, capture_output=True,
    )  # fmt: skip


def seed_gitops(url: str, token: str, work: Path, apps: int = 0) -> str:
    """A new Gitea repository holding examples/gitops (plus `apps` copies of web-api as app-N)."""
    name = f"bench-{uuid.uuid4().hex[:8]}"
    resp = httpx.post(f"{url}/api/v1/user/repos", json={"name": name, "default_branch": "main"},
                      headers={"Authorization": f"token {token}"}, timeout=30)  # fmt: skip
    resp.raise_for_status()
    src = work / name
    shutil.copytree(ROOT / "examples" / "gitops", src)
    for i in range(1, apps + 1):
        shutil.copytree(src / "apps" / "web-api", src / "apps" / f"app-{i}")
    forge_git(token, src, "init", "-q", "-b", "main")
    forge_git(token, src, "add", "-A")
    forge_git(token, src, "commit", "-qm", "seed")
    forge_git(token, src, "push", "-q", f"{url}/slipway/{name}.git", "main")
    return f"{url}/slipway/{name}.git"
