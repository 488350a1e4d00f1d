"""`slipway init`'s detection: charts, values files, kustomize overlays, toolchain and Dockerfile.

Each layout is a small temporary tree; the slipway.yaml init writes for it must load.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from slipway.config import load_config
from slipway.errors import ConfigError
from slipway.init_detect import detect_layout, environment_order
from slipway.init_files import init_app


def _tree(root: Path, *files: str) -> Path:
    """`root` holding each of `files` (relative paths), empty."""
    for rel in files:
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text("")
    return root


def test_go_app_with_a_chart_under_charts(tmp_path: Path) -> None:
    app = _tree(tmp_path / "orders", "go.mod", "Dockerfile", "charts/orders/Chart.yaml",
                "charts/orders/values.yaml", "charts/orders/values-prod.yaml",
                "charts/orders/values-staging.yaml")  # fmt: skip
    layout = detect_layout(app, "orders")
    assert (layout.toolchain, layout.dockerfile, layout.kind, layout.path) == (
        "go",
        "Dockerfile",
        "helm",
        "charts/orders",
    )
    assert layout.per_env == {
        "staging": "charts/orders/values-staging.yaml",
        "prod": "charts/orders/values-prod.yaml",
    }
    assert list(layout.per_env) == ["staging", "prod"], "promotion order, not file order"
    init_app(app, "", registry="r.example", layout=layout)
    cfg = load_config(app)
    assert [(e.name, e.protected) for e in cfg.environments] == [("staging", False), ("prod", True)]
    assert (cfg.deploy.kind, cfg.deploy.path, dict(cfg.deploy.values)) == (
        "helm",
        "charts/orders",
        layout.per_env,
    )
    assert not layout.todo, layout.todo


def test_every_values_file_naming_and_the_deploy_helm_chart(tmp_path: Path) -> None:
    app = _tree(tmp_path / "svc", "package.json", "deploy/helm/Chart.yaml", "deploy/helm/values-qa.yml",
                "deploy/helm/values.production.yaml", "deploy/helm/values/dev.yaml",
                "deploy/helm/values/canary.yaml")  # fmt: skip
    layout = detect_layout(app, "svc")
    assert (layout.toolchain, layout.path) == ("npm", "deploy/helm")
    assert layout.per_env == {
        "dev": "deploy/helm/values/dev.yaml",
        "qa": "deploy/helm/values-qa.yml",
        "canary": "deploy/helm/values/canary.yaml",
        "production": "deploy/helm/values.production.yaml",
    }
    init_app(app, "", registry="r.example", layout=layout)
    assert [e.name for e in load_config(app).environments if e.protected] == ["production"]


def test_npm_app_with_kustomize_base_and_overlays(tmp_path: Path) -> None:
    app = _tree(tmp_path / "web", "package.json", "deploy/base/kustomization.yaml",
                "deploy/overlays/prod/kustomization.yml", "deploy/overlays/dev/Kustomization",
                "deploy/overlays/notes/README.md", "web/Dockerfile")  # fmt: skip
    layout = detect_layout(app, "web")
    assert (layout.kind, layout.path, layout.dockerfile) == ("kustomize", "deploy/base", "web/Dockerfile")
    assert layout.per_env == {"dev": "deploy/overlays/dev", "prod": "deploy/overlays/prod"}
    init_app(app, "", registry="r.example", layout=layout)
    cfg = load_config(app)
    assert dict(cfg.deploy.overlays) == layout.per_env and cfg.environment("prod").protected


def test_overlays_without_a_base(tmp_path: Path) -> None:
    app = _tree(tmp_path / "a", "go.mod", "k8s/overlays/staging/kustomization.yaml")
    layout = detect_layout(app, "a")
    assert (layout.kind, layout.path, layout.per_env) == (
        "kustomize",
        "k8s",
        {"staging": "k8s/overlays/staging"},
    )


def test_several_charts_pick_the_one_named_like_the_app_and_say_so(tmp_path: Path) -> None:
    app = _tree(tmp_path / "b", "go.mod", "charts/a/Chart.yaml", "charts/b/Chart.yaml", "charts/c/Chart.yaml")
    layout = detect_layout(app, "b")
    assert layout.path == "charts/b"
    assert any(
        "several charts (charts/a, charts/b, charts/c): using charts/b" in line for line in layout.found
    )


def test_several_charts_none_named_like_the_app_pick_the_first(tmp_path: Path) -> None:
    app = _tree(
        tmp_path / "app", "go.mod", "charts/zeta/Chart.yaml", "chart/Chart.yaml", "charts/alpha/Chart.yaml"
    )
    layout = detect_layout(app, "app")
    assert layout.path == "chart"
    assert any("using chart, the first in search order" in line for line in layout.found), layout.found


def test_bad_environment_names_are_skipped_and_reported(tmp_path: Path) -> None:
    app = _tree(tmp_path / "c", "go.mod", "chart/Chart.yaml", "chart/values-Prod_EU.yaml",
                "chart/values-dev.yaml", "deploy/overlays/-x/kustomization.yaml")  # fmt: skip
    layout = detect_layout(app, "c")
    assert layout.per_env == {"dev": "chart/values-dev.yaml"}
    skipped = [line for line in layout.found if line.startswith("skipped")]
    assert len(skipped) == 2, layout.found
    assert "chart/values-Prod_EU.yaml: environment 'Prod_EU' is not a valid name" in skipped[0]


def test_names_yaml_would_misread_are_quoted(tmp_path: Path) -> None:
    app = _tree(
        tmp_path / "d", "go.mod", "chart/Chart.yaml", "chart/values-on.yaml", "chart/values-prod.yaml"
    )
    init_app(app, "", registry="r.example")
    cfg = load_config(app)
    assert [e.name for e in cfg.environments] == ["on", "prod"]
    assert cfg.deploy.values["on"] == "chart/values-on.yaml"


def test_a_chart_without_env_values_loses_to_overlays(tmp_path: Path) -> None:
    app = _tree(tmp_path / "e", "go.mod", "chart/Chart.yaml", "deploy/overlays/dev/kustomization.yaml")
    layout = detect_layout(app, "e")
    assert layout.kind == "kustomize"
    assert any(line.startswith("chart chart not used") for line in layout.found), layout.found


def test_a_chart_without_env_values_keeps_three_environments(tmp_path: Path) -> None:
    app = _tree(tmp_path / "f", "go.mod", "chart/Chart.yaml", "chart/values.yaml")
    layout = detect_layout(app, "f")
    assert (layout.kind, layout.per_env, layout.environments) == ("helm", {}, ("dev", "staging", "prod"))
    assert any("environments: none found" in line for line in layout.todo)
    init_app(app, "", registry="r.example", layout=layout)
    assert load_config(app).deploy.values == {}


def test_nothing_found_scaffolds_the_chart_config_and_says_so(tmp_path: Path) -> None:
    app = _tree(tmp_path / "g", "go.mod")
    layout = detect_layout(app, "g")
    assert layout.scaffold and (layout.kind, layout.path) == ("helm", "chart")
    assert layout.per_env == {e: f"chart/values-{e}.yaml" for e in ("dev", "staging", "prod")}
    assert any("no Helm chart or kustomization found" in line for line in layout.todo)
    assert any("no Dockerfile found" in line for line in layout.todo)


def test_toolchain_both_picks_go_and_none_is_refused(tmp_path: Path) -> None:
    both = _tree(tmp_path / "h", "go.mod", "package.json")
    layout = detect_layout(both, "h")
    assert layout.toolchain == "go"
    assert any("go.mod and package.json both found" in line for line in layout.found)
    with pytest.raises(ConfigError, match="neither go.mod nor package.json"):
        detect_layout(_tree(tmp_path / "i", "README.md"), "i")


def test_the_root_dockerfile_wins(tmp_path: Path) -> None:
    app = _tree(tmp_path / "j", "go.mod", ".devcontainer/Dockerfile")
    assert detect_layout(app, "j").dockerfile == "Dockerfile", "no Dockerfile: the name slipway.yaml expects"
    _tree(app, "docker/Dockerfile")
    assert detect_layout(app, "j").dockerfile == "docker/Dockerfile"
    _tree(app, "Dockerfile.release")
    assert detect_layout(app, "j").dockerfile == "Dockerfile.release"
    (app / "Dockerfile").write_text("")
    layout = detect_layout(app, "j")
    assert layout.dockerfile == "Dockerfile"
    assert "build.dockerfile: Dockerfile (also found: Dockerfile.release, docker/Dockerfile)" in layout.found


def test_environment_order() -> None:
    assert environment_order(["prod", "zz", "staging", "dev", "qa"]) == ["dev", "qa", "zz", "staging", "prod"]


def test_the_cli_prints_what_it_found_and_what_is_left(tmp_path: Path) -> None:
    app = _tree(tmp_path / "k", "go.mod", "Dockerfile", "charts/k/Chart.yaml", "charts/k/values-dev.yaml")
    proc = subprocess.run([sys.executable, "-m", "slipway.cli.app", "init"], cwd=app, capture_output=True,
                          text=True, check=False, env=os.environ.copy())  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    lines = proc.stderr.splitlines()
    assert "found: deploy: helm chart charts/k, values dev=charts/k/values-dev.yaml" in lines
    assert any(line.startswith("to do: image.repository:") for line in lines)
    assert any(line.startswith("to do: gitops:") for line in lines)
    assert load_config(app).deploy.values == {"dev": "charts/k/values-dev.yaml"}
