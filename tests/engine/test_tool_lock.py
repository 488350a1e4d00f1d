"""Tool images by digest, through the CLI: `slipway tools lock` pins them, stages run the pinned
digest even after the tag moves, and `slipway doctor` reports the move as drift.

The moved tag lives in a repository of its own (slipway-test-lock/<id>/helm): the shared
slipway-tools images other tests run are never retagged.
"""

from __future__ import annotations

import json
import subprocess
import uuid
from pathlib import Path

import httpx
import pytest

from apps import REGISTRY, make_app
from slipway.engine.settings import EngineSettings
from slipway.refs import registry_path, split_ref
from slipway.registry import MANIFEST_TYPES
from slipway.tool_images import ToolImages, unpinned
from slipway_cli import slipway

pytestmark = pytest.mark.engine


def _copy_tool_image(tool: str, repo: str, tag: str) -> str:
    """Put this machine's `tool` image under `repo:tag` (blobs mounted, manifest copied); its digest."""
    source = unpinned(ToolImages.resolve()[tool])
    _, from_repo = registry_path(source)
    base = f"http://{REGISTRY}/v2"
    got = httpx.get(
        f"{base}/{from_repo}/manifests/{split_ref(source).tag}", headers={"Accept": MANIFEST_TYPES}
    )
    got.raise_for_status()
    manifest = got.json()
    for blob in [manifest["config"]["digest"], *(layer["digest"] for layer in manifest["layers"])]:
        mounted = httpx.post(f"{base}/{repo}/blobs/uploads/", params={"mount": blob, "from": from_repo})
        assert mounted.status_code == 201, mounted.text
    put = httpx.put(f"{base}/{repo}/manifests/{tag}", content=got.content,
                    headers={"Content-Type": got.headers["content-type"]})  # fmt: skip
    assert put.status_code == 201, put.text
    return str(put.headers["Docker-Content-Digest"])


def _cli(engine: EngineSettings, *args: str) -> subprocess.CompletedProcess[str]:
    proc = slipway(*args, env={"SLIPWAY_ENGINE_NAME": engine.engine_name}, timeout=600)
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc


def _render_images(engine: EngineSettings, app: Path) -> set[str]:
    """The helm image each environment's render ran in, from `slipway check validate --json`."""
    proc = _cli(engine, "check", "validate", "--source", str(app), "--json")
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr
    steps = json.loads(proc.stdout)["steps"]
    return {s["evidence"]["tool_image"] for s in steps if s["name"].startswith("render")}


def test_a_locked_tool_runs_by_digest_and_a_moved_tag_is_drift(
    engine: EngineSettings, tmp_path: Path
) -> None:
    repo = f"slipway-test-lock/{uuid.uuid4().hex[:10]}/helm"
    helm = f"{REGISTRY}/{repo}:v1"
    locked = _copy_tool_image("helm", repo, "v1")
    app, _ = make_app(
        tmp_path, "web-api", {"slipway.yaml": lambda t: t.replace("tools: {}", f"tools: {{helm: {helm}}}")}
    )

    wrote = _cli(engine, "tools", "lock", "--source", str(app))
    assert wrote.returncode == 0, wrote.stderr
    lock = json.loads((app / "slipway.lock").read_text())
    assert lock["tools"]["helm"] == f"{helm}@{locked}"
    assert all("@sha256:" in ref for ref in lock["tools"].values())
    assert _render_images(engine, app) == {f"{helm}@{locked}"}

    # The tag now serves another image (kustomize's: no helm in it); the lock still names the old one.
    moved = _copy_tool_image("kustomize", repo, "v1")
    assert moved != locked
    doctor = _cli(engine, "doctor", "--source", str(app))
    drift = f"helm: {helm} is locked at {locked} but the registry serves {moved} ({app / 'slipway.lock'})"
    assert f"warn tool lock helm: {drift}" in doctor.stdout.splitlines(), doctor.stdout
    assert f"warning: tool lock helm: {drift} (run `slipway tools lock` to accept" in doctor.stderr
    assert _render_images(engine, app) == {f"{helm}@{locked}"}, "a locked run follows the lock, not the tag"

    # Accepting the move rewrites the lock to what the tag serves now.
    relocked = _cli(engine, "tools", "lock", "--source", str(app))
    assert relocked.returncode == 0, relocked.stderr
    assert f"{helm}@{moved} (was {locked})" in relocked.stdout
    assert json.loads((app / "slipway.lock").read_text())["tools"]["helm"] == f"{helm}@{moved}"
