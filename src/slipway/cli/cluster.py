"""`slipway cluster up|down|status|env|namespace|sync`: the local Kubernetes API and Flux."""

from __future__ import annotations

import subprocess

import typer

from slipway.cli.console import abort

cluster_app = typer.Typer(
    help="Provision and manage the local Kubernetes control plane and Flux.", rich_markup_mode=None
)


def _run(*args: str) -> None:
    from slipway.kube.local_cluster import SCRIPT

    code = subprocess.run(["bash", str(SCRIPT), *args], check=False).returncode
    if code != 0:
        abort(f"cluster {args[0]} failed (see the step named above)", code)


@cluster_app.command()
def up() -> None:
    """Build etcd, Kubernetes, kwok and Flux from the Go module proxy and start them (idempotent)."""
    _run("up")


@cluster_app.command()
def down() -> None:
    """Stop every part of the cluster; builds and etcd's data are kept."""
    _run("down")


@cluster_app.command()
def status() -> None:
    """Print one line per part of the cluster."""
    _run("status")


@cluster_app.command()
def env() -> None:
    """Print the export that points kubectl at the cluster (admin kubeconfig)."""
    _run("env")


@cluster_app.command()
def namespace(names: list[str] = typer.Argument(..., help="Namespaces to create.")) -> None:
    """Create namespaces and let the deploy-only identity deploy into them."""
    _run("namespace", *names)


@cluster_app.command()
def sync(
    name: str = typer.Argument(..., help="Name of the Flux objects (e.g. web-api-dev)."),
    repo: str = typer.Option(
        ..., "--repo", help="GitOps repository URL Flux reads (no credentials).", metavar="URL"
    ),
    path: str = typer.Option(
        ..., "--path", help="Directory in it to apply (e.g. apps/web-api/overlays/dev).", metavar="PATH"
    ),
    namespace: str = typer.Option(..., "--namespace", help="Namespace to apply it into.", metavar="NAME"),
    branch: str = typer.Option("main", "--branch", help="Branch to follow.", metavar="BRANCH"),
    interval: int = typer.Option(
        10, "--interval", help="Seconds between polls of the repository.", metavar="SECONDS"
    ),
) -> None:
    """Have the local cluster's Flux sync a directory of a GitOps repository into a namespace."""
    import yaml

    from slipway.kube.flux import FluxSync, sync_objects
    from slipway.kube.local_cluster import LocalCluster

    objects = sync_objects(FluxSync(name, repo, path, namespace, branch, interval))
    local = LocalCluster.from_env()
    if not local.provisioned():
        abort("cluster sync: the local cluster is not provisioned (run `make cluster`)", 2)
    kubectl = [str(local.home / "bin" / "kubectl"), f"--kubeconfig={local.kubeconfig}", "apply", "-f", "-"]
    proc = subprocess.run(
        kubectl, input=yaml.safe_dump_all(objects), capture_output=True, text=True, check=False
    )
    if proc.returncode != 0:
        last = (proc.stderr.strip().splitlines() or ["no output"])[-1]
        abort(f"cluster sync: kubectl apply failed: {last}", 1)
    typer.echo(proc.stdout.rstrip())
