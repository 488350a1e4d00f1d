"""The gates as checks (`dagger check`, `slipway check`): config, test, scan, validate; nothing published.

Each check is a subset of the build graph's steps (flows/build.py), so a check runs exactly what
`slipway run build` runs for that gate:

- `config`: slipway.yaml parses, every environment passes preflight (tools, image tag), and the
  files it names (Dockerfile, chart or overlays, values files, ignore file, policies) are there;
- `test`: the app's unit tests;
- `scan`: build the image (without provenance labels: it is never published) and scan it;
- `validate`: render → validate for every environment in slipway.yaml.

A check needs no commit: the manifests are rendered with the image tagged `CHECK_REVISION`
unless a revision is given (a 40-hex tag, so protected environments' pin policy applies as it
does for a real commit).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from slipway.errors import ConfigError
from slipway.flows.build import BuildRequest, build_steps, env_steps, preflight
from slipway.runner import Step

if TYPE_CHECKING:
    import dagger

    from slipway.config import AppConfig
    from slipway.runner import GraphResult

__all__ = [
    "CHECKS",
    "CHECK_REVISION",
    "check_names",
    "check_report",
    "check_request",
    "check_steps",
    "named_paths",
]

CHECKS = ("config", "test", "scan", "validate")
CHECK_REVISION = "0" * 40


def check_request(config: AppConfig, source: dagger.Directory, revision: str = "") -> BuildRequest:
    """A request for the gates alone: no commit time or source URL, never published."""
    return BuildRequest(
        config=config, source=source, env=config.environments[0].name,
        revision=revision or CHECK_REVISION, created="", source_url="", labelled=False,
    )  # fmt: skip


def named_paths(config: AppConfig) -> list[tuple[str, str]]:
    """(path in the source, what slipway.yaml calls it) for every file or directory it names."""
    b, d = config.build, config.deploy
    context = "" if b.context in ("", ".") else f"{b.context.rstrip('/')}/"
    paths = [(context.rstrip("/"), "build.context")] if context else []
    paths += [(f"{context}{b.dockerfile}", "build.dockerfile"), (d.path, "deploy.path")]
    per_env = d.values if d.kind == "helm" else d.overlays
    key = "values" if d.kind == "helm" else "overlays"
    paths += [(path, f"deploy.{key}.{env}") for env, path in per_env.items()]
    if config.scan.ignore_file:
        paths.append((config.scan.ignore_file, "scan.ignore_file"))
    if config.policy.dir:
        paths.append((config.policy.dir, "policy.dir"))
    return paths


async def _check_config(req: BuildRequest) -> str:
    """Preflight for every environment, then the named files; one ConfigError listing every gap."""
    cfg = req.config
    for env in cfg.environments:
        preflight(cfg, env.name, req.revision)
    missing = [
        f"{what} {path!r} is not in the source"
        for path, what in named_paths(cfg)
        if not await req.source.exists(path)
    ]
    if missing:
        raise ConfigError(f"config: {cfg.source}: {'; '.join(missing)}")
    envs = ", ".join(e.name for e in cfg.environments)
    return f"{cfg.app}: {cfg.toolchain} app, {cfg.deploy.kind} deploy, environments {envs}"


def check_names(names: Sequence[str]) -> list[str]:
    """The checks asked for (all of them when none), refusing unknown names."""
    unknown = [n for n in names if n not in CHECKS]
    if unknown:
        raise ConfigError(f"check: unknown checks {unknown} (known: {', '.join(CHECKS)})")
    return list(names) or list(CHECKS)


def check_steps(req: BuildRequest, names: Sequence[str] = CHECKS) -> list[Step]:
    """The build graph's steps each named check needs (validate: every environment), no publish."""
    names = check_names(names)
    gates = {s.name: s for s in build_steps(req, with_publish=False)}

    async def run_config(_: Any) -> str:
        return await _check_config(req)

    steps: list[Step] = []
    if "config" in names:
        steps.append(Step("config", run_config))
    if "test" in names:
        steps.append(gates["test"])
    if "scan" in names:
        steps += [gates["build"], gates["scan"]]
    if "validate" in names:
        for env in req.config.environments:
            steps += env_steps(req, env.name, f":{env.name}")
    return steps


def check_report(graph: GraphResult) -> str:
    """What the check ran: one progress line per step (as `slipway run` prints them), then its warnings."""
    from slipway.report import graph_warnings, step_line

    lines = [step_line(rec).rstrip() for rec in graph.steps.values()]
    return "\n".join(lines + [f"warning: {w}" for w in graph_warnings(graph)])
