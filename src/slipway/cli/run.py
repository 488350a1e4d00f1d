"""`slipway run <function>`: the pipeline functions, over a client connection (no module load)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from slipway.cli.console import info, result
from slipway.errors import ConfigError

if TYPE_CHECKING:
    from collections.abc import Callable

    from slipway.host import GitopsOptions
    from slipway.runner import GraphResult, StepRecord

APP_DIR_OPT = typer.Option(
    ..., "--source", help="The application directory (has slipway.yaml).", metavar="DIR"
)
REVISION_OPT = typer.Option(
    "", "--revision", help="Commit SHA (default: the checkout's HEAD).", metavar="SHA"
)
JSON_OPT = typer.Option(False, "--json", help="Print the result as JSON.")
KUBECONFIG_OPT = typer.Option(
    "",
    "--kubeconfig",
    help="Kubeconfig as env:NAME or file:PATH (default: each env's cluster.kubeconfig).",
    metavar="SECRET",
)

SIGNING_KEY_OPT = typer.Option(
    "",
    "--signing-key",
    help="cosign private key as env:NAME or file:PATH: then sbom, sign and attest run.",
    metavar="SECRET",
)
SIGNING_PASSWORD_OPT = typer.Option(
    "",
    "--signing-password",
    help="The signing key's password as env:NAME or file:PATH (default: none).",
    metavar="SECRET",
)

run_app = typer.Typer(
    help="Run a pipeline function on the engine.", no_args_is_help=True, rich_markup_mode=None
)


def progress(*, as_json: bool) -> Callable[[StepRecord], None] | None:
    """A per-stage progress printer for people, coloured on a terminal (none for --json)."""
    if as_json:
        return None
    from rich.console import Console
    from rich.markup import escape

    from slipway.report import step_line

    console = Console(stderr=True, highlight=False)
    styles = {"passed": "green", "failed": "bold red", "skipped": "dim", "running": "cyan"}

    def show(rec: StepRecord) -> None:
        console.print(f"[{styles.get(rec.status, 'default')}]{escape(step_line(rec))}[/]")

    return show


def finish(outcome: GraphResult, *, as_json: bool) -> None:
    """Show the warnings, each failed stage's output and error line; exit 1 when any stage failed."""
    from slipway.report import failure_details, graph_warnings

    if not as_json:
        for warning in graph_warnings(outcome):
            info(f"warning: {warning}")
    details = failure_details(outcome)
    if details and not as_json:
        info(details)
    if not outcome.ok:
        for failed in outcome.failures:
            info(f"error: {failed.message}")
        raise typer.Exit(1)


@run_app.command("build")
def build_cmd(
    source: Path = APP_DIR_OPT,
    env: str = typer.Option(
        "", "--env", help="Environment to render and validate for (default: the first).", metavar="ENV"
    ),
    revision: str = REVISION_OPT,
    tag: str = typer.Option("", "--tag", help="Image tag (default: the commit SHA).", metavar="TAG"),
    allow_custom_tag: bool = typer.Option(
        False, "--allow-custom-tag", help="Allow a non-SHA tag (never for protected envs)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the result object as JSON."),
    kubeconfig: str = KUBECONFIG_OPT,
    signing_key: str = SIGNING_KEY_OPT,
    signing_password: str = SIGNING_PASSWORD_OPT,
) -> None:
    """Test, build, scan, render, validate and publish one application (then sign it, with a key)."""
    import anyio

    from slipway.host import BuildOptions, run_build
    from slipway.report import graph_json

    options = BuildOptions(
        source, env, revision, tag, allow_custom_tag, kubeconfig=kubeconfig,
        signing_key=signing_key, signing_password=signing_password,
    )  # fmt: skip
    config, outcome = anyio.run(run_build, options, progress(as_json=as_json))
    if as_json:
        result(json.dumps(graph_json(outcome), indent=2))
    finish(outcome, as_json=as_json)
    if not as_json:
        result(f"Image: {outcome.steps['publish'].evidence}")
        info(f"{config.app}: all stages passed in {outcome.wall_s:.1f}s")


def _gitops(repo: str, token: str, base: str, forge: str) -> GitopsOptions:
    from slipway.host import GitopsOptions
    from slipway.secrets import read_secret

    return GitopsOptions(repo, read_secret(token, "--token"), base, forge)


REPO_OPT = typer.Option(
    ..., "--repo", help="GitOps repository URL (http[s]://host/owner/repo.git).", metavar="URL"
)
TOKEN_OPT = typer.Option(..., "--token", help="Forge/git token as env:NAME or file:PATH.", metavar="SECRET")
BASE_OPT = typer.Option("main", "--base", help="The GitOps repository's default branch.", metavar="BRANCH")
FORGE_OPT = typer.Option(
    "", "--forge", help="gitea | github | gitlab (default: from the URL).", metavar="FORGE"
)
SOURCE_OPT = typer.Option(
    None, "--source", help="App directory with slipway.yaml (for env rules and paths).", metavar="DIR"
)
WAIT_OPT = typer.Option(
    False, "--wait", help="Then wait until the environment's cluster runs it (after the PR merges)."
)
WAIT_TIMEOUT_OPT = typer.Option(
    600, "--wait-timeout", help="Seconds --wait waits at most.", metavar="SECONDS"
)
APPS_OPT = typer.Option(
    [],
    "--app",
    help="App name (when no --source); repeat it to move several apps in one commit.",
    metavar="APP",
)
SOURCES_OPT = typer.Option(
    [],
    "--source",
    help="App directory with slipway.yaml (env rules and paths); may be repeated.",
    metavar="DIR",
)


@run_app.command("promote")
def promote_cmd(
    env: str = typer.Option(..., "--env", "--to", help="Environment to promote to.", metavar="ENV"),
    repo: str = REPO_OPT,
    token: str = TOKEN_OPT,
    image: str = typer.Option(
        "", "--image", help="Image reference: repo:<commit-sha>[@sha256:...].", metavar="REF"
    ),
    from_env: str = typer.Option(
        "", "--from", help="Promote the image this environment runs (no rebuild).", metavar="ENV"
    ),
    apps: list[str] = APPS_OPT,
    sources: list[Path] = SOURCES_OPT,
    all_apps: bool = typer.Option(
        False, "--all", help="With --from: every app with files in both envs, in one commit."
    ),
    direct_push: bool = typer.Option(
        False, "--direct-push", help="Push to the base branch (unprotected envs only)."
    ),
    base: str = BASE_OPT,
    forge: str = FORGE_OPT,
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON."),
    wait: bool = WAIT_OPT,
    wait_timeout: int = WAIT_TIMEOUT_OPT,
    kubeconfig: str = KUBECONFIG_OPT,
) -> None:
    """Change an environment's image in the GitOps repo: a pull request, or a direct push.

    Several apps (--app/--source repeated, or --all) move together from --from ENV: one
    commit, one pull request, rolled back as one unit; if any app is refused, none moves.
    """
    import anyio

    from slipway.host import GroupPromoteOptions, PromoteOptions, run_promote, run_promote_group
    from slipway.report import evidence_json

    gitops = _gitops(repo, token, base, forge)
    if all_apps or len(apps) > 1 or len(sources) > 1:
        if image or wait:
            raise ConfigError("promote: several apps move with --from ENV only (no --image, no --wait)")
        group = GroupPromoteOptions(gitops, env, from_env, tuple(apps), tuple(sources), all_apps, direct_push)
        outcome = anyio.run(run_promote_group, group)
    else:
        options = PromoteOptions(
            gitops, env, apps[0] if apps else "", sources[0] if sources else None, image, from_env,
            direct_push, wait_s=wait_timeout if wait else 0, kubeconfig=kubeconfig,
        )  # fmt: skip
        outcome = anyio.run(run_promote, options, None if as_json else info)
    if as_json:
        result(json.dumps(evidence_json(outcome), indent=2))
        return
    info(
        f"promote: {outcome.status} on {outcome.branch}"
        + (f" ({outcome.commit[:12]})" if outcome.commit else "")
    )
    for app, moved_image in getattr(outcome, "images", {}).items():
        info(f"  {app}: {moved_image}" + ("" if app in outcome.moved else " (already there)"))
    if outcome.values_diff:
        info(outcome.values_diff.rstrip())
    if outcome.pull_request is not None:
        result(f"PR: {outcome.pull_request.url}")


@run_app.command("rollback")
def rollback_cmd(
    env: str = typer.Option(..., "--env", help="Environment to roll back.", metavar="ENV"),
    repo: str = typer.Option(
        "", "--repo", help="GitOps repository URL (GitOps environments).", metavar="URL"
    ),
    token: str = typer.Option(
        "", "--token", help="Forge/git token as env:NAME or file:PATH (GitOps).", metavar="SECRET"
    ),
    apps: list[str] = APPS_OPT,
    sources: list[Path] = SOURCES_OPT,
    base: str = BASE_OPT,
    forge: str = FORGE_OPT,
    kubeconfig: str = KUBECONFIG_OPT,
    as_json: bool = JSON_OPT,
) -> None:
    """Roll an environment back: revert its newest promotion, or (deploy: direct) its newest healthy revision.

    GitOps: a git revert (a pull request when protected); a group promotion is reverted as one
    unit, named by every app of the group (--app repeated). Direct: helm rollback, or kubectl
    rollout undo, to the newest earlier revision that was healthy.
    """
    import functools

    import anyio

    from slipway.host import run_rollback
    from slipway.report import evidence_json

    source = sources[0] if len(sources) == 1 else None
    if source is not None and len(apps) <= 1 and _direct(source, env):
        _direct_rollback(source, env, kubeconfig, as_json=as_json)
        return
    if not repo or not token:
        raise ConfigError("rollback: pass --repo URL and --token env:NAME|file:PATH (a GitOps environment)")
    call = functools.partial(run_rollback, apps=tuple(apps), sources=tuple(sources))
    outcome = anyio.run(call, _gitops(repo, token, base, forge), apps[0] if apps else "", env, source)
    if as_json:
        result(json.dumps(evidence_json(outcome), indent=2))
        return
    group = f" ({', '.join(outcome.apps)} together)" if outcome.apps else ""
    info(f"rollback: reverted {outcome.reverted[:12]}{group} with {outcome.commit[:12]} on {outcome.branch}")
    if outcome.pull_request is not None:
        result(f"PR: {outcome.pull_request.url}")


def _direct(source: Path, env: str) -> bool:
    from slipway.config import load_config
    from slipway.flows.deploy import is_direct
    from slipway.identity import check_env

    return is_direct(load_config(source), check_env(env, "--env"))


def _finish_direct(outcome: GraphResult, *, as_json: bool) -> None:
    """Like `finish`, but a refusal (nothing changed, bad input) exits 2, as everywhere else."""
    try:
        finish(outcome, as_json=as_json)
    except typer.Exit:
        refused = all(isinstance(f.error, ConfigError) for f in outcome.failures)
        raise typer.Exit(2 if refused else 1) from None


def _direct_rollback(source: Path, env: str, kubeconfig: str, *, as_json: bool) -> None:
    import anyio

    from slipway.host import DeployOptions, run_direct_rollback
    from slipway.report import graph_json

    options = DeployOptions(source, env, kubeconfig=kubeconfig)
    _, outcome = anyio.run(run_direct_rollback, options, progress(as_json=as_json))
    if as_json:
        result(json.dumps(graph_json(outcome), indent=2))
    _finish_direct(outcome, as_json=as_json)
    if not as_json:
        done, plan = outcome.steps["verify"].evidence, outcome.steps["plan"].evidence
        where = f"{done.env} (namespace {done.namespace})"
        info(f"rollback: {plan.tool} revision {plan.current} -> {plan.to} in {where}")
        result(f"Running: {done.image} (deployment/{done.workload})")


@run_app.command("deploy")
def deploy_cmd(
    env: str = typer.Option(
        ..., "--env", help="Environment to deploy to (deploy: direct in slipway.yaml).", metavar="ENV"
    ),
    source: Path = APP_DIR_OPT,
    image: str = typer.Option(
        ...,
        "--image",
        help="Published image: repository:<tag>[@sha256:...] (protected envs: a digest).",
        metavar="REF",
    ),
    kubeconfig: str = KUBECONFIG_OPT,
    as_json: bool = JSON_OPT,
) -> None:
    """Deploy a published image straight to a `deploy: direct` environment's cluster.

    helm upgrade --install --atomic --wait, or kubectl apply --server-side then rollout status;
    a rollout that does not become ready is undone and the previous revision keeps serving.
    """
    import anyio

    from slipway.host import DeployOptions, run_deploy
    from slipway.report import graph_json

    options = DeployOptions(source, env, image, kubeconfig)
    _, outcome = anyio.run(run_deploy, options, progress(as_json=as_json))
    if as_json:
        result(json.dumps(graph_json(outcome), indent=2))
    _finish_direct(outcome, as_json=as_json)
    if not as_json:
        done = outcome.steps["verify"].evidence
        info(f"deploy: {done.tool} revision {done.revision} in {done.env} (namespace {done.namespace}) "
             f"in {outcome.wall_s:.1f}s")  # fmt: skip
        result(f"Running: {done.image} (deployment/{done.workload})")


BUILD_SOURCES_OPT = typer.Option(
    ...,
    "--source",
    help="The application directory (has slipway.yaml); repeat it, or give a pattern ('apps/*'), "
    "to build several apps in one graph and propose them in one PR.",
    metavar="DIR",
)


@run_app.command("build-and-propose")
def build_and_propose_cmd(
    sources: list[str] = BUILD_SOURCES_OPT,
    repo: str = REPO_OPT,
    token: str = TOKEN_OPT,
    revision: str = REVISION_OPT,
    base: str = BASE_OPT,
    forge: str = FORGE_OPT,
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON."),
    kubeconfig: str = KUBECONFIG_OPT,
    wait: bool = WAIT_OPT,
    wait_timeout: int = WAIT_TIMEOUT_OPT,
    signing_key: str = SIGNING_KEY_OPT,
    signing_password: str = SIGNING_PASSWORD_OPT,
) -> None:
    """Build, gate and publish the app, then open the promotion PR for its first environment.

    Several apps (--source repeated, or a pattern like 'apps/*') build concurrently in one graph
    and are proposed in one PR; if any app's gate fails, none is published or proposed.
    """
    import functools

    import anyio

    from slipway.host import BuildOptions, run_build_and_propose
    from slipway.report import evidence_json, graph_json
    from slipway.source import app_dirs

    dirs = app_dirs(sources)
    gitops = _gitops(repo, token, base, forge)
    if len(dirs) > 1:
        if signing_key:
            raise ConfigError("build-and-propose: --signing-key takes one app (several: build each signed)")
        if wait:
            raise ConfigError("build-and-propose: --wait takes one app (several: merge, then check each)")
        _build_and_propose_group(dirs, gitops, revision, kubeconfig, as_json=as_json)
        return
    options = BuildOptions(
        dirs[0], revision=revision, kubeconfig=kubeconfig,
        signing_key=signing_key, signing_password=signing_password,
    )  # fmt: skip
    call = functools.partial(run_build_and_propose, wait_s=wait_timeout if wait else 0,
                             on_wait=None if as_json else info)  # fmt: skip
    _, outcome = anyio.run(call, options, gitops, progress(as_json=as_json))
    if as_json:
        promotion = evidence_json(outcome.promotion) if outcome.promotion else None
        result(json.dumps({"graph": graph_json(outcome.graph), "promotion": promotion}, indent=2))
    finish(outcome.graph, as_json=as_json)
    if not as_json:
        result(f"Image: {outcome.graph.steps['publish'].evidence}")
        pr = outcome.promotion.pull_request
        result(f"PR: {pr.url if pr else '(none: ' + outcome.promotion.status + ')'}")


def _build_and_propose_group(
    dirs: list[Path], gitops: GitopsOptions, revision: str, kubeconfig: str, *, as_json: bool
) -> None:
    import functools

    import anyio

    from slipway.host import run_build_and_propose_group
    from slipway.report import evidence_json, graph_json

    call = functools.partial(run_build_and_propose_group, revision=revision, kubeconfig=kubeconfig)
    outcome = anyio.run(call, dirs, gitops, progress(as_json=as_json))
    if as_json:
        promotion = evidence_json(outcome.promotion) if outcome.promotion else None
        result(json.dumps({"graph": graph_json(outcome.graph), "promotion": promotion}, indent=2))
    finish(outcome.graph, as_json=as_json)
    if not as_json:
        for app, image in outcome.promotion.images.items():
            result(f"Image: {app}: {image}")
        pr = outcome.promotion.pull_request
        result(f"PR: {pr.url if pr else '(none: ' + outcome.promotion.status + ')'}")
