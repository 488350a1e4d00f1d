"""`slipway init --dagger`: the toolchain install, against a fake `dagger` that records its calls.

The real `dagger init` / `dagger toolchain install` / `dagger check` run in
tests/engine/test_toolchain.py; here: which commands run, in what order, what is linked and
copied, that a rerun changes nothing, and the CI files' `dagger check` jobs.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import yaml

FAKE_DAGGER = """#!/usr/bin/env python3
import json, os, sys
from pathlib import Path
args = [a for a in sys.argv[1:] if a not in ("--progress", "plain")]
assert "DAGGER_MODULE" not in os.environ, "the CLI would act on $DAGGER_MODULE, not the app"
with open(os.environ["FAKE_DAGGER_LOG"], "a") as log:
    log.write(" ".join(args) + "\\n")
if os.environ.get("FAKE_DAGGER_FAIL") and args[:1] == ["toolchain"]:
    sys.stderr.write("1 : toolchain install ERROR\\nError: failed to install toolchain: nope\\n")
    sys.exit(1)
cfg = Path("dagger.json")
if args == ["init"]:
    cfg.write_text(json.dumps({"name": Path.cwd().name, "engineVersion": "v0.19.10"}))
elif args[:2] == ["toolchain", "install"]:
    data = json.loads(cfg.read_text())
    data.setdefault("toolchains", []).append({"name": "slipway", "source": args[2].removeprefix("./")})
    cfg.write_text(json.dumps(data))
"""


def _app(tmp_path: Path) -> Path:
    app = tmp_path / "shop-api"
    app.mkdir()
    (app / "go.mod").write_text("module example.com/shop\n\ngo 1.26\n")
    return app


def _module(tmp_path: Path) -> Path:
    mod = tmp_path / "slipway-checkout"
    mod.mkdir()
    (mod / "dagger.json").write_text('{"name": "slipway"}')
    return mod


def _init(app: Path, tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    fake = tmp_path / "fake-dagger"
    fake.write_text(FAKE_DAGGER)
    fake.chmod(0o755)
    table = tmp_path / "tool-images.json"
    if not table.exists():
        table.write_text('{"trivy": "localhost:5000/slipway-tools/trivy:v0.74.0"}')
    full_env = {
        **os.environ, "_EXPERIMENTAL_DAGGER_CLI_BIN": str(fake), "FAKE_DAGGER_LOG": str(tmp_path / "calls"),
        "SLIPWAY_TOOL_IMAGES": str(table), "DAGGER_MODULE": "elsewhere", **env,
    }  # fmt: skip
    return subprocess.run([sys.executable, "-m", "slipway.cli.app", "init", *args], cwd=app, env=full_env,
                          capture_output=True, text=True, check=False)  # fmt: skip


def _calls(tmp_path: Path) -> list[str]:
    log = tmp_path / "calls"
    return log.read_text().splitlines() if log.exists() else []


def test_local_checkout_is_linked_installed_and_given_the_tool_table(tmp_path: Path) -> None:
    app, mod = _app(tmp_path), _module(tmp_path)
    proc = _init(app, tmp_path, "--dagger", "--module", str(mod))
    assert proc.returncode == 0, proc.stderr
    assert _calls(tmp_path) == ["init", "toolchain install ./.slipway/toolchain"]
    link = app / ".slipway" / "toolchain"
    assert link.is_symlink() and link.resolve() == mod.resolve()
    assert (app / ".slipway" / "tool-images.json").read_text() == (tmp_path / "tool-images.json").read_text()
    assert (app / ".slipway" / ".gitignore").read_text().splitlines()[-1] == "*"
    assert json.loads((app / "dagger.json").read_text())["toolchains"] == [
        {"name": "slipway", "source": ".slipway/toolchain"}
    ]
    assert (app / "slipway.yaml").is_file() and (app / ".trivyignore").is_file()
    assert "dagger check" in proc.stderr

    # A rerun keeps slipway.yaml, finds the toolchain installed and runs no dagger command.
    (app / "slipway.yaml").write_text((app / "slipway.yaml").read_text() + "# mine\n")
    again = _init(app, tmp_path, "--dagger", "--module", str(mod))
    assert again.returncode == 0, again.stderr
    assert _calls(tmp_path) == ["init", "toolchain install ./.slipway/toolchain"]
    assert (app / "slipway.yaml").read_text().endswith("# mine\n")


def test_git_reference_is_installed_as_it_is(tmp_path: Path) -> None:
    app = _app(tmp_path)
    proc = _init(app, tmp_path, "--dagger", "--module", "github.com/acme/slipway@v0.1.0")
    assert proc.returncode == 0, proc.stderr
    assert _calls(tmp_path) == ["init", "toolchain install github.com/acme/slipway@v0.1.0"]
    assert not (app / ".slipway" / "toolchain").exists()


def test_a_directory_that_is_no_module_is_refused(tmp_path: Path) -> None:
    app = _app(tmp_path)
    proc = _init(app, tmp_path, "--dagger", "--module", str(tmp_path))
    assert proc.returncode == 2
    assert (
        proc.stderr.strip()
        == f"error: init: {tmp_path} is a directory without a dagger.json (not slipway's module)"
    )
    assert _calls(tmp_path) == ["init"]


def test_a_failing_dagger_command_is_one_line(tmp_path: Path) -> None:
    app, mod = _app(tmp_path), _module(tmp_path)
    proc = _init(app, tmp_path, "--dagger", "--module", str(mod), FAKE_DAGGER_FAIL="1")
    assert proc.returncode == 1
    [line] = [ln for ln in proc.stderr.splitlines() if ln.startswith("error:")]
    assert line == (
        f"error: engine: `dagger toolchain install ./.slipway/toolchain` failed in {app}: "
        "Error: failed to install toolchain: nope"
    )
    assert "Traceback" not in proc.stderr


def test_ci_files_with_dagger_run_dagger_check_on_every_push(tmp_path: Path) -> None:
    app, mod = _app(tmp_path), _module(tmp_path)
    assert _init(app, tmp_path, "--dagger", "--module", str(mod), "--ci", "all").returncode == 0

    check = yaml.safe_load((app / ".github/workflows/check.yaml").read_text())
    assert set(check[True]) == {"push", "pull_request"}  # YAML 1.1 reads `on` as True
    assert check["jobs"]["check"]["steps"][-1]["run"].splitlines()[-1] == "dagger check"
    assert "@@" not in yaml.safe_dump(check)

    gitlab = yaml.safe_load((app / ".gitlab-ci.yml").read_text())
    job = gitlab["check"]
    assert job["extends"] == ".dagger" and job["stage"] in gitlab["stages"]
    assert job["script"][-1] == "dagger check"
    assert {"if": "$CI_COMMIT_BRANCH"} in job["rules"]
    assert gitlab["build-and-propose"]["rules"] == [{"if": "$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH"}]

    jenkins = (app / "Jenkinsfile").read_text()
    assert (
        jenkins.index("stage('Check')")
        < jenkins.index("sh 'dagger check'")
        < jenkins.index("stage('Build and propose')")
    )
    assert jenkins.count("{") == jenkins.count("}") and "@@" not in jenkins


def test_ci_files_without_dagger_have_no_check_job(tmp_path: Path) -> None:
    app = _app(tmp_path)
    assert _init(app, tmp_path, "--ci", "all").returncode == 0
    assert not (app / ".github/workflows/check.yaml").exists()
    assert "check" not in yaml.safe_load((app / ".gitlab-ci.yml").read_text())
    jenkins = (app / "Jenkinsfile").read_text()
    assert "dagger check" not in jenkins and "@@" not in jenkins
    assert _calls(tmp_path) == []
