"""`slipway init`: what it writes, and what it refuses.

GitHub workflows are linted with real actionlint in tests/engine/test_ci_files.py. The GitLab
file is checked against GitLab's documented structure (stages, rules, manual protected prod
job). The Jenkinsfile is checked for its declarative shape only: no Jenkins runs here, so
Groovy syntax and plugin steps (`withCredentials`, `input`) are not executed.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import yaml

from slipway.config import load_config


def _slipway(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "slipway.cli.app", *args], cwd=cwd,
                          capture_output=True, text=True, check=False, env=os.environ.copy())  # fmt: skip


def _go_module(tmp_path: Path) -> Path:
    tmp_path.mkdir(parents=True, exist_ok=True)
    (tmp_path / "go.mod").write_text("module example.com/shop\n\ngo 1.26\n")
    return tmp_path


def test_init_all_writes_config_and_ci_files(tmp_path: Path) -> None:
    app = _go_module(tmp_path / "shop-api")
    proc = _slipway(app, "init", "--ci", "all", "--registry", "registry.example.com/team")
    assert proc.returncode == 0, proc.stderr
    for rel in (
        "slipway.yaml",
        ".github/workflows/build.yaml",
        ".github/workflows/promote-prod.yaml",
        ".gitlab-ci.yml",
        "Jenkinsfile",
    ):
        assert (app / rel).is_file(), rel
    cfg = load_config(app)
    assert (cfg.app, cfg.toolchain, cfg.repository) == (
        "shop-api",
        "go",
        "registry.example.com/team/shop-api",
    )
    assert cfg.environment("prod").protected

    build = yaml.safe_load((app / ".github/workflows/build.yaml").read_text())
    assert build[True]["push"]["branches"] == ["main"]  # YAML 1.1 reads the `on` key as True
    run = build["jobs"]["build-and-propose"]["steps"][-1]
    assert "dagger call" in run["run"] and "build-and-propose" in run["run"]
    assert set(run["env"]) == {"REGISTRY_PASSWORD", "GITOPS_TOKEN"}

    prod = yaml.safe_load((app / ".github/workflows/promote-prod.yaml").read_text())
    assert prod[True]["workflow_dispatch"]["inputs"]["image_tag"]["required"] is True
    job = prod["jobs"]["promote"]
    assert job["environment"] == "production"
    assert set(job["steps"][-1]["env"]) == {"GITOPS_TOKEN", "IMAGE_TAG"}, "prod gets no registry credentials"


def test_gitlab_structure(tmp_path: Path) -> None:
    app = _go_module(tmp_path)
    assert _slipway(app, "init", "--ci", "gitlab").returncode == 0
    ci = yaml.safe_load((app / ".gitlab-ci.yml").read_text())
    assert ci["stages"] == ["build", "promote"]
    build, prod = ci["build-and-propose"], ci["promote-prod"]
    assert build["stage"] == "build" and prod["stage"] == "promote"
    assert prod["rules"] == [{"if": "$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH", "when": "manual"}]
    assert prod["environment"]["name"] == "production"
    assert prod["needs"] == ["build-and-propose"]
    assert "REGISTRY_PASSWORD" not in " ".join(prod["script"])


def test_jenkinsfile_has_an_input_step_before_prod(tmp_path: Path) -> None:
    app = _go_module(tmp_path)
    assert _slipway(app, "init", "--ci", "jenkins").returncode == 0
    text = (app / "Jenkinsfile").read_text()
    prod = text.index("stage('Promote to prod')")
    assert text.index("input {", prod) < text.index("dagger call", prod)
    assert "registry" not in text[prod:], "the prod stage must not receive registry credentials"
    assert text.count("{") == text.count("}")


def test_init_refuses_to_overwrite_without_force(tmp_path: Path) -> None:
    app = _go_module(tmp_path)
    (app / "slipway.yaml").write_text("# mine\n")
    proc = _slipway(app, "init")
    assert proc.returncode == 2
    assert "already exist" in proc.stderr and "--force" in proc.stderr
    assert (app / "slipway.yaml").read_text() == "# mine\n"
    assert _slipway(app, "init", "--force").returncode == 0
    assert (app / "slipway.yaml").read_text() != "# mine\n"


def test_init_needs_a_go_or_npm_app(tmp_path: Path) -> None:
    proc = _slipway(tmp_path, "init")
    assert proc.returncode == 2
    assert "neither go.mod nor package.json" in proc.stderr
    assert not (tmp_path / "slipway.yaml").exists()


def test_ci_files_pass_commit_time_and_source_url_from_the_ci(tmp_path: Path) -> None:
    # The module refuses to build without them: each CI gives its own commit time and repository URL.
    app = _go_module(tmp_path)
    assert _slipway(app, "init", "--ci", "all").returncode == 0
    expected = {
        ".github/workflows/build.yaml": (
            '--created="${{ github.event.head_commit.timestamp }}"',
            '--source-url="${{ github.server_url }}/${{ github.repository }}"',
        ),
        ".gitlab-ci.yml": ('--created="$CI_COMMIT_TIMESTAMP"', '--source-url="$CI_PROJECT_URL"'),
        "Jenkinsfile": ('--created="$(git log -1 --format=%cI)"', '--source-url="$GIT_URL"'),
    }
    for rel, flags in expected.items():
        text = (app / rel).read_text()
        assert text.count("build-and-propose") >= 1, rel
        for flag in flags:
            assert flag in text, f"{rel}: {flag}"
