"""`slipway init`: what it writes, and what it refuses.

GitHub workflows are linted with real actionlint in tests/engine/test_ci_files.py. The GitLab
file is checked against GitLab's documented structure (stages, rules, manual protected prod
job), and its jobs' shell lines run in `sh` with a stub `dagger`; gitlab-ci-local runs the whole
file against the engine and Gitea in tests/engine/test_gitlab_ci_local.py. The Jenkinsfile is
checked for its declarative shape only: no Jenkins runs here, so Groovy syntax and plugin steps
(`withCredentials`, `input`) are not executed.
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


def _secrets(env: dict[str, str]) -> set[str]:
    """The variables of a workflow step's env that come from repository secrets."""
    return {name for name, value in env.items() if "secrets." in value}


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
    assert _secrets(run["env"]) == {"REGISTRY_PASSWORD", "GITOPS_TOKEN"}
    assert set(run["env"]) - _secrets(run["env"]) == {"SLIPWAY_TOOL_IMAGES", "SLIPWAY_FORGE_SERVICE"}

    prod = yaml.safe_load((app / ".github/workflows/promote-prod.yaml").read_text())
    assert prod[True]["workflow_dispatch"]["inputs"]["image_tag"]["required"] is True
    job = prod["jobs"]["promote"]
    assert job["environment"] == "production"
    assert job["steps"][0]["uses"].startswith("actions/checkout@"), "the promotion reads slipway.yaml"
    assert _secrets(job["steps"][-1]["env"]) == {"GITOPS_TOKEN"}, "prod gets no registry credentials"


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


def _gitlab_job(
    app: Path, tmp_path: Path, job: str, variables: dict[str, str], cli_version: str = ""
) -> tuple[subprocess.CompletedProcess[str], list[list[str]]]:
    """Run a job's before_script + script in POSIX sh, as a shell runner would, with a stub `dagger`.

    Returns the shell's result and each `dagger call`'s arguments.
    """
    ci = yaml.safe_load((app / ".gitlab-ci.yml").read_text())
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(parents=True)
    calls = tmp_path / "calls"
    calls.touch()
    stub = bin_dir / "dagger"
    stub.write_text(
        "#!/bin/sh\n"
        'if [ "$1" = version ]; then echo "dagger v$STUB_VERSION (stub) linux/amd64"; exit 0; fi\n'
        'for a in "$@"; do printf "%s\\n" "$a"; done >>"$STUB_CALLS"; echo "--" >>"$STUB_CALLS"\n'
    )
    stub.chmod(0o755)
    env = {"PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}", "STUB_CALLS": str(calls)}
    env |= {"STUB_VERSION": cli_version or ci["variables"]["DAGGER_VERSION"], **ci["variables"]}
    env |= {**ci[".dagger"]["variables"], **variables}
    script = "\n".join([*ci[".dagger"]["before_script"], *ci[job]["script"]])
    proc = subprocess.run(
        ["sh", "-ec", script], cwd=app, env=env, capture_output=True, text=True, check=False
    )
    return proc, [call.splitlines() for call in calls.read_text().split("--\n") if call]


def test_gitlab_module_options_only_when_set(tmp_path: Path) -> None:
    # GitLab.com: the options are empty, so the module gets none; a self-hosted engine sets them,
    # and a value with a space stays one argument.
    app = _go_module(tmp_path / "app")
    assert _slipway(app, "init", "--ci", "gitlab").returncode == 0
    proc, calls = _gitlab_job(app, tmp_path / "hosted", "build-and-propose", {"GITOPS_REPO": "r"})
    assert proc.returncode == 0, proc.stderr
    (hosted,) = calls
    assert hosted[:4] == ["call", "-m", "github.com/slipway-dev/slipway@v0.1.0", "build-and-propose"]
    assert hosted[-1] == "as-json"
    assert not [a for a in hosted if a.startswith(("--tool-images", "--forge-service"))]

    local = {"DAGGER_DIND_IMAGE": "", "SLIPWAY_TOOL_IMAGES": "/c/my tools.json",
             "SLIPWAY_FORGE_SERVICE": "tcp://127.0.0.1:3000"}  # fmt: skip
    proc, calls = _gitlab_job(app, tmp_path / "local", "promote-prod", local)
    assert proc.returncode == 0, proc.stderr
    (prod,) = calls
    assert prod[3:6] == ["--tool-images=/c/my tools.json", "--forge-service=tcp://127.0.0.1:3000", "promote"]


def test_gitlab_refuses_a_dagger_of_another_version(tmp_path: Path) -> None:
    app = _go_module(tmp_path / "app")
    assert _slipway(app, "init", "--ci", "gitlab").returncode == 0
    proc, calls = _gitlab_job(app, tmp_path, "build-and-propose", {}, cli_version="0.0.1")
    assert proc.returncode != 0 and calls == []
    assert "dagger is not v" in proc.stderr
