"""`slipway init`: slipway.yaml and CI files (GitHub Actions, GitLab CI, Jenkins) for an app."""

from __future__ import annotations

import importlib.resources
import re
from pathlib import Path

from slipway.engine.settings import sdk_version
from slipway.errors import ConfigError

__all__ = ["CI_FILES", "DEFAULT_MODULE", "init_app"]

DEFAULT_MODULE = "github.com/slipway-dev/slipway@v0.1.0"
CI_FILES = {
    "github": {
        ".github/workflows/build.yaml": "github-build.yaml",
        ".github/workflows/promote-prod.yaml": "github-promote-prod.yaml",
    },
    "gitlab": {".gitlab-ci.yml": "gitlab-ci.yml"},
    "jenkins": {"Jenkinsfile": "Jenkinsfile"},
}


def _toolchain(app_dir: Path) -> str:
    if (app_dir / "go.mod").is_file():
        return "go"
    if (app_dir / "package.json").is_file():
        return "npm"
    msg = f"init: {app_dir} has neither go.mod nor package.json (slipway supports Go and npm apps)"
    raise ConfigError(msg)


def _app_name(app_dir: Path) -> str:
    name = re.sub(r"[^a-z0-9-]+", "-", app_dir.resolve().name.lower()).strip("-")
    return name[:63] or "app"


def init_app(
    app_dir: Path, ci: str, *, registry: str, module: str = DEFAULT_MODULE, force: bool = False
) -> list[Path]:
    """Write slipway.yaml and the chosen CI files; refuse to overwrite unless `force`."""
    if not app_dir.is_dir():
        raise ConfigError(f"init: directory {app_dir} does not exist")
    systems = list(CI_FILES) if ci == "all" else [ci] if ci else []
    unknown = [s for s in systems if s not in CI_FILES]
    if unknown:
        raise ConfigError(f"init: unknown --ci {unknown[0]!r} (use github, gitlab, jenkins or all)")
    toolchain = _toolchain(app_dir)
    app = _app_name(app_dir)
    files = {"slipway.yaml": "slipway.yaml"}
    for system in systems:
        files.update(CI_FILES[system])
    existing = [p for p in files if (app_dir / p).exists()]
    if existing and not force:
        raise ConfigError(
            f"init: {', '.join(existing)} already exist in {app_dir} (pass --force to overwrite)"
        )
    values = {
        "@@APP@@": app,
        "@@TOOLCHAIN@@": toolchain,
        "@@REPOSITORY@@": f"{registry.rstrip('/')}/{app}",
        "@@MODULE@@": module,
        "@@DAGGER_VERSION@@": sdk_version(),
    }
    templates = importlib.resources.files("slipway.templates")
    written = []
    for rel, template in files.items():
        text = templates.joinpath(template).read_text()
        for key, value in values.items():
            text = text.replace(key, value)
        target = app_dir / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)
        written.append(target)
    return written
