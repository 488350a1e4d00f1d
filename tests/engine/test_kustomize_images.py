"""The kustomize-images layout (examples/gitops-layouts/kustomize-images) against the real kustomize.

kustomize builds the same manifests from slipway's edit as from its own `kustomize edit set
image`, and plan diffs the kustomization and renders both images. The CLI's promote, `--from`,
history and rollback on this layout are in test_gitops_layouts.py, with every other layout.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from conftest import ROOT
from slipway.config import load_config
from slipway.engine.settings import EngineSettings
from slipway.gitops.locators import KustomizeImagesLocator
from slipway.refs import ImageRef, parse_ref
from slipway.tool_images import ToolImages

pytestmark = pytest.mark.engine

LAYOUT = ROOT / "examples" / "gitops-layouts" / "kustomize-images"
OVERLAY = "apps/web-api/overlays/{env}/kustomization.yaml"
REPO = "localhost:5000/slipway-examples/web-api"
SHA = "c0ffee" + "e" * 34
DIGEST = "sha256:" + "cd" * 32
ZEROS = "0" * 40


def _kustomize_images(text: str) -> str:
    return text.replace(
        "  values_path: apps/{app}/overlays/{env}/values.yaml\n",
        "  values_path: apps/{app}/overlays/{env}/kustomization.yaml\n  locator: kustomize-images\n",
    )


_BUILD_BOTH = """
set -e
cd "/work/ours/$SLIPWAY_OVERLAY" && kustomize build . > /out/ours.yaml
cd "/work/theirs/$SLIPWAY_OVERLAY" && kustomize edit set image "$SLIPWAY_SET" && kustomize build . > /out/theirs.yaml
cp kustomization.yaml /out/theirs-kustomization.yaml
"""


def _containers(manifests: str) -> list[str]:
    deployment = next(d for d in yaml.safe_load_all(manifests) if d and d["kind"] == "Deployment")
    return [c["image"] for c in deployment["spec"]["template"]["spec"]["containers"]]


@pytest.mark.parametrize("image", [f"{REPO}:{SHA}", f"{REPO}:{SHA}@{DIGEST}", f"{REPO}@{DIGEST}"])
async def test_kustomize_builds_the_same_manifests_from_our_edit_as_from_its_own(
    engine: EngineSettings, tmp_path: Path, image: str
) -> None:
    from dagger import dag

    overlay = OVERLAY.format(env="dev")
    ours = tmp_path / "ours"
    shutil.copytree(LAYOUT, ours)
    text = (ours / overlay).read_text()
    (ours / overlay).write_text(KustomizeImagesLocator(REPO).write(text, parse_ref(image), overlay))
    out = await (
        dag.container().from_(ToolImages.resolve()["kustomize"])
        .with_directory("/work/ours", dag.host().directory(str(ours)))
        .with_directory("/work/theirs", dag.host().directory(str(LAYOUT)))
        .with_env_variable("SLIPWAY_OVERLAY", str(Path(overlay).parent))
        .with_env_variable("SLIPWAY_SET", f"{REPO}={image}")
        .with_exec(["mkdir", "-p", "/out"])
        .with_exec(["sh", "-c", _BUILD_BOTH])
        .directory("/out").sync()
    )  # fmt: skip
    built = await out.file("ours.yaml").contents()
    assert built == await out.file("theirs.yaml").contents()
    assert _containers(built) == [image, "docker.io/library/redis:7.2"]
    theirs = yaml.safe_load(await out.file("theirs-kustomization.yaml").contents())["images"]
    [entry] = [e for e in theirs if e["name"] == REPO]
    ref = parse_ref(image)
    assert entry == {
        k: v for k, v in {"name": REPO, "newName": REPO, "newTag": ref.tag, "digest": ref.digest}.items() if v
    }


async def test_plan_diffs_the_kustomization_and_renders_both_images(
    engine: EngineSettings, tmp_path: Path
) -> None:
    from dagger import dag

    from slipway.flows.build import BuildRequest
    from slipway.flows.plan import env_plan

    app = tmp_path / "web-api"
    shutil.copytree(ROOT / "examples" / "web-api", app, ignore=shutil.ignore_patterns("node_modules", ".git"))
    (app / "slipway.yaml").write_text(_kustomize_images((app / "slipway.yaml").read_text()))
    req = BuildRequest(
        config=load_config(app), source=dag.host().directory(str(app)), env="dev", revision=SHA,
        created="2024-01-01T00:00:00Z", source_url="file:///web-api",
    )  # fmt: skip
    planned = await env_plan(req, dag.host().directory(str(LAYOUT)), "staging", ImageRef(REPO, SHA))
    assert planned.values_path == OVERLAY.format(env="staging")
    changed = [
        line
        for line in planned.values_diff.splitlines()
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]
    assert changed == [f'-    newTag: "{ZEROS}"', f'+    newTag: "{SHA}"']
    rendered = [line for line in planned.manifests_diff.splitlines()[2:] if line[:1] in "+-"]
    assert any(ZEROS in line for line in rendered if line[0] == "-"), planned.manifests_diff
    assert any(SHA in line for line in rendered if line[0] == "+"), planned.manifests_diff
