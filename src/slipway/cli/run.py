"""`slipway run <function>`: the pipeline functions, over a client connection (no module load)."""

from __future__ import annotations

from slipway.cli.console import Exit, info, result
from slipway.cli.options import add
from slipway.cli.parser import command, group
from slipway.errors import ConfigError

TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse
    from collections.abc import Callable
    from pathlib import Path

    from slipway.cli.parser import Commands, Parser
    from slipway.host import GitopsOptions
    from slipway.runner import GraphResult, StepRecord


def register(commands: Commands) -> None:
    """Declare `run` and its commands, the pipeline functions."""
    run = group(commands, "run", "Run a pipeline function on the engine.")
    if run is None:
        return
    command(run, "build", build_cmd, _build_options)
    command(run, "promote", promote_cmd, _promote_options)
    command(run, "rollback", rollback_cmd, _rollback_options)
    command(run, "deploy", deploy_cmd, _deploy_options)
    command(run, "build-and-propose", build_and_propose_cmd, _build_and_propose_options)


def _build_options(build: Parser) -> None:
    add(build, "app-dir")
    build.add_argument(
        "--env",
        default="",
        metavar="ENV",
        help="Environment to render and validate for (default: the first).",
    )
    add(build, "revision")
    build.add_argument("--tag", default="", metavar="TAG", help="Image tag (default: the commit SHA).")
    build.add_argument(
        "--allow-custom-tag", action="store_true", help="Allow a non-SHA tag (never for protected envs)."
    )
    add(build, "json", "kubeconfig", "signing-key", "signing-password")


def _promote_options(promote: Parser) -> None:
    promote.add_argument("--env", "--to", required=True, metavar="ENV", help="Environment to promote to.")
    add(promote, "repo", "token")
    promote.add_argument(
        "--image", default="", metavar="REF", help="Image reference: repo:<commit-sha>[@sha256:...]."
    )
    promote.add_argument(
        "--from",
        dest="from_env",
        default="",
        metavar="ENV",
        help="Promote the image this environment runs (no rebuild).",
    )
    add(promote, "apps", "sources")
    promote.add_argument(
        "--all",
        dest="all_apps",
        action="store_true",
        help="With --from: every app with files in both envs, in one commit.",
    )
    promote.add_argument(
        "--direct-push", action="store_true", help="Push to the base branch (unprotected envs only)."
    )
    add(promote, "base", "forge", "json", "wait", "wait-timeout", "kubeconfig")


def _rollback_options(rollback: Parser) -> None:
    rollback.add_argument("--env", required=True, metavar="ENV", help="Environment to roll back.")
    rollback.add_argument(
        "--repo", default="", metavar="URL", help="GitOps repository URL (GitOps environments)."
    )
    rollback.add_argument(
        "--token", default="", metavar="SECRET", help="Forge/git token as env:NAME or file:PATH (GitOps)."
    )
    add(rollback, "apps", "sources", "base", "forge", "kubeconfig", "json")


def _deploy_options(deploy: Parser) -> None:
    deploy.add_argument(
        "--env",
        required=True,
        metavar="ENV",
        help="Environment to deploy to (deploy: direct in slipway.yaml).",
    )
    add(deploy, "app-dir")
    deploy.add_argument(
        "--image",
        required=True,
        metavar="REF",
        help="Published image: repository:<tag>[@sha256:...] (protected envs: a digest).",
    )
    add(deploy, "kubeconfig", "json")


def _build_and_propose_options(propose: Parser) -> None:
    propose.add_argument(
        "--source",
        dest="sources",
        action="append",
        required=True,
        metavar="DIR",
        help="The application directory (has slipway.yaml); repeat it, or give a pattern ('apps/*'), "
        "to build several apps in one graph and propose them in one PR.",
    )
    add(propose, "repo", "token", "revision", "base", "forge", "json", "kubeconfig", "wait", "wait-timeout")
    add(propose, "signing-key", "signing-password")


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
        raise Exit(1)


def build_cmd(args: argparse.Namespace) -> None:
    """Test, build, scan, render, validate and publish one application (then sign it, with a key)."""
    import json

    import anyio

    from slipway.host import BuildOptions, run_build
    from slipway.report import graph_json

    as_json: bool = args.as_json
    options = BuildOptions(
        args.source, args.env, args.revision, args.tag, args.allow_custom_tag, kubeconfig=args.kubeconfig,
        signing_key=args.signing_key, signing_password=args.signing_password,
    )  # fmt: skip
    config, outcome = anyio.run(run_build, options, progress(as_json=as_json))
    if as_json:
        result(json.dumps(graph_json(outcome), indent=2))
    finish(outcome, as_json=as_json)
    if not as_json:
        result(f"Image: {outcome.steps['publish'].evidence}")
        info(f"{config.app}: all stages passed in {outcome.wall_s:.1f}s")


def gitops_options(args: argparse.Namespace) -> GitopsOptions:
    """The GitOps repository the options name, its token read from its env:NAME or file:PATH."""
    from slipway.host import GitopsOptions
    from slipway.secrets import read_secret

    return GitopsOptions(args.repo, read_secret(args.token, "--token"), args.base, args.forge)


def promote_cmd(args: argparse.Namespace) -> None:
    """Change an environment's image in the GitOps repo: a pull request, or a direct push.

    Several apps (--app/--source repeated, or --all) move together from --from ENV: one
    commit, one pull request, rolled back as one unit; if any app is refused, none moves.
    """
    import json

    import anyio

    from slipway.host import GroupPromoteOptions, PromoteOptions, run_promote, run_promote_group
    from slipway.report import evidence_json

    env, image, from_env, as_json, wait = args.env, args.image, args.from_env, args.as_json, args.wait
    apps: list[str] = args.apps or []
    sources: list[Path] = args.sources or []
    gitops = gitops_options(args)
    if args.all_apps or len(apps) > 1 or len(sources) > 1:
        if image or wait:
            raise ConfigError("promote: several apps move with --from ENV only (no --image, no --wait)")
        several = GroupPromoteOptions(
            gitops, env, from_env, tuple(apps), tuple(sources), args.all_apps, args.direct_push
        )
        outcome = anyio.run(run_promote_group, several)
    else:
        options = PromoteOptions(
            gitops, env, apps[0] if apps else "", sources[0] if sources else None, image, from_env,
            args.direct_push, wait_s=args.wait_timeout if wait else 0, kubeconfig=args.kubeconfig,
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


def rollback_cmd(args: argparse.Namespace) -> None:
    """Roll an environment back: revert its newest promotion, or (deploy: direct) its newest healthy revision.

    GitOps: a git revert (a pull request when protected); a group promotion is reverted as one
    unit, named by every app of the group (--app repeated). Direct: helm rollback, or kubectl
    rollout undo, to the newest earlier revision that was healthy.
    """
    import functools
    import json

    import anyio

    from slipway.host import run_rollback
    from slipway.report import evidence_json

    env, repo, token, as_json = args.env, args.repo, args.token, args.as_json
    apps: list[str] = args.apps or []
    sources: list[Path] = args.sources or []
    source = sources[0] if len(sources) == 1 else None
    if source is not None and len(apps) <= 1 and _direct(source, env):
        _direct_rollback(source, env, args.kubeconfig, as_json=as_json)
        return
    if not repo or not token:
        raise ConfigError("rollback: pass --repo URL and --token env:NAME|file:PATH (a GitOps environment)")
    call = functools.partial(run_rollback, apps=tuple(apps), sources=tuple(sources))
    outcome = anyio.run(call, gitops_options(args), apps[0] if apps else "", env, source)
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
    except Exit:
        refused = all(isinstance(f.error, ConfigError) for f in outcome.failures)
        raise Exit(2 if refused else 1) from None


def _direct_rollback(source: Path, env: str, kubeconfig: str, *, as_json: bool) -> None:
    import json

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


def deploy_cmd(args: argparse.Namespace) -> None:
    """Deploy a published image straight to a `deploy: direct` environment's cluster.

    helm upgrade --install --atomic --wait, or kubectl apply --server-side then rollout status;
    a rollout that does not become ready is undone and the previous revision keeps serving.
    """
    import json

    import anyio

    from slipway.host import DeployOptions, run_deploy
    from slipway.report import graph_json

    as_json: bool = args.as_json
    options = DeployOptions(args.source, args.env, args.image, args.kubeconfig)
    _, outcome = anyio.run(run_deploy, options, progress(as_json=as_json))
    if as_json:
        result(json.dumps(graph_json(outcome), indent=2))
    _finish_direct(outcome, as_json=as_json)
    if not as_json:
        done = outcome.steps["verify"].evidence
        info(f"deploy: {done.tool} revision {done.revision} in {done.env} (namespace {done.namespace}) "
             f"in {outcome.wall_s:.1f}s")  # fmt: skip
        result(f"Running: {done.image} (deployment/{done.workload})")


def build_and_propose_cmd(args: argparse.Namespace) -> None:
    """Build, gate and publish the app, then open the promotion PR for its first environment.

    Several apps (--source repeated, or a pattern like 'apps/*') build concurrently in one graph
    and are proposed in one PR; if any app's gate fails, none is published or proposed.
    """
    import functools
    import json

    import anyio

    from slipway.host import BuildOptions, run_build_and_propose
    from slipway.report import evidence_json, graph_json
    from slipway.source import app_dirs

    as_json, wait = args.as_json, args.wait
    dirs = app_dirs(args.sources)
    gitops = gitops_options(args)
    if len(dirs) > 1:
        if args.signing_key:
            raise ConfigError("build-and-propose: --signing-key takes one app (several: build each signed)")
        if wait:
            raise ConfigError("build-and-propose: --wait takes one app (several: merge, then check each)")
        _build_and_propose_group(dirs, gitops, args.revision, args.kubeconfig, as_json=as_json)
        return
    options = BuildOptions(
        dirs[0], revision=args.revision, kubeconfig=args.kubeconfig,
        signing_key=args.signing_key, signing_password=args.signing_password,
    )  # fmt: skip
    call = functools.partial(run_build_and_propose, wait_s=args.wait_timeout if wait else 0,
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
    import json

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
