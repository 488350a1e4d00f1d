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
from slipway.gitops.yaml_scalar import render_scalar
from slipway.init_detect import Layout, detect_layout

__all__ = [
    "CHECK_FILES",
    "CHECK_FRAGMENTS",
    "CI_FILES",
    "DEFAULT_MODULE",
    "DEFAULT_REGISTRY",
    "app_layout",
    "deploy_yaml",
    "init_app",
]

DEFAULT_MODULE = "github.com/slipway-dev/slipway@v0.1.0"
DEFAULT_REGISTRY = "ghcr.io/your-org"  # a placeholder: init says to replace it
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
_PROTECTED = "    protected: true          # pinned images only, and always through a reviewed pull request"


def _app_name(app_dir: Path) -> str:
    name = re.sub(r"[^a-z0-9-]+", "-", app_dir.resolve().name.lower()).strip("-")
    return name[:63].rstrip("-") or "app"


def app_layout(app_dir: Path) -> Layout:
    """What `slipway init` finds in `app_dir` (init_detect.py), for the app named after the directory."""
    return detect_layout(app_dir, _app_name(app_dir))


def deploy_yaml(layout: Layout) -> str:
    """slipway.yaml's `deploy:` and `environments:` sections for `layout`."""
    key = "values" if layout.kind == "helm" else "overlays"
    lines = [
        "deploy:",
        f"  kind: {layout.kind:<20} # helm | kustomize",
        f"  path: {render_scalar(layout.path)}",
    ]
    if layout.per_env:
        lines.append(f"  {key}:")
        lines += [f"    {render_scalar(env)}: {render_scalar(p)}" for env, p in layout.per_env.items()]
    lines.append("environments:                # the first one is where build-and-propose promotes")
    for env in layout.environments:
        lines.append(f"  - name: {render_scalar(env)}")
        lines.append(_PROTECTED if layout.protected(env) else "    protected: false")
    return "\n".join(lines) + "\n"


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
    layout: Layout | None = None,
) -> list[Path]:
    """Write slipway.yaml (for `layout`, by default what app_layout finds) and the chosen CI files.

    Refuses to overwrite unless `force`; with `dagger` (or any CI files asked for), an existing
    slipway.yaml is kept rather than refused.
    """
    systems = list(CI_FILES) if ci == "all" else [ci] if ci else []
    unknown = [s for s in systems if s not in CI_FILES]
    if unknown:
        raise ConfigError(f"init: unknown --ci {unknown[0]!r} (use github, gitlab, jenkins or all)")
    layout = layout or app_layout(app_dir)
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
        "@@TOOLCHAIN@@": layout.toolchain,
        "@@DOCKERFILE@@": render_scalar(layout.dockerfile),
        "@@DEPLOY@@": deploy_yaml(layout),
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
