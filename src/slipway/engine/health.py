"""Health checks behind `slipway doctor`: each says what is wrong and what to do."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import anyio
import httpx

from slipway.engine.settings import EngineSettings, sdk_version

__all__ = [
    "SDK_DIGEST_VARS",
    "Check",
    "builtin_sdk_problems",
    "cluster_checks",
    "run_checks",
    "tool_lock_checks",
]

# The engine loads its built-in SDKs (an OCI image each) by manifest digest from this store.
SDK_DIGEST_VARS = {"go": "DAGGER_GO_SDK_MANIFEST_DIGEST", "python": "DAGGER_PYTHON_SDK_MANIFEST_DIGEST"}
SDK_CONTENT_DIR = "/usr/local/share/dagger/content/blobs/sha256"


@dataclass(frozen=True)
class Check:
    """One health check's outcome; `fix` says what to do when it failed or warned.

    A warning (`ok` and `warning`) is reported but is not a problem: something optional is
    missing, such as a local cluster nobody asked for.
    """

    name: str
    ok: bool
    detail: str
    fix: str = ""
    warning: bool = False


def _engine_container(settings: EngineSettings) -> Check:
    name = "engine container"
    if shutil.which("docker") is None:
        return Check(name, ok=False, detail="docker not installed", fix="run `make engine`")
    proc = subprocess.run(
        ["docker", "inspect", "-f", "{{.State.Status}}", settings.engine_name],
        capture_output=True,
        text=True,
        check=False,
    )
    status = proc.stdout.strip()
    if proc.returncode != 0 or status != "running":
        return Check(
            name,
            ok=False,
            detail=f"{settings.engine_name} is {status or 'absent'}",
            fix="run `make engine`",
        )
    return Check(name, ok=True, detail=f"{settings.engine_name} running")


def _docker(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["docker", *args], capture_output=True, text=True, check=False, timeout=60)


def builtin_sdk_problems(
    env: dict[str, str], blobs: set[str], manifests: dict[str, str | None]
) -> dict[str, str]:
    """What is wrong with each built-in SDK, by SDK name (no entry: fine).

    `env` is the engine's environment, `blobs` the blob file names in its content store,
    `manifests` the manifest JSON read for each digest (None when unreadable).
    """
    problems: dict[str, str] = {}
    for sdk, var in SDK_DIGEST_VARS.items():
        digest = env.get(var, "")
        if not digest:
            problems[sdk] = f"{var} is not set"
            continue
        algo, _, hexdigest = digest.partition(":")
        if algo != "sha256" or hexdigest not in blobs:
            problems[sdk] = f"manifest {digest} not in the content store"
            continue
        try:
            manifest = json.loads(manifests.get(digest) or "")
            wanted = [manifest["config"]["digest"]] + [layer["digest"] for layer in manifest["layers"]]
        except (ValueError, KeyError, TypeError):
            problems[sdk] = f"{digest} is not an image manifest"
            continue
        missing = [d for d in wanted if d.partition(":")[2] not in blobs]
        if missing:
            problems[sdk] = f"blobs missing: {', '.join(missing)}"
    return problems


def _builtin_sdks(settings: EngineSettings) -> Check:
    name = "built-in sdks"
    proc = _docker("inspect", "-f", "{{json .Config.Env}}", settings.engine_name)
    if proc.returncode != 0:
        return Check(name, ok=False, detail=proc.stderr.strip(), fix="run `make engine`")
    env = dict(item.partition("=")[::2] for item in json.loads(proc.stdout or "[]"))
    listing = _docker("exec", settings.engine_name, "ls", SDK_CONTENT_DIR)
    blobs = set(listing.stdout.split()) if listing.returncode == 0 else set()
    manifests: dict[str, str | None] = {}
    for var in SDK_DIGEST_VARS.values():
        digest = env.get(var, "")
        if digest.startswith("sha256:") and digest[7:] in blobs:
            cat = _docker("exec", settings.engine_name, "cat", f"{SDK_CONTENT_DIR}/{digest[7:]}")
            manifests[digest] = cat.stdout if cat.returncode == 0 else None
    problems = builtin_sdk_problems(env, blobs, manifests)
    if problems:
        detail = "; ".join(f"{sdk}: {why}" for sdk, why in problems.items())
        return Check(name, ok=False, detail=detail, fix="rebuild the engine image with `make engine`")
    present = ", ".join(f"{sdk} {env[var][:19]}" for sdk, var in SDK_DIGEST_VARS.items())
    return Check(name, ok=True, detail=present)


async def _engine_version(settings: EngineSettings) -> Check:
    from slipway.engine.connection import engine_connection
    from slipway.engine.probe import engine_version
    from slipway.errors import SlipwayError

    name = "engine version"
    want = f"v{sdk_version()}"
    try:
        with anyio.fail_after(120):
            async with engine_connection():
                got = await engine_version()
    except (SlipwayError, TimeoutError) as exc:
        return Check(name, ok=False, detail=f"engine unreachable: {exc}", fix="run `make engine`")
    if got != want:
        return Check(
            name,
            ok=False,
            detail=f"engine {got} != dagger-io {want}",
            fix=f"rebuild with DAGGER_VERSION={sdk_version()} `make engine`",
        )
    return Check(name, ok=True, detail=f"engine {got} == dagger-io {want}")


def _registry(settings: EngineSettings) -> tuple[Check, list[str]]:
    name = "registry"
    url = f"http://{settings.registry}/v2/_catalog"
    try:
        resp = httpx.get(url, timeout=5)
        resp.raise_for_status()
    except httpx.HTTPError as exc:
        return Check(name, ok=False, detail=f"{url}: {exc}", fix="run `make engine`"), []
    repos: list[str] = json.loads(resp.text).get("repositories") or []
    return Check(name, ok=True, detail=f"{settings.registry} serves {len(repos)} repositories"), repos


def _stage_images(repos: list[str]) -> Check:
    from slipway.tool_images import local_image_repositories

    wanted = local_image_repositories()
    missing = [r for r in wanted if r not in repos]
    if missing:
        return Check(
            "stage images",
            ok=False,
            detail=f"missing: {', '.join(missing)}",
            fix="run `make engine` to build them",
        )
    return Check("stage images", ok=True, detail=f"present: {', '.join(wanted) or 'none needed'}")


def _drift_checks(name: str, lock: Mapping[str, str], where: str, fix: str) -> list[Check]:
    """One check for the lock in `where`, or one warning per drifted tool (a failure if its image is gone)."""
    from slipway.errors import SlipwayError
    from slipway.registry import served_digest
    from slipway.tool_lock import drift

    try:
        moved = drift(lock)
    except SlipwayError as exc:
        return [Check(name, ok=False, detail=str(exc), fix=fix)]
    checks = []
    for found in moved:
        detail = f"{found} ({where})"
        try:
            served_digest(f"{found.ref}@{found.locked}")
        except SlipwayError:
            gone = f"{detail}, and the locked image is gone from the registry"
            checks.append(Check(f"{name} {found.tool}", ok=False, detail=gone, fix=fix))
            continue
        checks.append(Check(f"{name} {found.tool}", ok=True, detail=detail, fix=fix, warning=True))
    if not checks:
        pinned = sum("@sha256:" in ref for ref in lock.values())
        checks.append(Check(name, ok=True, detail=f"{pinned} tools in {where} match their registry"))
    return checks


def tool_lock_checks(app_dir: Path | None) -> list[Check]:
    """This machine's tool table and the app's slipway.lock against what their registries serve now.

    A tag that now serves another digest than the one locked is drift: a warning naming the
    tool, the tag and both digests. No lock at all is a note, never a failure.
    """
    from slipway.errors import SlipwayError
    from slipway.tool_images import LOCK_FILE, local_table, local_table_path
    from slipway.tool_lock import read_lock

    checks = []
    table_path = local_table_path()
    if table_path.is_file():
        try:
            pinned = {tool: ref for tool, ref in local_table().items() if "@sha256:" in ref}
        except SlipwayError as exc:
            return [Check("tool table", ok=False, detail=str(exc), fix="rerun `make engine`")]
        if pinned:
            fix = "rerun `make engine` to rebuild the images and record their digests"
            checks += _drift_checks("tool table", pinned, str(table_path), fix)
        else:
            note = f"{table_path} pins no digests (rerun `make engine` to record them)"
            checks.append(Check("tool table", ok=True, detail=note))
    if app_dir is None or not (app_dir / "slipway.yaml").is_file():
        return checks
    try:
        lock = read_lock(app_dir)
    except SlipwayError as exc:
        return [*checks, Check("tool lock", ok=False, detail=str(exc), fix="fix or rewrite the lock")]
    if not lock:
        note = f"no {LOCK_FILE} in {app_dir} (tools run by tag; `slipway tools lock` pins them)"
        return [*checks, Check("tool lock", ok=True, detail=note)]
    fix = "run `slipway tools lock` to accept the new image, or rebuild the image the lock names"
    return checks + _drift_checks("tool lock", lock, str(app_dir / LOCK_FILE), fix)


def cluster_checks(required: bool) -> list[Check]:
    """One check per part of the local cluster and one for its API server.

    When no cluster is provisioned (or a part is down) and none is `required`, the lines are
    warnings; when one is required (a cluster is configured), they are failures.
    """
    from slipway.kube.local_cluster import PARTS, LocalCluster

    cluster = LocalCluster.from_env()
    fix = "run `make cluster` or `slipway cluster up`"
    if not cluster.provisioned():
        detail = f"not provisioned (no {cluster.kubeconfig})"
        return [Check("cluster", ok=not required, detail=detail, fix=fix, warning=not required)]
    checks = []
    for name in PARTS:
        state = cluster.part_state(name)
        if state.pid is not None:
            checks.append(
                Check(f"cluster {name}", ok=True, detail=f"running (pid {state.pid}, {state.rss_mib} MiB)")
            )
        else:
            detail = "stopped" if state.built else "not built"
            checks.append(
                Check(f"cluster {name}", ok=not required, detail=detail, fix=fix, warning=not required)
            )
    why = cluster.api_ready()
    if why:
        checks.append(Check("cluster api", ok=not required, detail=why, fix=fix, warning=not required))
    else:
        checks.append(Check("cluster api", ok=True, detail=f"{cluster.server} ready"))
    return checks


def run_checks(
    settings: EngineSettings | None = None,
    *,
    cluster_required: bool | None = None,
    app_dir: Path | None = None,
) -> list[Check]:
    """Run every check, in order, and return all outcomes (never raises for a failed check).

    `cluster_required` (default: SLIPWAY_CLUSTER_REQUIRED=1|true) turns a missing or stopped
    local cluster from warnings into failures. `app_dir`'s slipway.lock is checked for drift.
    """
    settings = settings or EngineSettings.from_env()
    if cluster_required is None:
        cluster_required = os.environ.get("SLIPWAY_CLUSTER_REQUIRED", "").lower() in ("1", "true")
    cli_ok = settings.cli_bin.is_file()
    checks = [
        Check(
            "dagger cli",
            ok=cli_ok,
            detail=str(settings.cli_bin) if cli_ok else f"no CLI at {settings.cli_bin}",
            fix="" if cli_ok else "run `make engine`",
        ),
        _engine_container(settings),
    ]
    if all(c.ok for c in checks):
        checks.append(anyio.run(_engine_version, settings))
        checks.append(_builtin_sdks(settings))
    registry, repos = _registry(settings)
    checks.append(registry)
    if registry.ok:
        checks.append(_stage_images(repos))
        checks.extend(tool_lock_checks(app_dir))
    checks.extend(cluster_checks(cluster_required))
    return checks
