"""status: per environment, the digest git wants, the digest the cluster runs, and the rollout.

`wait_live` is the closed loop's last step: after a promotion merges, poll the environment's
cluster until its workload runs the promoted digest and the rollout completed, or time out with
the GitOps controller's reason.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

import anyio

from slipway.config import AppConfig
from slipway.errors import StageError
from slipway.gitops.history import promotions, read_log
from slipway.gitops.locators import locator_for
from slipway.gitops.values_path import values_path
from slipway.kube.environment import env_workload
from slipway.kube.live import LiveState, SyncState, read_live, read_sync
from slipway.kube.rollout import runs_image

if TYPE_CHECKING:
    from slipway.gitops.repo import GitRemote
    from slipway.kube.target import KubeTarget
    from slipway.refs import ImageRef

__all__ = ["EnvStatus", "status", "wait_live"]


@dataclass(frozen=True)
class EnvStatus:
    """One environment: desired image (git), live image (cluster), rollout and sync state.

    `live_*`, `rollout` and `sync` are "" for an environment that names no cluster; `in_sync`
    is True when the cluster runs what git asks for (its digest, or the whole reference when git
    pins none) and the rollout is complete. `promotion_commit` is the newest promotion that no
    rollback reverted.
    """

    env: str
    desired_image: str
    desired_digest: str
    promotion_commit: str
    live_image: str = ""
    live_digest: str = ""
    rollout: str = ""
    sync: str = ""
    reason: str = ""

    @property
    def in_sync(self) -> bool:
        """Whether the cluster runs what git asks for, fully rolled out."""
        if self.rollout != "complete":
            return False
        if self.desired_digest:
            return self.live_digest == self.desired_digest
        return bool(self.live_image) and self.live_image == self.desired_image


def _why(live: LiveState, sync: SyncState | None) -> str:
    """Why an environment is not (yet) running what git asks: the controller's reason first."""
    if sync is not None and not sync.ready:
        return f"Flux {sync.reason}"
    return live.reason or ("" if sync is not None else "no Flux Kustomization applies this namespace")


def _sync_text(sync: SyncState | None) -> str:
    if sync is None:
        return ""
    return f"{sync.name}: {'Ready' if sync.ready else 'NotReady'} @ {sync.revision or '-'}"


async def status(
    config: AppConfig, remote: GitRemote, kube: Mapping[str, KubeTarget], kubectl_image: str
) -> list[EnvStatus]:
    """Every environment's state, from one clone of the GitOps repository and each cluster."""
    repo, commits = await read_log(remote, "status")
    locator = locator_for(config.gitops, config.repository)
    out = []
    for env in config.environments:
        path = values_path(config.gitops.values_path, config.app, env.name)
        desired = locator.read(await repo.file(path).contents(), path)
        newest = next((p for p in promotions(commits, config.app, env.name) if not p.rolled_back), None)
        base = EnvStatus(env.name, str(desired), desired.digest, newest.commit[:12] if newest else "")
        target = kube.get(env.name)
        if target is None:
            out.append(base)
            continue
        live = await read_live(target, kubectl_image, env.name, env_workload(config, env.name))
        sync = await read_sync(target, kubectl_image, env.name)
        reason = _why(live, sync) if not (live.rollout == "complete" and (sync is None or sync.ready)) else ""
        out.append(
            EnvStatus(
                base.env,
                base.desired_image,
                base.desired_digest,
                base.promotion_commit,
                live.image,
                live.digest,
                live.rollout,
                _sync_text(sync),
                reason,
            )
        )
    return out


async def wait_live(
    target: KubeTarget,
    kubectl_image: str,
    env: str,
    name: str,
    expected: ImageRef,
    timeout_s: float,
    on_progress: Callable[[str], None] | None = None,
    poll_s: float = 2.0,
) -> LiveState:
    """Poll until Deployment `name` runs `expected`, fully rolled out; StageError('wait') if not.

    A pinned `expected` matches on its digest, an unpinned one on the whole reference.
    """
    start = time.monotonic()
    last = ""
    want = expected.digest or str(expected)
    while True:
        live = await read_live(target, kubectl_image, env, name)
        if runs_image(live.image, expected) and live.rollout == "complete":
            return live
        sync = await read_sync(target, kubectl_image, env)
        running = live.digest or live.image or "nothing"
        seen = f"runs {running} ({live.rollout}); {_sync_text(sync) or 'no Flux sync'}"
        if on_progress is not None and seen != last:
            on_progress(f"wait: {env} {seen}")
        last = seen
        if live.rollout == "failed" or time.monotonic() - start > timeout_s:
            why = _why(live, sync)
            verdict = "rollout failed" if live.rollout == "failed" else f"timed out after {timeout_s:.0f}s"
            msg = (
                f"{verdict} waiting for {env} (namespace {target.namespace}) to run {want}: "
                f"deployment/{name} {seen}: {why}"
            )
            raise StageError("wait", msg)
        await anyio.sleep(poll_s)
