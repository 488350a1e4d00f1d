"""`slipway init`'s look at a repository: toolchain, Dockerfile, Helm chart or kustomize overlays.

What it finds becomes slipway.yaml's `toolchain`, `build.dockerfile`, `deploy` and
`environments`; with neither a chart nor a kustomization, init names a chart to create
(`chart/` with dev, staging and prod values files). Environment names come from values files
(`values-<env>.yaml`, `values.<env>.yaml`, `values/<env>.yaml`) or overlay directories, and
only names that pass identity.check_env are kept.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from slipway.errors import ConfigError
from slipway.identity import check_env

__all__ = ["Layout", "detect_layout", "environment_order"]

# Where charts live, most conventional first; `*` is one directory level.
CHART_DIRS = ("chart", "charts/*", "deploy/helm", "deploy/helm/*", "deploy/chart", "deploy/charts/*",
              "helm", "helm/*", "deploy")  # fmt: skip
# Directories that hold a kustomize `base/` and `overlays/<env>/` (or are a kustomization).
KUSTOMIZE_ROOTS = ("deploy", "deploy/kustomize", "k8s", "kustomize", "kubernetes", "manifests", ".")
KUSTOMIZATIONS = ("kustomization.yaml", "kustomization.yml", "Kustomization")
PROTECTED = ("prod", "production")
DEFAULT_ENVS = ("dev", "staging", "prod")
# Promotion order by name: development first, production last, unknown names in between.
_RANKS = {
    "dev": 0, "development": 0, "local": 0, "sandbox": 0,
    "test": 1, "testing": 1, "qa": 1, "int": 1, "integration": 1, "ci": 1,
    "staging": 3, "stage": 3, "stg": 3, "preprod": 3, "pre-prod": 3, "uat": 3,
    "prod": 4, "production": 4, "prd": 4, "live": 4,
}  # fmt: skip
_NO_DEPLOY = (
    "deploy: no Helm chart or kustomization found; create what slipway.yaml names: chart/ with "
    "values-dev.yaml, values-staging.yaml and values-prod.yaml (e.g. `helm create chart`)"
)
_VALUES_NAMES = ("values-{}", "values.{}", "values/{}")


@dataclass(frozen=True)
class Layout:
    """What slipway.yaml says about the app, and what init found or could not find.

    `per_env` maps each environment to its values file (helm) or overlay (kustomize);
    `found` and `todo` are one line each: what was detected, and what the person must still do.
    """

    toolchain: str
    dockerfile: str
    kind: str
    path: str
    per_env: dict[str, str]
    environments: tuple[str, ...]
    found: tuple[str, ...]
    todo: tuple[str, ...]
    scaffold: bool = False

    def protected(self, env: str) -> bool:
        """Whether `env` is a production environment (pinned images, reviewed pull requests)."""
        return env in PROTECTED


def environment_order(names: list[str]) -> list[str]:
    """`names` in promotion order: dev-like first, prod-like last, alphabetical within a rank."""
    return sorted(names, key=lambda n: (_RANKS.get(n, 2), n))


def _rel(app_dir: Path, path: Path) -> str:
    return path.relative_to(app_dir).as_posix()


def _visible(path: Path) -> bool:
    """Not a hidden directory (`.devcontainer/`, `.slipway/`): those hold no app's deployment."""
    return not path.name.startswith(".")


def _dirs(app_dir: Path, pattern: str) -> list[Path]:
    if pattern == ".":
        return [app_dir]
    return sorted(p for p in app_dir.glob(pattern) if p.is_dir() and not p.is_symlink() and _visible(p))


def _toolchain(app_dir: Path, found: list[str]) -> str:
    go, npm = (app_dir / "go.mod").is_file(), (app_dir / "package.json").is_file()
    if go and npm:
        found.append(
            "toolchain: go (go.mod and package.json both found; set toolchain: npm if npm runs the tests)"
        )
        return "go"
    if go or npm:
        found.append(f"toolchain: {'go' if go else 'npm'} ({'go.mod' if go else 'package.json'})")
        return "go" if go else "npm"
    msg = f"init: {app_dir} has neither go.mod nor package.json (slipway supports Go and npm apps)"
    raise ConfigError(msg)


def _dockerfile(app_dir: Path, found: list[str], todo: list[str]) -> str:
    candidates = [app_dir / "Dockerfile"] if (app_dir / "Dockerfile").is_file() else []
    candidates += sorted(p for p in app_dir.glob("Dockerfile.*") if p.is_file())
    candidates += sorted(p for p in app_dir.glob("*/Dockerfile") if p.is_file() and _visible(p.parent))
    if not candidates:
        todo.append(
            "build.dockerfile: no Dockerfile found; add one at the root (slipway.yaml names Dockerfile)"
        )
        return "Dockerfile"
    chosen = _rel(app_dir, candidates[0])
    others = f" (also found: {', '.join(_rel(app_dir, p) for p in candidates[1:])})" if candidates[1:] else ""
    found.append(f"build.dockerfile: {chosen}{others}")
    return chosen


def _env_name(name: str, origin: str, skipped: list[str]) -> str | None:
    try:
        return check_env(name, origin)
    except ConfigError as exc:
        skipped.append(f"skipped {exc}")
        return None


def _values_files(app_dir: Path, chart: Path, skipped: list[str]) -> dict[str, str]:
    """Each environment's values file in `chart`, by the first naming convention that has one."""
    per_env: dict[str, str] = {}
    for form in _VALUES_NAMES:
        for ext in ("yaml", "yml"):
            for file in sorted(chart.glob(f"{form.format('*')}.{ext}")):
                name = file.name.removesuffix(f".{ext}").removeprefix("values-").removeprefix("values.")
                env = _env_name(name, _rel(app_dir, file), skipped)
                if env and env not in per_env and file.is_file():
                    per_env[env] = _rel(app_dir, file)
    return per_env


def _charts(app_dir: Path) -> list[Path]:
    charts: list[Path] = []
    for pattern in CHART_DIRS:
        charts += [d for d in _dirs(app_dir, pattern) if (d / "Chart.yaml").is_file() and d not in charts]
    return charts


def _is_kustomization(path: Path) -> bool:
    return any((path / name).is_file() for name in KUSTOMIZATIONS)


def _kustomize(app_dir: Path, skipped: list[str]) -> tuple[str, dict[str, str]] | None:
    """The first root with a base or overlays: (the base, or the root; overlay per environment)."""
    for pattern in KUSTOMIZE_ROOTS:
        for root in _dirs(app_dir, pattern):
            overlays: dict[str, str] = {}
            for overlay in _dirs(root, "overlays/*"):
                if _is_kustomization(overlay):
                    env = _env_name(overlay.name, _rel(app_dir, overlay), skipped)
                    if env:
                        overlays[env] = _rel(app_dir, overlay)
            base = root / "base"
            if _is_kustomization(base):
                return _rel(app_dir, base), overlays
            if overlays or (root != app_dir and _is_kustomization(root)):
                return _rel(app_dir, root), overlays
    return None


def _pick_chart(app: str, charts: list[Path], app_dir: Path, found: list[str]) -> Path:
    named = [c for c in charts if c.name == app]
    chosen = named[0] if named else charts[0]
    if len(charts) > 1:
        why = "the one named like the app" if named else "the first in search order"
        listed = ", ".join(_rel(app_dir, c) for c in charts)
        found.append(
            f"several charts ({listed}): using {_rel(app_dir, chosen)}, {why}; edit deploy.path to change"
        )
    return chosen


def _listed(what: str, per_env: dict[str, str]) -> str:
    return f"{what} " + ", ".join(f"{e}={p}" for e, p in per_env.items()) if per_env else f"no {what}"


def _ordered(per_env: dict[str, str]) -> dict[str, str]:
    return {env: per_env[env] for env in environment_order(list(per_env))}


def detect_layout(app_dir: Path, app: str) -> Layout:
    """What `app_dir` holds that slipway.yaml names, or a ConfigError when it is no Go or npm app."""
    if not app_dir.is_dir():
        raise ConfigError(f"init: directory {app_dir} does not exist")
    found: list[str] = []
    todo: list[str] = []
    skipped: list[str] = []
    toolchain = _toolchain(app_dir, found)
    dockerfile = _dockerfile(app_dir, found, todo)
    charts = _charts(app_dir)
    chart = _pick_chart(app, charts, app_dir, found) if charts else None
    values = _values_files(app_dir, chart, skipped) if chart else {}
    kustomize = _kustomize(app_dir, skipped)
    if chart and kustomize and (values or not kustomize[1]):
        found.append(f"kustomize at {kustomize[0]} not used: the chart {_rel(app_dir, chart)} is")
        kustomize = None
    elif chart and kustomize:
        found.append(
            f"chart {_rel(app_dir, chart)} not used: it has no values-<env> files, the overlays have"
        )
        chart = None
    if not chart and not kustomize:
        todo.append(_NO_DEPLOY)
        per_env = {env: f"chart/values-{env}.yaml" for env in DEFAULT_ENVS}
        found += skipped
        return Layout(
            toolchain, dockerfile, "helm", "chart", per_env, DEFAULT_ENVS, (*found,), (*todo,), True
        )
    if kustomize:
        kind, path, per_env, what = "kustomize", kustomize[0], _ordered(kustomize[1]), "overlays"
        found.append(f"deploy: kustomize base {path}, {_listed('overlays', per_env)}")
    elif chart:
        kind, path, per_env, what = "helm", _rel(app_dir, chart), _ordered(values), "values-<env>.yaml files"
        found.append(f"deploy: helm chart {path}, {_listed('values', per_env)}")
    envs = tuple(per_env) or DEFAULT_ENVS
    if per_env:
        protected = ", ".join(e for e in envs if e in PROTECTED) or "none"
        found.append(f"environments: {', '.join(envs)}, in this promotion order (protected: {protected})")
    else:
        todo.append(f"environments: none found; dev, staging and prod all render {path} alone (add {what})")
    return Layout(toolchain, dockerfile, kind, path, per_env, envs, (*found, *skipped), (*todo,))
