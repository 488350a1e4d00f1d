"""`slipway init`: slipway.yaml and CI files (GitHub Actions, GitLab CI, Jenkins) for an app.

With `dagger=True` (`--dagger`, the app gets slipway as its Dagger toolchain: init_dagger.py) the
CI files also run `dagger check` on every push and merge request: a workflow of its own on
GitHub, a `check` job appended to .gitlab-ci.yml, a `Check` stage first in the Jenkinsfile.
"""

from __future__ import annotations

import importlib.resources
import re
from pathlib import Path

from slipway.engine.settings import sdk_version
from slipway.errors import ConfigError

__all__ = ["CHECK_FILES", "CHECK_FRAGMENTS", "CI_FILES", "DEFAULT_MODULE", "init_app"]

DEFAULT_MODULE = "github.com/slipway-dev/slipway@v0.1.0"
CI_FILES = {
    "github": {
        ".github/workflows/build.yaml": "github-build.yaml",
        ".github/workflows/promote-prod.yaml": "github-promote-prod.yaml",
    },
    "gitlab": {".gitlab-ci.yml": "gitlab-ci.yml"},
    "jenkins": {"Jenkinsfile": "Jenkinsfile"},
}
# With --dagger: `dagger check` on every push and merge request.
CHECK_FILES = {"github": {".github/workflows/check.yaml": "github-check.yaml"}}
# ... or spliced into the system's one CI file: at its @@CHECKS@@ line, else at the end.
CHECK_FRAGMENTS = {".gitlab-ci.yml": "gitlab-check.yml", "Jenkinsfile": "jenkins-check.groovy"}
_CHECKS_MARK = "@@CHECKS@@"


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


def _with_checks(text: str, fragment: str | None) -> str:
    """`text` with the checks fragment at its @@CHECKS@@ line (or appended); the line dropped without."""
    lines = text.splitlines(keepends=True)
    if fragment is None:
        return "".join(ln for ln in lines if ln.strip() != _CHECKS_MARK)
    if any(ln.strip() == _CHECKS_MARK for ln in lines):
        return "".join(fragment if ln.strip() == _CHECKS_MARK else ln for ln in lines)
    return text + fragment


def init_app(
    app_dir: Path,
    ci: str,
    *,
    registry: str,
    module: str = DEFAULT_MODULE,
    force: bool = False,
    dagger: bool = False,
) -> list[Path]:
    """Write slipway.yaml and the chosen CI files; refuse to overwrite unless `force`.

    With `dagger` (or any CI files asked for), an existing slipway.yaml is kept rather than refused.
    """
    if not app_dir.is_dir():
        raise ConfigError(f"init: directory {app_dir} does not exist")
    systems = list(CI_FILES) if ci == "all" else [ci] if ci else []
    unknown = [s for s in systems if s not in CI_FILES]
    if unknown:
        raise ConfigError(f"init: unknown --ci {unknown[0]!r} (use github, gitlab, jenkins or all)")
    toolchain = _toolchain(app_dir)
    app = _app_name(app_dir)
    files = {"slipway.yaml": "slipway.yaml"}
    if (app_dir / "slipway.yaml").exists() and (systems or dagger) and not force:
        del files["slipway.yaml"]  # adding CI files or Dagger to an app that has its config
    for system in systems:
        files.update(CI_FILES[system])
        if dagger:
            files.update(CHECK_FILES.get(system, {}))
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
        fragment = CHECK_FRAGMENTS.get(rel) if dagger else None
        text = _with_checks(
            templates.joinpath(template).read_text(),
            templates.joinpath(fragment).read_text() if fragment else None,
        )
        for key, value in values.items():
            text = text.replace(key, value)
        target = app_dir / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)
        written.append(target)
    ignore = app_dir / ".trivyignore"  # the scan ignore file slipway.yaml names; never overwritten
    if "slipway.yaml" in files and not ignore.exists():
        ignore.write_text(templates.joinpath("trivyignore").read_text())
        written.append(ignore)
    return written
