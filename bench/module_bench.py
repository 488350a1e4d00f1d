"""`dagger call` against `slipway run`, on the same warm engine, in one run.

- module_load_cold_s: the first `dagger call version` after the module changed (a docstring
  edited in a temporary copy of the module), which is what a CI run pays;
- module_load_warm_s: the same call again;
- call_build_warm_s vs cli_build_warm_s: the whole gated build (test, build, scan, render,
  validate, publish) of one source, warm (median of 3 each), through `dagger call publish` and `slipway run build`;
- check_warm_s vs cli_check_warm_s: slipway's checks (config, test, scan, validate of every
  environment; nothing published) on an unchanged app, warm, through `dagger check` (slipway
  installed as the app's toolchain by `slipway init --dagger`) and `slipway check` (the same
  gates from the CLI); check_cold_s is the first `dagger check` (module load and gates),
  cli_check_after_dagger_check_s the first `slipway check` after it (what the CLI reuses).

`module_bench.py checks` runs only the checks part and updates those keys in module.json.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

from common import RESULTS, ROOT, app_copy, write_result

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


def _timed(argv: list[str], cwd: Path | None = None) -> float:
    env = {**os.environ, **SETTINGS.client_env()}
    start = time.monotonic()
    proc = subprocess.run(argv, cwd=cwd, capture_output=True, text=True, env=env, check=False, timeout=1800)
    took = time.monotonic() - start
    if proc.returncode != 0:
        raise SystemExit(f"bench: {' '.join(argv[:6])} failed: {proc.stderr[-2000:]}")
    return took


def _median(argv: list[str], cwd: Path, runs: int = 3) -> float:
    return statistics.median(_timed(argv, cwd) for _ in range(runs))


def checks() -> dict[str, Any]:
    """`dagger check` (the toolchain) against `slipway check`, both warm on an unchanged app."""
    with tempfile.TemporaryDirectory() as tmp:
        app = app_copy(Path(tmp), "web-api")
        cli = [sys.executable, "-m", "slipway.cli.app"]
        _timed([*cli, "init", "--dagger", "--module", str(ROOT)], app)
        check = [str(SETTINGS.cli_bin), "--progress", "plain", "check"]
        cold = _timed(check, app)
        cli_first = _timed([*cli, "check"], app)  # after dagger check: what the CLI reuses of it
        warm = _median(check, app)
        cli_warm = _median([*cli, "check"], app)
    return {
        "check_cold_s": round(cold, 2),
        "cli_check_after_dagger_check_s": round(cli_first, 2),
        "check_warm_s": round(warm, 2),
        "cli_check_warm_s": round(cli_warm, 2),
        "check_over_cli": round(warm / cli_warm, 3),
    }


def calls() -> dict[str, Any]:
    """Module load cold and warm, and `dagger call publish` against `slipway run build`, warm."""
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
        cli_warm = _median(cli, app)
        call_warm = _median(publish, app)
    return {
        "module_load_cold_s": round(cold, 2),
        "module_load_warm_s": round(warm, 2),
        "call_build_warm_s": round(call_warm, 2),
        "cli_build_warm_s": round(cli_warm, 2),
        "call_over_cli_build_warm": round(call_warm / cli_warm, 3),
    }


def main(parts: list[str]) -> None:
    """Run the named parts (calls, checks; default both); keep module.json's other keys."""
    path = RESULTS / "module.json"
    data: dict[str, Any] = json.loads(path.read_text()) if path.is_file() else {}
    goals = data.pop("goals", {})
    for part in parts or ["calls", "checks"]:
        data.update({"calls": calls, "checks": checks}[part]())
    goals.update({"call_over_cli_build_warm": 1.5, "check_over_cli": 1.5})
    write_result("module", {**data, "goals": goals})


if __name__ == "__main__":
    main(sys.argv[1:])
