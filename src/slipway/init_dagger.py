"""`slipway init --dagger`: make an app a Dagger module with slipway installed as its toolchain.

Afterwards `dagger check` runs slipway's checks on the app and `dagger call slipway ...` its
functions. What it does, in the app directory:

1. `dagger init` (a module with no SDK of its own) unless there is a dagger.json already;
2. `dagger toolchain install <module>`. Dagger 0.19 installs a local toolchain only from inside the
   app's context directory (its git checkout), so a local slipway checkout is linked in as
   `.slipway/toolchain` first; a git reference is installed as it is;
3. a copy of this machine's tool-image table (`make engine`'s, for an air-gapped engine) as
   `.slipway/tool-images.json`, which the toolchain reads from the project, since it runs in a
   container and cannot read the host's cache.

`.slipway/` is machine-local (a `.gitignore` in it says so) and never part of the app's source.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

from slipway.errors import ConfigError, EngineError
from slipway.tool_images import PROJECT_TOOL_IMAGES, local_table_path

__all__ = ["TOOLCHAIN_LINK", "TOOLCHAIN_NAME", "dagger_cli", "init_dagger"]

TOOLCHAIN_NAME = "slipway"
TOOLCHAIN_LINK = ".slipway/toolchain"


def dagger_cli() -> tuple[str, dict[str, str]]:
    """The Dagger CLI and the environment that points it at the engine (as `slipway run` does)."""
    from slipway.engine.connection import point_client_at_engine

    point_client_at_engine()
    cli = os.environ["_EXPERIMENTAL_DAGGER_CLI_BIN"]
    if not Path(cli).is_file():
        cli = shutil.which("dagger") or ""
    if not cli:
        msg = "could not run dagger: no Dagger CLI (run `make engine`, or install dagger)"
        raise EngineError(msg)
    # DAGGER_MODULE would make the CLI act on that module instead of the app in the working directory.
    env = {k: v for k, v in os.environ.items() if k != "DAGGER_MODULE"}
    return cli, env


def _dagger(app_dir: Path, *args: str) -> str:
    cli, env = dagger_cli()
    proc = subprocess.run(
        [cli, *args, "--progress", "plain"], cwd=app_dir, capture_output=True, text=True,
        env={**env, "NO_COLOR": "1"}, check=False, timeout=600,
    )  # fmt: skip
    if proc.returncode != 0:
        lines = [ln.strip() for ln in proc.stderr.splitlines() if ln.strip().startswith("Error:")]
        why = lines[-1] if lines else (proc.stderr.strip().splitlines() or ["no output"])[-1]
        raise EngineError(f"`dagger {' '.join(args)}` failed in {app_dir}: {why}")
    return proc.stdout


def _installed_toolchains(app_dir: Path) -> dict[str, str]:
    """Name -> source of the toolchains the app's dagger.json lists."""
    config = json.loads((app_dir / "dagger.json").read_text())
    return {str(t.get("name")): str(t.get("source")) for t in config.get("toolchains") or []}


def _toolchain_source(app_dir: Path, module: str) -> tuple[str, list[Path]]:
    """What to pass to `dagger toolchain install`, and the files written to make it installable."""
    local = Path(module).expanduser()
    if not local.is_dir():
        return module, []  # a git reference: dagger fetches it
    if not (local / "dagger.json").is_file():
        raise ConfigError(f"init: {local} is a directory without a dagger.json (not slipway's module)")
    link = app_dir / TOOLCHAIN_LINK
    target = local.resolve()
    if link.is_symlink() and link.resolve() == target:
        return f"./{TOOLCHAIN_LINK}", []
    if link.exists() or link.is_symlink():
        raise ConfigError(f"init: {link} exists and is not a link to {target} (remove it)")
    link.symlink_to(target, target_is_directory=True)
    return f"./{TOOLCHAIN_LINK}", [link]


def init_dagger(app_dir: Path, module: str) -> list[str]:
    """Set the app up as a Dagger module with slipway as its toolchain; return what was done."""
    app_dir = app_dir.resolve()
    done = []
    state = app_dir / ".slipway"
    state.mkdir(exist_ok=True)
    ignore = state / ".gitignore"
    if not ignore.exists():
        ignore.write_text("# machine-local: the toolchain link and this machine's tool-image table\n*\n")
        done.append(f"wrote {ignore}")
    table = local_table_path()
    if table.is_file():
        shutil.copyfile(table, app_dir / PROJECT_TOOL_IMAGES)
        done.append(f"wrote {app_dir / PROJECT_TOOL_IMAGES} (from {table})")
    if not (app_dir / "dagger.json").is_file():
        _dagger(app_dir, "init")
        done.append(f"ran dagger init in {app_dir}")
    source, written = _toolchain_source(app_dir, module)
    done += [f"linked {p} -> {p.resolve()}" for p in written]
    if _installed_toolchains(app_dir).get(TOOLCHAIN_NAME) != source.removeprefix("./"):
        _dagger(app_dir, "toolchain", "install", source)
        done.append(f"ran dagger toolchain install {source}")
    installed = _installed_toolchains(app_dir)
    if TOOLCHAIN_NAME not in installed:
        msg = f"dagger.json in {app_dir} lists no {TOOLCHAIN_NAME!r} toolchain after the install"
        raise EngineError(msg)
    return done
