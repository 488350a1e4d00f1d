"""The host side: options from the CLI or a Python caller, config from disk, then the flows."""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from slipway.config import AppConfig, load_config
from slipway.engine.connection import engine_connection
from slipway.errors import ConfigError
from slipway.identity import check_app, check_branch, check_env, check_repo_url, is_protected
from slipway.refs import parse_ref
from slipway.runner import GraphResult, StepRecord, run_graph
from slipway.source import SOURCE_EXCLUDES, source_info

if TYPE_CHECKING:
    from slipway.gitops.locators import Locator

__all__ = [
    "BuildOptions",
    "DeployOptions",
    "GitopsOptions",
    "GroupPromoteOptions",
    "PromoteOptions",
    "app_target",
    "app_targets",
    "app_tools",
    "git_remote",
    "gitops_target",
    "promote_env",
    "rollback_env",
    "run_build",
    "run_build_and_propose",
    "run_build_and_propose_group",
    "run_checks",
    "run_deploy",
    "run_direct_rollback",
    "run_history",
    "run_plan",
    "run_promote",
    "run_promote_group",
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
    kubeconfig: str = ""  # env:NAME or file:PATH, overriding each cluster's kubeconfig source
    signing_key: str = ""  # env:NAME or file:PATH of a cosign private key: sign and attest
    signing_password: str = ""  # env:NAME or file:PATH of its password (none: an empty one)


def _kube_targets(config: AppConfig, envs: list[str], kubeconfig: str) -> dict[str, Any]:
    """The KubeTarget of each of `envs` that names a cluster (on an open connection)."""
    from slipway.kube.environment import host_kube_target

    return {
        env: host_kube_target(cluster, env, kubeconfig)
        for env in envs
        if (cluster := config.environment(env).cluster) is not None
    }


def _checked(options: BuildOptions) -> tuple[AppConfig, Any, str]:
    """The app's config, its source's commit and the environment built, checked offline."""
    from slipway.flows.build import preflight

    config = load_config(options.source)
    info = source_info(options.source, options.revision)
    env = config.environment(options.env or config.environments[0].name)
    preflight(config, env.name, options.tag or info.revision, allow_custom_tag=options.allow_custom_tag)
    return config, info, env.name


def _request(
    options: BuildOptions,
    checked: tuple[AppConfig, Any, str],
    *,
    every_env: bool = False,
    signing: Any = None,
) -> Any:
    """The BuildRequest of a checked app (on an open connection)."""
    from dagger import dag

    from slipway.flows.build import BuildRequest

    config, info, env = checked
    return BuildRequest(
        config=config,
        source=dag.host().directory(str(options.source.resolve()), exclude=SOURCE_EXCLUDES),
        env=env,
        revision=info.revision,
        created=info.created,
        source_url=info.url,
        tag=options.tag,
        allow_custom_tag=options.allow_custom_tag,
        cache_suffix=options.cache_suffix,
        kube=_kube_targets(
            config, [e.name for e in config.environments] if every_env else [env], options.kubeconfig
        ),
        signing_key=signing,
    )


@contextlib.asynccontextmanager
async def _build_request(
    options: BuildOptions, *, every_env: bool = False
) -> AsyncIterator[tuple[AppConfig, Any]]:
    """Check everything checkable offline, then connect and yield the BuildRequest.

    The request carries the cluster of the built environment (of every one with `every_env`).
    """
    checked = _checked(options)
    key_text, password = _signing_secrets(options)
    if key_text:
        _check_not_expired(checked[0])
    async with engine_connection():
        signing = await _signing_key(checked[0], key_text, password)
        yield checked[0], _request(options, checked, every_env=every_env, signing=signing)


def _check_not_expired(config: AppConfig) -> None:
    """A ConfigError when slipway.yaml says the signing key pair is past its rotation date."""
    if config.signing is not None and config.signing.expired():
        msg = (
            f"--signing-key: the key pair expired on {config.signing.expires} "
            "(slipway.yaml signing.expires); make a new pair with `slipway keys generate`, "
            "then update signing.public_key"
        )
        raise ConfigError(msg)


async def _signing_key(config: AppConfig, key_text: str, password: str) -> Any:
    """The signing key and its password as engine secrets (on an open connection), or None."""
    if not key_text:
        return None
    from dagger import dag

    from slipway.stages.cosign import SigningKey

    key = SigningKey(
        dag.set_secret("slipway-signing-key", key_text),
        dag.set_secret("slipway-signing-password", password),
    )
    return await checked_signing_key(config, key)


async def checked_signing_key(config: AppConfig, key: Any) -> Any:
    """`key` (a SigningKey) with its `key_id`, once opened and checked against slipway.yaml's key.

    A pair past its rotation date, a wrong password, or a key that is not slipway.yaml's public
    key's pair is refused here, before anything is built.
    """
    from slipway.keys import fingerprint
    from slipway.stages.sign import open_key
    from slipway.tool_images import ToolImages

    _check_not_expired(config)
    got = fingerprint(await open_key(ToolImages.for_app(config)["cosign"], key), "--signing-key")
    want = config.public_key()
    if want is not None:
        where = config.signing.public_key if config.signing else "signing.public_key"
        if fingerprint(want, where) != got:
            msg = (
                f"--signing-key: its public key ({got}) is not slipway.yaml's signing.public_key "
                f"({fingerprint(want, where)})"
            )
            raise ConfigError(msg)
    return dataclasses.replace(key, key_id=got)


def _signing_secrets(options: BuildOptions) -> tuple[str, str]:
    """The signing key's PEM text and its password ("" and "" without --signing-key)."""
    from slipway.keys import check_private_key
    from slipway.secrets import read_secret

    if not options.signing_key:
        if options.signing_password:
            raise ConfigError("--signing-password: pass --signing-key too (the password unlocks it)")
        return "", ""
    key = check_private_key(read_secret(options.signing_key, "--signing-key", multiline=True))
    password = read_secret(options.signing_password, "--signing-password") if options.signing_password else ""
    return key, password


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
        request = check_request(config, src, revision)
        if "validate" in names:  # every environment with a cluster is dry-run on it too
            kube = _kube_targets(config, [e.name for e in config.environments], "")
            request = dataclasses.replace(request, kube=kube)
        return config, await run_graph(check_steps(request, names), on_change)


def app_tools(config: AppConfig) -> dict[str, str]:
    """The app's whole tool table, its lock applied: what the promotion's git and cosign run in."""
    from slipway.tool_images import ToolImages

    return dict(ToolImages.for_app(config).images)


def gitops_target(gitops: GitopsOptions, tools: dict[str, str]) -> Any:
    """The GitOps repository as the flows take it: git remote (with the app's git image) and forge."""
    from slipway.flows.build_and_propose import GitopsTarget

    return GitopsTarget(git_remote(gitops, tools), gitops.token, gitops.forge)


async def run_build_and_propose(
    options: BuildOptions,
    gitops: GitopsOptions,
    on_change: Callable[[StepRecord], None] | None = None,
    *,
    wait_s: float = 0,
    on_wait: Callable[[str], None] | None = None,
) -> tuple[AppConfig, Any]:
    """The build graph, publish, and the promotion pull request for the first environment.

    With `wait_s`, then wait until that environment's cluster runs the image (after the merge).
    """
    from slipway.flows.build_and_propose import build_and_propose
    from slipway.kube.environment import env_cluster

    if wait_s:
        config = load_config(options.source)
        env_cluster(config, options.env or config.environments[0].name, required_for="--wait")

    async with _build_request(options) as (config, request):
        target = gitops_target(gitops, app_tools(config))
        outcome = await build_and_propose(request, target, on_change)
        if wait_s and outcome.graph.ok and outcome.promotion is not None:
            env, image = request.env, outcome.promotion.image
            pr = outcome.promotion.pull_request
            if on_wait is not None:
                on_wait(f"wait: merge {pr.url if pr else 'the promotion'}; then {env} must run {image}")
            await wait_for_env(config, env, image, options.kubeconfig, wait_s, on_wait)
        return config, outcome


async def run_build_and_propose_group(
    sources: Sequence[Path],
    gitops: GitopsOptions,
    on_change: Callable[[StepRecord], None] | None = None,
    *,
    revision: str = "",
    kubeconfig: str = "",
) -> Any:
    """Several apps built in one graph, published, and proposed for their first environment in one PR."""
    from slipway.flows.build_group import build_and_propose_group, group_env
    from slipway.promotion.group_graph import check_group_apps

    options = [BuildOptions(source, revision=revision, kubeconfig=kubeconfig) for source in sources]
    checked = [_checked(o) for o in options]
    check_group_apps([config.app for config, _, _ in checked], "build-and-propose")
    group_env([config for config, _, _ in checked])
    async with engine_connection():
        requests = [_request(o, c) for o, c in zip(options, checked, strict=True)]
        target = gitops_target(gitops, app_tools(checked[0][0]))
        return await build_and_propose_group(requests, target, on_change)


async def run_plan(
    options: BuildOptions,
    gitops: GitopsOptions,
    on_change: Callable[[StepRecord], None] | None = None,
) -> tuple[AppConfig, Any]:
    """Everything up to the pull request, nothing pushed: the gates and each env's diffs."""
    from slipway.flows.plan import plan

    async with _build_request(options, every_env=True) as (config, request):
        return config, await plan(request, gitops_target(gitops, app_tools(config)), on_change)


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
    wait_s: float = 0  # > 0: after the promotion, wait this long for the cluster to run it
    kubeconfig: str = ""


@dataclass(frozen=True)
class GroupPromoteOptions:
    """What `slipway run promote` with several apps (`--app` / `--source` repeated, or `--all`) asked for."""

    gitops: GitopsOptions
    env: str
    from_env: str
    apps: tuple[str, ...] = ()
    sources: tuple[Path, ...] = ()
    all_apps: bool = False  # also every app whose files in both envs the GitOps repo holds
    direct_push: bool = False
    source_revision: str = ""


@dataclass(frozen=True)
class AppTarget:
    """An app's canonical name, the target env's protection and where its image lives in git.

    `values_template` names each environment's file, `locator` the place in it (see
    `slipway.gitops.locators`).
    """

    app: str
    env: str
    protected: bool
    values_template: str
    locator: Locator
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
        source_url: str = "",
    ) -> Any:
        """The PromoteRequest writing `image` into this target's environment, with its rules."""
        from slipway.promotion import PromoteRequest

        return PromoteRequest(
            app=self.app, env=self.env, protected=self.protected, image=image, remote=remote,
            forge_token=forge_token, values_path=self.values_path(self.env), locator=self.locator,
            repository=self.repository,
            direct_push=direct_push, forge_kind=forge_kind, source=source, evidence=evidence,
            supersede=self.supersede, verify=self.verify_input(source, source_url),
        )  # fmt: skip

    def verify_input(self, revision: str, source_url: str) -> Any:
        """What the promotion verifies when the environment requires a signature (else None)."""
        from slipway.promotion.steps.verify_signature import VerifyInput
        from slipway.tool_images import ToolImages

        if self.config is None or not self.config.requires_signature(self.env):
            return None
        # the config refuses require_signature without signing:
        public, signing = self.config.public_key(), self.config.signing
        assert public is not None
        assert signing is not None
        cosign = ToolImages.resolve(self.tools)["cosign"]
        return VerifyInput(public, cosign, revision, source_url, signing.expires)


def app_target(config: AppConfig | None, app: str, env: str) -> AppTarget:
    """From slipway.yaml when given; without it every environment counts as protected."""
    from slipway.gitops.locators import KeysLocator, locator_for

    check_env(env, "--env")
    if config is not None:
        if app and app != config.app:
            msg = f"promote: --app {app!r} does not match {config.source}'s app {config.app!r}"
            raise ConfigError(msg)
        g = config.gitops
        return AppTarget(
            config.app, env, config.environment(env).protected, g.values_path,
            locator_for(g, config.repository), config.repository, app_tools(config), config, g.supersede,
        )  # fmt: skip
    if not app:
        msg = "promote: pass --source APP_DIR (with slipway.yaml) or --app NAME"
        raise ConfigError(msg)
    return AppTarget(
        check_app(app), env, is_protected(env, None), "apps/{app}/overlays/{env}/values.yaml",
        KeysLocator(), "", {}, None,
    )  # fmt: skip


def app_targets(sources: Sequence[Path], apps: Sequence[str], env: str) -> list[AppTarget]:
    """Each app's target: from its slipway.yaml (`sources`), then the `apps` no source names."""
    targets = [app_target(load_config(source), "", env) for source in sources]
    known = {t.app for t in targets}
    return targets + [app_target(None, app, env) for app in dict.fromkeys(apps) if app not in known]


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
    from slipway.promotion import check_promotion

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
    on_progress: Callable[[str], None] | None = None,
    on_change: Callable[[StepRecord], None] | None = None,
) -> Any:
    """Promote `image`, or the image `from_env` runs, into `target.env` (on an open connection).

    With `from_env`, one line says which image that is and where it was read (`on_progress`);
    the pull request's evidence and the result's `origin` say it too. `on_change` sees each
    promotion step start and end (clone, locate, resolve, edit, push, ...).
    """
    from slipway.promotion import check_promotion, promote, source_image

    check_promote_input(target, image, from_env, direct_push)
    origin = ""
    if from_env:
        found = await source_image(
            remote, target.values_path(from_env), target.locator, app=target.app, env=from_env,
            repository=target.repository,
        )  # fmt: skip
        ref = found.image
        origin = f"from {from_env}: image {ref} ({found.origin})"
        if on_progress is not None:
            on_progress(origin)
        evidence = "\n\n".join(e for e in (f"Promoted {origin}.", evidence) if e)
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
    return dataclasses.replace(await promote(request, on_change), origin=origin)


async def run_promote(
    options: PromoteOptions,
    on_progress: Callable[[str], None] | None = None,
    on_change: Callable[[StepRecord], None] | None = None,
) -> Any:
    """Promote an image (or the image another environment runs) into `options.env`.

    With `wait_s`, then wait until the environment's cluster runs it (after the PR merges).
    `on_change` sees each promotion step start and end.
    """
    from slipway.kube.environment import env_cluster

    config = _config(options.source)
    target = app_target(config, options.app, options.env)
    check_promote_input(target, options.image, options.from_env, options.direct_push)
    if options.wait_s:
        if config is None:
            raise ConfigError("promote: --wait needs --source (slipway.yaml names the cluster)")
        env_cluster(config, options.env, required_for="--wait")
    async with engine_connection():
        outcome = await promote_env(
            target, git_remote(options.gitops, target.tools), options.gitops, image=options.image,
            from_env=options.from_env, direct_push=options.direct_push,
            source_revision=options.source_revision, evidence=options.evidence, on_progress=on_progress,
            on_change=on_change,
        )  # fmt: skip
        if options.wait_s and config is not None:
            if on_progress is not None and outcome.pull_request is not None:
                on_progress(
                    f"wait: merge {outcome.pull_request.url}; then {options.env} must run {outcome.image}"
                )
            await wait_for_env(
                config, options.env, outcome.image, options.kubeconfig, options.wait_s, on_progress
            )
        return outcome


async def run_promote_group(options: GroupPromoteOptions) -> Any:
    """Promote several apps from `options.from_env` to `options.env` in one commit and one pull request."""
    from slipway.promotion import GroupApp, GroupRequest, promote_group
    from slipway.promotion.discover import DEFAULT_TEMPLATE, discover_apps
    from slipway.promotion.group_graph import check_group_apps

    if not options.from_env:
        raise ConfigError("promote: several apps are promoted with --from ENV (each app's image differs)")
    targets = app_targets(options.sources, options.apps, options.env)
    if not options.all_apps:
        check_group_apps([t.app for t in targets])
    for target in targets:
        check_promote_input(target, "", options.from_env, options.direct_push)
    async with engine_connection():
        remote = git_remote(options.gitops, targets[0].tools if targets else {})
        if options.all_apps:
            known = {t.app for t in targets}
            found = await discover_apps(remote, DEFAULT_TEMPLATE, (options.env, options.from_env))
            targets += [app_target(None, app, options.env) for app in found if app not in known]
        apps = tuple(
            GroupApp(t.app, t.protected, t.values_path(t.env), t.values_path(options.from_env), t.locator,
                     t.repository)
            for t in targets
        )  # fmt: skip
        request = GroupRequest(
            options.env, options.from_env, apps, remote, options.gitops.token,
            direct_push=options.direct_push, forge_kind=options.gitops.forge,
            source=options.source_revision, supersede=all(t.supersede for t in targets),
        )  # fmt: skip
        return await promote_group(request)


async def rollback_env(
    target: AppTarget, remote: Any, gitops: GitopsOptions, group: Sequence[AppTarget] = ()
) -> Any:
    """Roll back `target.app`'s newest promotion to `target.env` (on an open connection).

    With `group` (every app of a group promotion, `target` first), revert that group's one commit.
    """
    from slipway.gitops.rollback import rollback

    files = {t.app: frozenset({t.values_path(t.env)}) for t in group} if group else None
    return await rollback(
        remote, target.app, target.env, env_files=frozenset({target.values_path(target.env)}),
        protected=any(t.protected for t in (*group, target)), forge_token=gitops.token,
        forge_kind=gitops.forge, group=files,
    )  # fmt: skip


async def run_rollback(
    gitops: GitopsOptions,
    app: str,
    env: str,
    source: Path | None,
    *,
    apps: Sequence[str] = (),
    sources: Sequence[Path] = (),
) -> Any:
    """Roll back `app`'s newest promotion to `env`; with `apps`/`sources` naming several, their group's."""
    if len(apps) + len(sources) > 1:
        targets = app_targets(sources, apps, env)
        async with engine_connection():
            remote = git_remote(gitops, targets[0].tools)
            return await rollback_env(targets[0], remote, gitops, targets)
    target = app_target(_config(source), app, env)
    async with engine_connection():
        return await rollback_env(target, git_remote(gitops, target.tools), gitops)


async def run_history(gitops: GitopsOptions, app: str, env: str, source: Path | None) -> Any:
    """List `app`'s promotions to `env`."""
    from slipway.gitops.history import read_history

    target = app_target(_config(source), app, env)
    async with engine_connection():
        return await read_history(git_remote(gitops, target.tools), target.app, target.env)


async def wait_for_env(
    config: AppConfig,
    env: str,
    image: str,
    kubeconfig: str = "",
    timeout_s: float = 300,
    on_progress: Callable[[str], None] | None = None,
) -> Any:
    """Wait until `env`'s cluster runs `image`, fully rolled out (on an open connection)."""
    from slipway.flows.status import wait_live
    from slipway.kube.environment import env_cluster, env_workload, host_kube_target
    from slipway.tool_images import ToolImages

    cluster = env_cluster(config, env, required_for="--wait")
    assert cluster is not None
    target = host_kube_target(cluster, env, kubeconfig)
    kubectl = ToolImages.for_app(config)["kubectl"]
    return await wait_live(
        target, kubectl, env, env_workload(config, env), parse_ref(image), timeout_s, on_progress
    )


async def run_status(gitops: GitopsOptions, source: Path, kubeconfig: str = "") -> tuple[AppConfig, Any]:
    """Every environment of the app at `source`: desired digest (git), live digest, rollout, sync."""
    from slipway.flows.status import status
    from slipway.tool_images import ToolImages

    config = load_config(source)
    tools = ToolImages.for_app(config)
    async with engine_connection():
        kube = _kube_targets(config, [e.name for e in config.environments], kubeconfig)
        remote = git_remote(gitops, app_tools(config))
        return config, await status(config, remote, kube, tools["kubectl"])


@dataclass(frozen=True)
class DeployOptions:
    """What `slipway run deploy` (or a direct `slipway run rollback`) was asked for.

    `kubeconfig` (env:NAME or file:PATH) overrides the environment's `cluster.kubeconfig`.
    """

    source: Path
    env: str
    image: str = ""
    kubeconfig: str = ""


@contextlib.asynccontextmanager
async def _deploy_request(options: DeployOptions, doing: str) -> AsyncIterator[tuple[AppConfig, Any]]:
    """Check everything checkable offline (env, image, kubeconfig), then connect; yield the request."""
    from slipway.flows.deploy import DeployRequest, check_direct, check_image
    from slipway.kube.environment import host_kube_target, read_kubeconfig

    check_env(options.env, "--env")
    config = load_config(options.source)
    cluster = check_direct(config, options.env, doing)
    read_kubeconfig(cluster, options.env, options.kubeconfig)  # refused here, before connecting
    if options.image:
        check_image(config, options.env, options.image)
    async with engine_connection():
        from dagger import dag

        target = host_kube_target(cluster, options.env, options.kubeconfig)
        source = dag.host().directory(str(options.source.resolve()), exclude=SOURCE_EXCLUDES)
        yield config, DeployRequest(config, source, options.env, target, options.image)


async def run_deploy(
    options: DeployOptions, on_change: Callable[[StepRecord], None] | None = None
) -> tuple[AppConfig, GraphResult]:
    """Deploy an image straight to a `deploy: direct` environment: pin, deploy, verify."""
    from slipway.flows.deploy import deploy_steps

    if not options.image:
        raise ConfigError("deploy: pass --image REF (a published image: repository:<sha>[@sha256:...])")
    async with _deploy_request(options, "deploy") as (config, request):
        return config, await run_graph(deploy_steps(request), on_change)


async def run_direct_rollback(
    options: DeployOptions, on_change: Callable[[StepRecord], None] | None = None
) -> tuple[AppConfig, GraphResult]:
    """Roll a `deploy: direct` environment back to its newest earlier healthy revision."""
    from slipway.flows.deploy import rollback_steps

    async with _deploy_request(options, "rollback") as (config, request):
        return config, await run_graph(rollback_steps(request), on_change)
