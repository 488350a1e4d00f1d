"""Run a declared pipeline from the host: load config, read the checkout, connect, run the graph."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from slipway.config import AppConfig, load_config
from slipway.engine.connection import engine_connection
from slipway.graph import GraphResult, StepRecord, run_graph
from slipway.source import SOURCE_EXCLUDES, source_info

__all__ = [
    "BuildOptions",
    "GitopsOptions",
    "PromoteOptions",
    "run_build",
    "run_build_and_propose",
    "run_history",
    "run_plan",
    "run_promote",
    "run_rollback",
]


@dataclass(frozen=True)
class BuildOptions:
    """What `slipway run build` was asked for."""

    source: Path
    env: str = ""
    revision: str = ""
    tag: str = ""
    allow_custom_tag: bool = False
    cache_suffix: str = ""


@contextlib.asynccontextmanager
async def _build_request(options: BuildOptions) -> AsyncIterator[tuple[AppConfig, Any]]:
    """Check everything checkable offline, then connect and yield the BuildRequest."""
    from slipway.graphs import BuildRequest, preflight

    config = load_config(options.source)
    info = source_info(options.source, options.revision)
    env = config.environment(options.env or config.environments[0].name)
    preflight(config, env.name, options.tag or info.revision, allow_custom_tag=options.allow_custom_tag)
    async with engine_connection():
        from dagger import dag

        yield (
            config,
            BuildRequest(
                config=config,
                source=dag.host().directory(str(options.source.resolve()), exclude=SOURCE_EXCLUDES),
                env=env.name,
                revision=info.revision,
                created=info.created,
                source_url=info.url,
                tag=options.tag,
                allow_custom_tag=options.allow_custom_tag,
                cache_suffix=options.cache_suffix,
            ),
        )


async def run_build(
    options: BuildOptions, on_change: Callable[[StepRecord], None] | None = None
) -> tuple[AppConfig, GraphResult]:
    """Run the build graph (test, build, scan, render, validate, publish) for one app."""
    from slipway.graphs import build_steps

    async with _build_request(options) as (config, request):
        return config, await run_graph(build_steps(request), on_change)


def _target(gitops: GitopsOptions, tools: dict[str, str]) -> Any:
    from slipway.propose import GitopsTarget

    return GitopsTarget(git_remote(gitops, tools), gitops.token, gitops.forge)


async def run_build_and_propose(
    options: BuildOptions,
    gitops: GitopsOptions,
    on_change: Callable[[StepRecord], None] | None = None,
) -> tuple[AppConfig, Any]:
    """The build graph, publish, and the promotion pull request for the first environment."""
    from slipway.propose import build_and_propose

    async with _build_request(options) as (config, request):
        target = _target(gitops, dict(config.tools))
        return config, await build_and_propose(request, target, on_change)


async def run_plan(
    options: BuildOptions,
    gitops: GitopsOptions,
    on_change: Callable[[StepRecord], None] | None = None,
) -> tuple[AppConfig, Any]:
    """Everything up to the pull request, nothing pushed: the gates and each env's diffs."""
    from slipway.propose import plan

    async with _build_request(options) as (config, request):
        return config, await plan(request, _target(gitops, dict(config.tools)), on_change)


@dataclass(frozen=True)
class GitopsOptions:
    """The GitOps repository and how to talk to it."""

    repo_url: str
    token: str
    base: str = "main"
    forge: str = ""


@dataclass(frozen=True)
class PromoteOptions:
    """What `slipway run promote` was asked for."""

    gitops: GitopsOptions
    env: str
    app: str = ""
    source: Path | None = None
    image: str = ""
    from_env: str = ""
    direct_push: bool = False
    evidence: str = ""
    source_revision: str = ""


@dataclass(frozen=True)
class AppTarget:
    """An app's name, protection of the target env and where its values live."""

    app: str
    protected: bool
    values_template: str
    tag_key: str
    digest_key: str
    tools: dict[str, str]


def app_target(source: Path | None, app: str, env: str) -> AppTarget:
    """From slipway.yaml when `source` is given, else defaults (prod/production protected)."""
    if source is not None:
        cfg = load_config(source)
        g = cfg.gitops
        protected = cfg.environment(env).protected
        return AppTarget(cfg.app, protected, g.values_path, g.tag_key, g.digest_key, dict(cfg.tools))
    if not app:
        from slipway.errors import ConfigError

        msg = "promote: pass --source APP_DIR (with slipway.yaml) or --app NAME"
        raise ConfigError(msg)
    return AppTarget(
        app, env in ("prod", "production"), "apps/{app}/overlays/{env}/values.yaml",
        "image.tag", "image.digest", {},
    )  # fmt: skip


def git_remote(gitops: GitopsOptions, tools: dict[str, str]) -> Any:
    """The GitRemote for `gitops`, holding the token as an engine secret (needs a connection)."""
    from dagger import dag

    from slipway.gitops.forges import RepoRef, forge_for
    from slipway.gitops.repo import GitRemote
    from slipway.toolchain import ToolImages

    forge = forge_for(RepoRef.from_url(gitops.repo_url), gitops.token, gitops.forge)
    secret = dag.set_secret("slipway-gitops-token", gitops.token)
    image = ToolImages.resolve(tools)["git"]
    return GitRemote(gitops.repo_url, forge.username, secret, image, gitops.base)


async def run_promote(options: PromoteOptions) -> Any:
    """Promote an image (or the image another environment runs) into `options.env`."""
    from slipway.gitops.promote import (
        PromoteRequest,
        check_promotion,
        current_image,
        promote,
        values_path_for,
    )

    target = app_target(options.source, options.app, options.env)
    path = values_path_for(target.values_template, target.app, options.env)
    if not options.from_env:
        ref = check_promotion(
            options.image,
            env=options.env,
            protected=target.protected,
            direct_push=options.direct_push,
        )
    async with engine_connection():
        remote = git_remote(options.gitops, target.tools)
        if options.from_env:
            from_path = values_path_for(target.values_template, target.app, options.from_env)
            ref = await current_image(remote, from_path, target.tag_key, target.digest_key)
            check_promotion(
                str(ref),
                env=options.env,
                protected=target.protected,
                direct_push=options.direct_push,
            )
        request = PromoteRequest(
            app=target.app, env=options.env, protected=target.protected, image=ref, remote=remote,
            forge_token=options.gitops.token, values_path=path, tag_key=target.tag_key,
            digest_key=target.digest_key, direct_push=options.direct_push, forge_kind=options.gitops.forge,
            source=options.source_revision, evidence=options.evidence,
        )  # fmt: skip
        return await promote(request)


async def run_rollback(gitops: GitopsOptions, app: str, env: str, source: Path | None) -> Any:
    """Roll back `app`'s newest promotion to `env`."""
    from slipway.gitops.rollback import rollback

    target = app_target(source, app, env)
    async with engine_connection():
        remote = git_remote(gitops, target.tools)
        return await rollback(
            remote, target.app, env, protected=target.protected,
            forge_token=gitops.token, forge_kind=gitops.forge,
        )  # fmt: skip


async def run_history(gitops: GitopsOptions, app: str, env: str, source: Path | None) -> Any:
    """List `app`'s promotions to `env`."""
    from slipway.gitops.history import read_history

    target = app_target(source, app, env)
    async with engine_connection():
        return await read_history(git_remote(gitops, target.tools), target.app, env)
