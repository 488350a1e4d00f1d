"""`slipway init` on layouts unlike examples/web-api, then `slipway plan` passes on the first try.

Two apps built from the examples' code with their manifests moved: a Go app whose chart is
`charts/orders/` with only staging and prod values and its Dockerfile in `build/`, and an npm
app with a kustomize `deploy/base` and `dev`/`prod` overlays (one a `kustomization.yml`). Each is
a git checkout; init runs through the CLI, and plan renders every environment it detected
against a GitOps repository holding those environments.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from apps import EXAMPLES, git, registry_tags
from conftest import Forge, seed_repo
from slipway.engine.settings import EngineSettings

pytestmark = [pytest.mark.engine, pytest.mark.timeout(1800)]


def _copy(src: Path, dst: Path) -> None:
    dst.parent.mkdir(parents=True, exist_ok=True)
    (shutil.copytree if src.is_dir() else shutil.copy2)(src, dst)


def _go_app(root: Path) -> Path:
    app, web_api = root / "orders", EXAMPLES / "web-api"
    for name in ("go.mod", "main.go", "main_test.go", "internal", ".dockerignore"):
        _copy(web_api / name, app / name)
    _copy(web_api / "Dockerfile", app / "build" / "Dockerfile")
    _copy(web_api / "chart", app / "charts" / "orders")
    (app / "charts" / "orders" / "values-dev.yaml").unlink()
    return app


def _npm_app(root: Path) -> Path:
    app, web_ui = root / "storefront", EXAMPLES / "web-ui"
    for name in ("package.json", "package-lock.json", "server.js", "lib", "public", "test", "Dockerfile",
                 ".dockerignore", "deploy/base", "deploy/overlays/dev"):  # fmt: skip
        _copy(web_ui / name, app / name)
    prod = app / "deploy" / "overlays" / "prod" / "kustomization.yml"
    _copy(web_ui / "deploy" / "overlays" / "prod" / "kustomization.yaml", prod)
    for file in (app / "deploy").rglob("*"):
        if file.is_file():
            file.write_text(file.read_text().replace("web-ui", "storefront"))
    return app


def _gitops_layout(root: Path, apps: dict[str, tuple[str, dict[str, str]]]) -> Path:
    """A GitOps tree with apps/<app>/overlays/<env>/values.yaml, copied from the example's envs."""
    for app, (example, envs) in apps.items():
        for env, example_env in envs.items():
            _copy(EXAMPLES / "gitops" / "apps" / example / "overlays" / example_env / "values.yaml",
                  root / "apps" / app / "overlays" / env / "values.yaml")  # fmt: skip
    return root


def _slipway(app: Path, forge: Forge, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, **EngineSettings.from_env().client_env(), forge.token_env: forge.token}
    return subprocess.run([sys.executable, "-m", "slipway.cli.app", *args], cwd=app, capture_output=True,
                          text=True, env=env, check=False, timeout=1500)  # fmt: skip


def _init_and_commit(app: Path, forge: Forge, registry: str) -> list[str]:
    proc = _slipway(app, forge, "init", "--registry", registry)
    assert proc.returncode == 0, proc.stderr
    git(app, "init", "-q", "-b", "main")
    git(app, "-c", "user.name=t", "-c", "user.email=t@example.com", "add", "-A")
    git(app, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", "app")
    return proc.stderr.splitlines()


def _plan(app: Path, forge: Forge, repo_url: str) -> dict[str, object]:
    proc = _slipway(app, forge, "plan", "--source", ".", "--repo", repo_url, "--token", f"env:{forge.token_env}",
                    "--json")  # fmt: skip
    assert proc.returncode == 0, (proc.stdout + proc.stderr)[-4000:]
    assert forge.token not in proc.stdout + proc.stderr
    plan: dict[str, object] = json.loads(proc.stdout)
    return plan


@pytest.mark.parametrize(
    ("make", "example", "kind", "envs", "found"),
    [
        (_go_app, "web-api", "helm", {"staging": "staging", "prod": "prod"},
         "found: deploy: helm chart charts/orders, values staging=charts/orders/values-staging.yaml, "
         "prod=charts/orders/values-prod.yaml"),
        (_npm_app, "web-ui", "kustomize", {"dev": "dev", "prod": "prod"},
         "found: deploy: kustomize base deploy/base, overlays dev=deploy/overlays/dev, prod=deploy/overlays/prod"),
    ],
    ids=["go-charts-dir", "npm-kustomize"],
)  # fmt: skip
def test_init_detects_the_layout_and_plan_passes_first_try(
    engine_settings: EngineSettings,
    forge: Forge,
    tmp_path: Path,
    make: object,
    example: str,
    kind: str,
    envs: dict[str, str],
    found: str,
) -> None:
    assert callable(make)
    app: Path = make(tmp_path / "src")
    owner = f"slipway-test-{uuid.uuid4().hex[:10]}"
    lines = _init_and_commit(app, forge, f"localhost:{engine_settings.registry_port}/{owner}")
    assert found in lines, lines
    assert not [
        line for line in lines if line.startswith(("to do: deploy", "to do: build", "to do: environments"))
    ]
    text = (app / "slipway.yaml").read_text()
    assert f"kind: {kind}" in text
    if kind == "helm":
        assert "dockerfile: build/Dockerfile" in text, text

    gitops = seed_repo(
        forge, tmp_path, layout=_gitops_layout(tmp_path / "gitops", {app.name: (example, envs)})
    )
    plan = _plan(app, forge, gitops.url)
    image = str(plan["image"])
    tag = image.rsplit(":", 1)[1]
    planned = plan["environments"]
    assert isinstance(planned, list)
    assert [(p["env"], p["protected"]) for p in planned] == [(env, env == "prod") for env in envs]
    for p in planned:
        assert p["values_path"] == f"apps/{app.name}/overlays/{p['env']}/values.yaml"
        assert any(line.startswith("+  tag:") and tag in line for line in p["values_diff"].splitlines())
        added = [line for line in p["manifests_diff"].splitlines() if line.startswith("+ ")]
        assert any(f"image: {image}" in line.replace('"', "") for line in added), p["manifests_diff"]
    assert registry_tags(f"{owner}/{app.name}") == [], "plan must not push an image"
