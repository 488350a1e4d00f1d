"""slipway: build-and-promote pipelines on Dagger.

The Python face of what the CLI and the Dagger module run, with the same defaults::

    import anyio
    import slipway

    async def main() -> None:
        config, graph = await slipway.build("examples/web-api")
        print(graph.steps["publish"].evidence)        # repo:<sha>@sha256:...
        result = await slipway.promote("staging", repo=URL, token=TOKEN, source="examples/web-api",
                                       from_env="dev")
        print(result.pull_request.url)

    anyio.run(main)

Each function connects to the engine (`slipway engine up` provisions it), checks its input
before connecting, and raises a `slipway.errors.SlipwayError` subclass naming the stage on
failure. Tokens are values here (the CLI reads them from `env:NAME` or `file:PATH`); a
`kubeconfig` is a source, `env:NAME` or `file:PATH`, as on the CLI. Nothing heavy is imported
until a function is called.
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (start-up; mypy reads it alike)
if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path
    from typing import Any

    from slipway.config import AppConfig
    from slipway.runner import GraphResult, StepRecord

__version__ = "0.1.0"
__all__ = [
    "__version__",
    "build",
    "build_and_propose",
    "deploy",
    "plan",
    "promote",
    "rollback",
    "status",
]


def _gitops(repo: str, token: str, base: str, forge: str) -> Any:
    from slipway.host import GitopsOptions

    return GitopsOptions(repo, token, base, forge)


async def build(
    source: str | Path,
    *,
    env: str = "",
    revision: str = "",
    tag: str = "",
    kubeconfig: str = "",
    on_change: Callable[[StepRecord], None] | None = None,
) -> tuple[AppConfig, GraphResult]:
    """Test, build, scan, render, validate (on the env's cluster too) and publish one app.

    Returns the app's config and the graph's result; `graph.ok` says whether every stage passed.
    """
    from pathlib import Path

    from slipway.host import BuildOptions, run_build

    options = BuildOptions(Path(source), env, revision, tag, kubeconfig=kubeconfig)
    return await run_build(options, on_change)


async def build_and_propose(
    source: str | Path,
    *,
    repo: str,
    token: str,
    base: str = "main",
    forge: str = "",
    revision: str = "",
    kubeconfig: str = "",
    wait_s: float = 0,
    on_change: Callable[[StepRecord], None] | None = None,
) -> tuple[AppConfig, Any]:
    """Build and gate the app, publish it, open the promotion PR for its first environment.

    With `wait_s`, wait (at most that long) until that environment's cluster runs the image.
    """
    from pathlib import Path

    from slipway.host import BuildOptions, run_build_and_propose

    options = BuildOptions(Path(source), revision=revision, kubeconfig=kubeconfig)
    return await run_build_and_propose(options, _gitops(repo, token, base, forge), on_change, wait_s=wait_s)


async def plan(
    source: str | Path,
    *,
    repo: str,
    token: str,
    base: str = "main",
    forge: str = "",
    revision: str = "",
    kubeconfig: str = "",
) -> tuple[AppConfig, Any]:
    """The gates (nothing published) and each environment's values and manifest diffs."""
    from pathlib import Path

    from slipway.host import BuildOptions, run_plan

    options = BuildOptions(Path(source), revision=revision, kubeconfig=kubeconfig)
    return await run_plan(options, _gitops(repo, token, base, forge))


async def promote(
    env: str,
    *,
    repo: str,
    token: str,
    source: str | Path | None = None,
    app: str = "",
    image: str = "",
    from_env: str = "",
    direct_push: bool = False,
    base: str = "main",
    forge: str = "",
    wait_s: float = 0,
    kubeconfig: str = "",
) -> Any:
    """Write `image` (or the image `from_env` runs) into `env`'s GitOps file: a PR, or a push.

    Without `source` (the app directory with slipway.yaml) every environment counts as protected.
    """
    from pathlib import Path

    from slipway.host import PromoteOptions, run_promote

    options = PromoteOptions(
        _gitops(repo, token, base, forge), env, app, Path(source) if source else None, image, from_env,
        direct_push, wait_s=wait_s, kubeconfig=kubeconfig,
    )  # fmt: skip
    return await run_promote(options)


async def rollback(
    env: str,
    *,
    repo: str,
    token: str,
    source: str | Path | None = None,
    app: str = "",
    base: str = "main",
    forge: str = "",
) -> Any:
    """Revert the newest promotion of the app to `env` in the GitOps repository (a PR if protected)."""
    from pathlib import Path

    from slipway.host import run_rollback

    return await run_rollback(_gitops(repo, token, base, forge), app, env, Path(source) if source else None)


async def status(
    source: str | Path, *, repo: str, token: str, base: str = "main", forge: str = "", kubeconfig: str = ""
) -> tuple[AppConfig, Any]:
    """Per environment: the digest git wants, the digest its cluster runs, rollout and sync."""
    from pathlib import Path

    from slipway.host import run_status

    return await run_status(_gitops(repo, token, base, forge), Path(source), kubeconfig)


async def deploy(
    source: str | Path, *, env: str, image: str, kubeconfig: str = ""
) -> tuple[AppConfig, GraphResult]:
    """Deploy `image` directly to a `deploy: direct` environment (helm or kubectl), then verify."""
    from pathlib import Path

    from slipway.host import DeployOptions, run_deploy

    return await run_deploy(DeployOptions(Path(source), env, image=image, kubeconfig=kubeconfig))
