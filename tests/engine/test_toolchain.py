"""slipway as a Dagger toolchain in a fresh app, through the real `dagger` CLI.

The app holds only a Dockerfile, Go code, a chart and what `slipway init --dagger` writes
(slipway.yaml, .trivyignore, dagger.json with slipway's toolchain, .slipway/). Then
`dagger check -l` lists slipway's checks, `dagger check` runs them, a planted failure fails
exactly its check with the line `slipway check` prints, and `dagger call slipway
build-and-propose` opens the PR. The check job `--ci all` adds to .gitlab-ci.yml runs under
gitlab-ci-local (shell executor, as on a GitLab shell runner) and the check workflow under act
(the job container sees the machine-local `.slipway/` toolchain link, as a self-hosted runner's
checkout would: act is told not to drop git-ignored files). Without an engine: skip locally, FAIL under CI=true.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from ci_apps import Act, act_mounts, ci_tool

from apps import EXAMPLES, git, registry_digest
from conftest import ROOT, Forge, GitopsRepo
from slipway.engine.settings import EngineSettings

pytestmark = [pytest.mark.engine, pytest.mark.timeout(1800)]

CHECKS = ["slipway:config", "slipway:scan", "slipway:test", "slipway:validate"]
APP_FILES = ("Dockerfile", ".dockerignore", "go.mod", "main.go", "main_test.go", "internal", "chart")
_REPORT_LINE = re.compile(r"^[✔✘] (slipway:[a-z]+) .*\b(OK|ERROR)$")


def _env(extra: dict[str, str] | None = None) -> dict[str, str]:
    settings = EngineSettings.from_env()
    # tests/conftest.py sets DAGGER_MODULE for in-process module tests; the CLI would load that one.
    inherited = {k: v for k, v in os.environ.items() if k != "DAGGER_MODULE"}
    return {**inherited, **settings.client_env(), "NO_COLOR": "1", **(extra or {})}


def dagger(app: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """The dagger CLI in the app directory (its dagger.json is the module)."""
    cli = str(EngineSettings.from_env().cli_bin)
    return subprocess.run([cli, *args], cwd=app, capture_output=True, text=True, env=_env(env), check=False,
                          timeout=1500)  # fmt: skip


def slipway(app: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The slipway CLI in the app directory, on the same engine."""
    return subprocess.run([sys.executable, "-m", "slipway.cli.app", *args], cwd=app, capture_output=True,
                          text=True, env=_env(), check=False, timeout=1500)  # fmt: skip


def check_results(proc: subprocess.CompletedProcess[str]) -> dict[str, str]:
    """Each check's outcome (OK | ERROR) from `dagger --progress=report check`."""
    out = {}
    for line in (proc.stdout + proc.stderr).splitlines():
        if m := _REPORT_LINE.match(line.strip()):
            out[m.group(1)] = m.group(2)
    return out


def run_checks(app: Path) -> subprocess.CompletedProcess[str]:
    return dagger(app, "--progress=report", "check")


@pytest.fixture(scope="module")
def toolchain_app(engine: EngineSettings, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh git-tracked app where `slipway init --dagger` installed this checkout as toolchain."""
    app = tmp_path_factory.mktemp("toolchain") / "web-api"
    app.mkdir()
    for name in APP_FILES:
        src = EXAMPLES / "web-api" / name
        (shutil.copytree if src.is_dir() else shutil.copy2)(src, app / name)
    registry = f"localhost:{engine.registry_port}/slipway-test-{uuid.uuid4().hex[:10]}"
    proc = slipway(app, "init", "--dagger", "--ci", "all", "--module", str(ROOT), "--registry", registry)
    assert proc.returncode == 0, proc.stderr
    assert json.loads((app / "dagger.json").read_text())["toolchains"] == [
        {"name": "slipway", "source": ".slipway/toolchain"}
    ]
    git(app, "init", "-q", "-b", "main")
    git(app, "-c", "user.name=t", "-c", "user.email=t@example.com", "add", "-A")
    git(app, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", "app")
    assert ".slipway/" not in git(app, "ls-files"), ".slipway/ is machine-local"
    return app


def test_dagger_check_lists_and_passes_slipways_checks(toolchain_app: Path) -> None:
    listed = dagger(toolchain_app, "check", "-l")
    assert listed.returncode == 0, listed.stderr[-3000:]
    names = [line.split()[0] for line in listed.stdout.splitlines()[1:] if line.strip()]
    assert names == CHECKS, listed.stdout

    proc = run_checks(toolchain_app)
    assert proc.returncode == 0, (proc.stdout + proc.stderr)[-4000:]
    assert check_results(proc) == dict.fromkeys(CHECKS, "OK")


@contextlib.contextmanager
def planted(app: Path, rel: str, edit: Callable[[str], str]) -> Iterator[None]:
    """`rel` edited for the duration (the shared app is restored afterwards)."""
    target = app / rel
    original = target.read_text()
    edited = edit(original)
    assert edited != original, f"the edit of {rel} changed nothing"
    target.write_text(edited)
    try:
        yield
    finally:
        target.write_text(original)


_VULNERABLE = (
    "USER root\nRUN apt-get update -qq && apt-get install -y -qq --no-install-recommends libexpat1 "
    "&& rm -rf /var/lib/apt/lists/*\nUSER 65532:65532\nEXPOSE 8080"
)
PLANTS = {
    "test": (
        "internal/server/server_test.go",
        lambda t: t.replace(
            "func TestHealthz(t *testing.T) {",
            'func TestHealthz(t *testing.T) {\n\tt.Fatalf("planted failure: want %d", 42)',
        ),
        "TestHealthz",
    ),
    "scan": (
        "Dockerfile",
        lambda t: t.replace("USER 65532:65532\nEXPOSE 8080", _VULNERABLE),
        "CVE-2099-0001 (HIGH) in libexpat1",
    ),
    "validate": (
        "chart/templates/deployment.yaml",
        lambda t: t.replace(
            "      automountServiceAccountToken: false",
            "      automountServiceAccountToken: false\n      colour: blue",
        ),
        "colour",
    ),
}


@pytest.mark.parametrize("check", list(PLANTS))
def test_a_planted_failure_fails_exactly_its_check_with_the_clis_reason(
    toolchain_app: Path, check: str
) -> None:
    rel, edit, named = PLANTS[check]
    with planted(toolchain_app, rel, edit):
        proc = run_checks(toolchain_app)
        cli = slipway(toolchain_app, "check", check)
    output = proc.stdout + proc.stderr
    assert proc.returncode != 0, output[-4000:]
    assert check_results(proc) == {name: "ERROR" if name == f"slipway:{check}" else "OK" for name in CHECKS}
    # The reason: the same lines `slipway check` prints as `error: ...`, after dagger's FunctionError.
    assert cli.returncode == 1, cli.stderr[-3000:]
    reasons = [line.removeprefix("error: ") for line in cli.stderr.splitlines() if line.startswith("error: ")]
    assert reasons and all(r.startswith(f"{check}: ") for r in reasons), cli.stderr[-3000:]
    assert all(named in r for r in reasons), reasons
    # Several failures (validate: one per environment) come in the order they finished, which
    # may differ between the two runs: the first follows FunctionError, the others the next lines.
    first = re.search(r"! FunctionError: (.*)", output)
    assert first is not None and first.group(1) in reasons, output[-4000:]
    for reason in reasons:
        assert reason in output
    assert "Traceback" not in output


def test_dagger_call_slipway_build_and_propose_from_the_app(
    toolchain_app: Path, forge: Forge, gitops_repo: GitopsRepo
) -> None:
    rev = git(toolchain_app, "rev-parse", "HEAD")
    created = git(toolchain_app, "log", "-1", "--format=%cI")
    proc = dagger(
        toolchain_app, "call", "slipway", "--forge-service", f"tcp://{forge.url.split('//')[1]}",
        "build-and-propose", "--revision", rev, "--created", created,
        "--source-url", "https://git.example.com/acme/web-api",
        "--gitops-repo", gitops_repo.url, "--gitops-token", f"env:{forge.token_env}", "as-json",
        env={forge.token_env: forge.token},
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-4000:]
    out = json.loads(proc.stdout)
    repository = re.search(r"repository: (\S+)", (toolchain_app / "slipway.yaml").read_text())
    assert repository is not None
    repo_path = repository.group(1).split("/", 1)[1]
    assert out["image"].startswith(f"{repository.group(1)}:{rev}@sha256:")
    assert out["digest"] == registry_digest(repo_path, rev)
    assert out["pr_url"].startswith(f"{forge.url}/slipway/{gitops_repo.name}/pulls/")


def test_gitlab_check_job_runs_dagger_check_under_gitlab_ci_local(
    toolchain_app: Path, engine_settings: EngineSettings, tmp_path: Path
) -> None:
    """The `check` job of the app's .gitlab-ci.yml, run by gitlab-ci-local in the checkout."""
    assert "dagger check" in (toolchain_app / ".gitlab-ci.yml").read_text()
    tool = ci_tool(engine_settings, "gitlab-ci-local")
    env = _env({"PATH": f"{engine_settings.cli_bin.parent}{os.pathsep}{os.environ.get('PATH', '')}"})
    proc = subprocess.run(
        [str(tool), "check", "--force-shell-executor", "--no-color",
         # Outside the checkout, so gitlab-ci-local's state never becomes part of the checks' source.
         "--state-dir", os.path.relpath(tmp_path / "gcl-state", toolchain_app),
         "--home", str(tmp_path / "gcl-home"),
         "--variable", "DAGGER_DIND_IMAGE=",
         "--variable", f"SLIPWAY_TOOL_IMAGES={engine_settings.cache_dir / 'tool-images.json'}"],
        cwd=toolchain_app, env=env, capture_output=True, text=True, check=False, timeout=1500,
    )  # fmt: skip
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out[-6000:]
    assert re.search(r"PASS\s+check", out), out[-3000:]
    assert "build-and-propose" not in out, "only the named job runs"


def test_github_check_workflow_runs_dagger_check_under_act(
    toolchain_app: Path, engine_settings: EngineSettings, tmp_path: Path
) -> None:
    """The app's .github/workflows/check.yaml on a push, run by act in a local job container."""
    tool_images, mounts = act_mounts(engine_settings, tmp_path)
    runner = Act(ci_tool(engine_settings, "act"), toolchain_app, tmp_path, {},
                 {"SLIPWAY_TOOL_IMAGES": str(tool_images)}, mounts)  # fmt: skip
    proc = runner.run("push", "-W", ".github/workflows/check.yaml", "--use-gitignore=false")
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out[-6000:]
    assert "[check/check] 🏁  Job succeeded" in out, out[-3000:]
    assert "build-and-propose" not in out, "only the check workflow runs"
