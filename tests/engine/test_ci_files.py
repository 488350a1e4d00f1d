"""Generated GitHub workflows pass real actionlint (built from the Go proxy by `make engine`)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from slipway.engine.settings import EngineSettings

pytestmark = pytest.mark.engine


def test_actionlint_passes_on_generated_workflows(engine_settings: EngineSettings, tmp_path: Path) -> None:
    actionlint = engine_settings.cache_dir / "tools" / "bin" / "actionlint"
    assert actionlint.is_file(), "run `make engine` (it builds actionlint)"
    (tmp_path / "package.json").write_text('{"name": "ui", "private": true}\n')
    proc = subprocess.run([sys.executable, "-m", "slipway.cli.app", "init", "--ci", "github"], cwd=tmp_path,
                          capture_output=True, text=True, check=False, env=os.environ.copy())  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    workflows = sorted(str(p) for p in (tmp_path / ".github" / "workflows").glob("*.yaml"))
    assert len(workflows) == 2
    lint = subprocess.run([str(actionlint), *workflows], capture_output=True, text=True, check=False)
    assert lint.returncode == 0, lint.stdout + lint.stderr
    # actionlint really checks: a broken expression must fail.
    broken = Path(workflows[0])
    broken.write_text(broken.read_text().replace("${{ github.sha }}", "${{ github.sha "))
    assert subprocess.run([str(actionlint), str(broken)], capture_output=True, check=False).returncode == 1


def test_actionlint_passes_on_the_dagger_check_workflow(
    engine_settings: EngineSettings, tmp_path: Path
) -> None:
    from slipway.init_files import init_app

    actionlint = engine_settings.cache_dir / "tools" / "bin" / "actionlint"
    assert actionlint.is_file(), "run `make engine` (it builds actionlint)"
    (tmp_path / "go.mod").write_text("module example.com/shop\n\ngo 1.26\n")
    written = init_app(tmp_path, "github", registry="ghcr.io/acme", dagger=True)
    check = tmp_path / ".github" / "workflows" / "check.yaml"
    assert check in written
    lint = subprocess.run([str(actionlint), str(check)], capture_output=True, text=True, check=False)
    assert lint.returncode == 0, lint.stdout + lint.stderr
