"""`slipway cluster up|down|status|env|namespace|sync`: the local Kubernetes API and Flux."""

from __future__ import annotations

from slipway.cli.console import abort, result
from slipway.cli.parser import command, group

TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse

    from slipway.cli.parser import Commands, Parser

_ACTIONS = {
    "up": "Build etcd, Kubernetes, kwok and Flux from the Go module proxy and start them (idempotent).",
    "down": "Stop every part of the cluster; builds and etcd's data are kept.",
    "status": "Print one line per part of the cluster.",
    "env": "Print the export that points kubectl at the cluster (admin kubeconfig).",
    "namespace": "Create namespaces and let the deploy-only identity deploy into them.",
}


def register(commands: Commands) -> None:
    """Declare `cluster` and its commands: cluster.sh's actions, and sync."""
    cluster = group(commands, "cluster", "Provision and manage the local Kubernetes control plane and Flux.")
    if cluster is None:
        return
    for action, doc in _ACTIONS.items():
        names = _names if action == "namespace" else None
        command(cluster, action, run_script, names, doc, defaults={"action": action, "names": []})
    command(cluster, "sync", sync, _sync_options)


def _names(parser: Parser) -> None:
    parser.add_argument("names", nargs="+", metavar="NAME", help="Namespaces to create.")


def _sync_options(parser: Parser) -> None:
    parser.add_argument("name", metavar="NAME", help="Name of the Flux objects (e.g. web-api-dev).")
    parser.add_argument(
        "--repo", required=True, metavar="URL", help="GitOps repository URL Flux reads (no credentials)."
    )
    parser.add_argument(
        "--path",
        required=True,
        metavar="PATH",
        help="Directory in it to apply (e.g. apps/web-api/overlays/dev).",
    )
    parser.add_argument("--namespace", required=True, metavar="NAME", help="Namespace to apply it into.")
    parser.add_argument("--branch", default="main", metavar="BRANCH", help="Branch to follow.")
    parser.add_argument(
        "--interval", type=int, default=10, metavar="SECONDS", help="Seconds between polls of the repository."
    )


def run_script(args: argparse.Namespace) -> None:
    """Run cluster.sh's action (namespace: with its names); its own output names the step that failed."""
    import subprocess

    from slipway.kube.local_cluster import SCRIPT

    code = subprocess.run(["bash", str(SCRIPT), args.action, *args.names], check=False).returncode
    if code != 0:
        abort(f"cluster {args.action} failed (see the step named above)", code)


def sync(args: argparse.Namespace) -> None:
    """Have the local cluster's Flux sync a directory of a GitOps repository into a namespace."""
    import subprocess

    import yaml

    from slipway.kube.flux import FluxSync, sync_objects
    from slipway.kube.local_cluster import LocalCluster

    objects = sync_objects(
        FluxSync(args.name, args.repo, args.path, args.namespace, args.branch, args.interval)
    )
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
    result(proc.stdout.rstrip())
