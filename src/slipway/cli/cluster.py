"""`slipway cluster up|down|status|env|namespace`: the local Kubernetes API and Flux."""

from __future__ import annotations

import subprocess

import typer

from slipway.cli.console import abort

cluster_app = typer.Typer(help="Provision and manage the local Kubernetes control plane and Flux.")


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
