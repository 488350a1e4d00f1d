"""The host side: options from the CLI or a Python caller, config from disk, then the flows."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from slipway.config import AppConfig, load_config
from slipway.engine.connection import engine_connection
from slipway.errors import ConfigError
from slipway.identity import check_app, check_branch, check_env, check_repo_url, is_protected
from slipway.refs import parse_ref
from slipway.runner import GraphResult, StepRecord, run_graph
from slipway.source import SOURCE_EXCLUDES, source_info

__all__ = [
    "BuildOptions",
    "GitopsOptions",
    "PromoteOptions",
    "app_target",
    "git_remote",
    "gitops_target",
    "promote_env",
    "rollback_env",
    "run_build",
    "run_build_and_propose",
    "run_checks",
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
    from slipway.flows.build import BuildRequest, preflight

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
    from slipway.flows.build import build_steps

    async with _build_request(options) as (config, request):
        return config, await run_graph(build_steps(request), on_change)


async def run_checks(
    source: Path,
    names: list[str],
    revision: str = "",
    on_change: Callable[[StepRecord], None] | None = None,
) -> tuple[AppConfig, GraphResult]:
    """The checks `dagger check` runs (flows/checks.py) on an app directory; nothing published."""
    from slipway.flows.checks import check_names, check_request, check_steps

    config = load_config(source)
    names = check_names(names)
    async with engine_connection():
        from dagger import dag

        src = dag.host().directory(str(source), exclude=SOURCE_EXCLUDES)
        return config, await run_graph(check_steps(check_request(config, src, revision), names), on_change)


def gitops_target(gitops: GitopsOptions, tools: dict[str, str]) -> Any:
    """The GitOps repository as the flows take it: git remote (with the app's git image) and forge."""
    from slipway.flows.build_and_propose import GitopsTarget

    return GitopsTarget(git_remote(gitops, tools), gitops.token, gitops.forge)


async def run_build_and_propose(
    options: BuildOptions,
    gitops: GitopsOptions,
    on_change: Callable[[StepRecord], None] | None = None,
) -> tuple[AppConfig, Any]:
    """The build graph, publish, and the promotion pull request for the first environment."""
    from slipway.flows.build_and_propose import build_and_propose

    async with _build_request(options) as (config, request):
        target = gitops_target(gitops, dict(config.tools))
        return config, await build_and_propose(request, target, on_change)


async def run_plan(
    options: BuildOptions,
    gitops: GitopsOptions,
    on_change: Callable[[StepRecord], None] | None = None,
) -> tuple[AppConfig, Any]:
    """Everything up to the pull request, nothing pushed: the gates and each env's diffs."""
    from slipway.flows.plan import plan

    async with _build_request(options) as (config, request):
        return config, await plan(request, gitops_target(gitops, dict(config.tools)), on_change)


@dataclass(frozen=True)
class GitopsOptions:
    """The GitOps repository and how to talk to it; the URL and branch are checked on creation."""

    repo_url: str
    token: str
    base: str = "main"
    forge: str = ""

    def __post_init__(self) -> None:
        check_repo_url(self.repo_url)
        check_branch(self.base)


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
    """An app's canonical name, the target env's protection and where its image lives in git."""

    app: str
    env: str
    protected: bool
    values_template: str
    tag_key: str
    digest_key: str
    repository_key: str
    repository: str
    tools: dict[str, str]
    config: AppConfig | None
    supersede: bool = True

    def values_path(self, env: str) -> str:
        """The values file of `env` in the GitOps repository."""
        from slipway.gitops.values_path import values_path

        return values_path(self.values_template, self.app, env)

    def promote_request(
        self,
        image: Any,
        remote: Any,
        forge_token: str,
        forge_kind: str,
        *,
        direct_push: bool = False,
        source: str = "",
        evidence: str = "",
    ) -> Any:
        """The PromoteRequest writing `image` into this target's environment, with its rules."""
        from slipway.gitops.promote import PromoteRequest

        return PromoteRequest(
            app=self.app, env=self.env, protected=self.protected, image=image, remote=remote,
            forge_token=forge_token, values_path=self.values_path(self.env), tag_key=self.tag_key,
            digest_key=self.digest_key, repository_key=self.repository_key, repository=self.repository,
            direct_push=direct_push, forge_kind=forge_kind, source=source, evidence=evidence,
            supersede=self.supersede,
        )  # fmt: skip


def app_target(config: AppConfig | None, app: str, env: str) -> AppTarget:
    """From slipway.yaml when given; without it every environment counts as protected."""
    check_env(env, "--env")
    if config is not None:
        if app and app != config.app:
            msg = f"promote: --app {app!r} does not match {config.source}'s app {config.app!r}"
            raise ConfigError(msg)
        g = config.gitops
        return AppTarget(
            config.app, env, config.environment(env).protected, g.values_path, g.tag_key,
            g.digest_key, g.repository_key, config.repository, dict(config.tools), config, g.supersede,
        )  # fmt: skip
    if not app:
        msg = "promote: pass --source APP_DIR (with slipway.yaml) or --app NAME"
        raise ConfigError(msg)
    return AppTarget(
        check_app(app), env, is_protected(env, None), "apps/{app}/overlays/{env}/values.yaml",
        "image.tag", "image.digest", "", "", {}, None,
    )  # fmt: skip


def _config(source: Path | None) -> AppConfig | None:
    return load_config(source) if source is not None else None


def git_remote(gitops: GitopsOptions, tools: dict[str, str]) -> Any:
    """The GitRemote for `gitops`, holding the token as an engine secret (needs a connection)."""
    from dagger import dag

    from slipway.gitops.forges import RepoRef, forge_for
    from slipway.gitops.repo import GitRemote
    from slipway.tool_images import ToolImages

    forge = forge_for(RepoRef.from_url(gitops.repo_url), gitops.token, gitops.forge)
    secret = dag.set_secret("slipway-gitops-token", gitops.token)
    image = ToolImages.resolve(tools)["git"]
    return GitRemote(gitops.repo_url, forge.username, secret, image, gitops.base)


def check_promote_input(target: AppTarget, image: str, from_env: str, direct_push: bool) -> None:
    """Everything about a promotion that can be refused before connecting to anything."""
    from slipway.gitops.promote import check_promotion

    if bool(image) == bool(from_env):
        raise ConfigError("promote: pass exactly one of --image REF or --from ENV")
    target.values_path(target.env)
    if from_env:
        check_env(from_env, "--from")
        if target.config is not None:
            target.config.environment(from_env)
        target.values_path(from_env)
    else:
        check_promotion(image, env=target.env, protected=target.protected, direct_push=direct_push)


async def promote_env(
    target: AppTarget,
    remote: Any,
    gitops: GitopsOptions,
    *,
    image: str = "",
    from_env: str = "",
    direct_push: bool = False,
    source_revision: str = "",
    evidence: str = "",
) -> Any:
    """Promote `image`, or the image `from_env` runs, into `target.env` (on an open connection)."""
    from dataclasses import replace

    from slipway.gitops.promote import check_promotion, current_image, promote

    check_promote_input(target, image, from_env, direct_push)
    if from_env:
        ref = await current_image(
            remote, target.values_path(from_env), target.tag_key, target.digest_key,
            app=target.app, env=from_env,
        )  # fmt: skip
        if not ref.repository:
            ref = replace(ref, repository=target.repository)
    else:
        ref = parse_ref(image)
    check_promotion(str(ref), env=target.env, protected=target.protected, direct_push=direct_push)
    request = target.promote_request(
        ref,
        remote,
        gitops.token,
        gitops.forge,
        direct_push=direct_push,
        source=source_revision,
        evidence=evidence,
    )
    return await promote(request)


async def run_promote(options: PromoteOptions) -> Any:
    """Promote an image (or the image another environment runs) into `options.env`."""
    target = app_target(_config(options.source), options.app, options.env)
    check_promote_input(target, options.image, options.from_env, options.direct_push)
    async with engine_connection():
        return await promote_env(
            target, git_remote(options.gitops, target.tools), options.gitops, image=options.image,
            from_env=options.from_env, direct_push=options.direct_push,
            source_revision=options.source_revision, evidence=options.evidence,
        )  # fmt: skip


async def rollback_env(target: AppTarget, remote: Any, gitops: GitopsOptions) -> Any:
    """Roll back `target.app`'s newest promotion to `target.env` (on an open connection)."""
    from slipway.gitops.rollback import rollback

    return await rollback(
        remote, target.app, target.env, env_files=frozenset({target.values_path(target.env)}),
        protected=target.protected, forge_token=gitops.token, forge_kind=gitops.forge,
    )  # fmt: skip


async def run_rollback(gitops: GitopsOptions, app: str, env: str, source: Path | None) -> Any:
    """Roll back `app`'s newest promotion to `env`."""
    target = app_target(_config(source), app, env)
    async with engine_connection():
        return await rollback_env(target, git_remote(gitops, target.tools), gitops)


async def run_history(gitops: GitopsOptions, app: str, env: str, source: Path | None) -> Any:
    """List `app`'s promotions to `env`."""
    from slipway.gitops.history import read_history

    target = app_target(_config(source), app, env)
    async with engine_connection():
        return await read_history(git_remote(gitops, target.tools), target.app, target.env)
