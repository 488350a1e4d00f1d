"""Throwaway copies of the example apps, each a git checkout pushing to its own test repository."""

from __future__ import annotations

import shutil
import subprocess
import uuid
from collections.abc import Callable
from pathlib import Path

import httpx

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
REGISTRY = "localhost:5000"


def git(cwd: Path, *args: str) -> str:
    proc = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=True)
    return proc.stdout.strip()


def make_app(
    tmp_path: Path, example: str, edits: dict[str, Callable[[str], str]] | None = None
) -> tuple[Path, str]:
    """Copy `example`, apply `edits` (relative path -> text transform), commit; return dir and repo path."""
    app = tmp_path / example
    shutil.copytree(EXAMPLES / example, app)
    repo_path = f"slipway-test/{example}-{uuid.uuid4().hex[:10]}"
    cfg = app / "slipway.yaml"
    cfg.write_text(
        cfg.read_text().replace(f"localhost:5000/slipway-examples/{example}", f"{REGISTRY}/{repo_path}")
    )
    for rel, edit in (edits or {}).items():
        target = app / rel
        target.write_text(edit(target.read_text() if target.exists() else ""))
    git(app, "init", "-q", "-b", "main")
    git(app, "-c", "user.name=t", "-c", "user.email=t@example.com", "add", "-A")
    git(app, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", "app")
    return app, repo_path


def registry_tags(repo_path: str) -> list[str]:
    """The tags the embedded registry holds for `repo_path` ([] when the repository is absent)."""
    resp = httpx.get(f"http://{REGISTRY}/v2/{repo_path}/tags/list", timeout=10)
    if resp.status_code == 404:
        return []
    resp.raise_for_status()
    return list(resp.json().get("tags") or [])


def registry_digest(repo_path: str, tag: str) -> str:
    """The manifest digest the registry serves for `repo_path:tag`."""
    accept = ", ".join(
        [
            "application/vnd.oci.image.index.v1+json",
            "application/vnd.oci.image.manifest.v1+json",
            "application/vnd.docker.distribution.manifest.v2+json",
        ]
    )
    resp = httpx.head(
        f"http://{REGISTRY}/v2/{repo_path}/manifests/{tag}", headers={"Accept": accept}, timeout=10
    )
    resp.raise_for_status()
    return resp.headers["Docker-Content-Digest"]


def direct_app(
    tmp_path: Path,
    *,
    kubeconfig: str,
    namespace: str,
    timeout: int = 60,
    values: str = "",
    prod: str = "deploy: direct\n    allow_direct: true",
) -> Path:
    """A copy of examples/web-api whose dev (unprotected) and prod (protected) deploy directly.

    Both use `kubeconfig` (env:/file:) and `namespace`; staging stays GitOps. `values` is appended
    to dev's values file; `prod` replaces prod's deploy settings (e.g. without allow_direct).
    """
    app = tmp_path / f"web-api-{uuid.uuid4().hex[:6]}"
    shutil.copytree(EXAMPLES / "web-api", app, ignore=shutil.ignore_patterns("*.go", "internal"))
    cluster = f"cluster: {{kubeconfig: '{kubeconfig}', namespace: {namespace}, rollout_timeout: {timeout}}}"
    cfg = app / "slipway.yaml"
    text = cfg.read_text()
    text = text.replace(
        "  - name: dev\n    protected: false\n",
        f"  - name: dev\n    protected: false\n    deploy: direct\n    {cluster}\n",
    ).replace(
        "  - name: prod\n    protected: true\n",
        f"  - name: prod\n    protected: true\n    {prod}\n    {cluster}\n",
    )
    cfg.write_text(text)
    if values:
        dev_values = app / "chart" / "values-dev.yaml"
        dev_values.write_text(dev_values.read_text() + values)
    return app
