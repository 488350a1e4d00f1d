"""`dagger call` against `slipway run`, on the same warm engine, in one run.

- module_load_cold_s: the first `dagger call version` after the module changed (a docstring
  edited in a temporary copy of the module), which is what a CI run pays;
- module_load_warm_s: the same call again;
- call_build_warm_s vs cli_build_warm_s: the whole gated build (test, build, scan, render,
  validate, publish) of one source, warm, through `dagger call publish` and `slipway run build`.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from common import ROOT, app_copy, write_result

from slipway.engine.settings import EngineSettings
from slipway.source import source_info

SETTINGS = EngineSettings.from_env()


def _module_copy(workdir: Path) -> Path:
    """The module (dagger.json and what it includes) with a changed docstring: a cold load."""
    mod = workdir / "module"
    mod.mkdir()
    for name in ("dagger.json", "pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, mod / name)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".venv", "sdk")
    shutil.copytree(ROOT / "dagger", mod / "dagger", ignore=ignore)
    shutil.copytree(ROOT / "src" / "slipway", mod / "src" / "slipway", ignore=ignore)
    main = mod / "dagger" / "src" / "slipway_module" / "main.py"
    main.write_text(main.read_text().replace('"""The module', f'"""(bench {uuid.uuid4().hex}) The module', 1))
    return mod


def _timed(argv: list[str]) -> float:
    env = {**os.environ, **SETTINGS.client_env()}
    start = time.monotonic()
    proc = subprocess.run(argv, capture_output=True, text=True, env=env, check=False, timeout=1800)
    took = time.monotonic() - start
    if proc.returncode != 0:
        raise SystemExit(f"bench: {' '.join(argv[:6])} failed: {proc.stderr[-2000:]}")
    return took


def main() -> None:
    dagger = str(SETTINGS.cli_bin)
    tools = str(SETTINGS.cache_dir / "tool-images.json")
    with tempfile.TemporaryDirectory() as tmp:
        mod = _module_copy(Path(tmp))
        app = app_copy(Path(tmp), "web-api")
        info = source_info(app)
        call = [dagger, "call", "-m", str(mod), "--progress", "plain"]
        cold = _timed([*call, "version"])
        warm = _timed([*call, "version"])
        publish = [*call, "--tool-images", tools, "publish", "--source", str(app), "--revision",
                   info.revision, "--created", info.created, "--source-url", info.url]  # fmt: skip
        cli = [sys.executable, "-m", "slipway.cli.app", "run", "build", "--source", str(app)]
        _timed(cli)  # fill the cache for this source once, then time each path warm
        _timed(publish)
        cli_warm = _timed(cli)
        call_warm = _timed(publish)
    write_result(
        "module",
        {
            "module_load_cold_s": round(cold, 2),
            "module_load_warm_s": round(warm, 2),
            "call_build_warm_s": round(call_warm, 2),
            "cli_build_warm_s": round(cli_warm, 2),
            "call_over_cli_build_warm": round(call_warm / cli_warm, 3),
            "goals": {"call_over_cli_build_warm": 1.5},
        },
    )


if __name__ == "__main__":
    main()
