"""render: the environment's manifests with the new image, via `helm template` or `kustomize build`.

Rendered as a controller applies them: `helm template --skip-tests` (Argo CD and Flux do not run
test hooks on sync), and the chart's other hooks (documents with a `helm.sh/hook` annotation)
kept apart from the manifests, since a controller runs them around the release instead of
applying them with it. The output is written in one canonical form (manifest_docs.py), so the
same inputs give the same bytes.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import TYPE_CHECKING

from slipway.errors import StageError
from slipway.manifest_docs import Manifest, join_manifests, split_manifests
from slipway.refs import ImageRef
from slipway.stages.engine_calls import exec_outcome, stage_errors, tail
from slipway.stages.tool_container import tool_container

if TYPE_CHECKING:
    import dagger

__all__ = [
    "RenderConfig",
    "RenderResult",
    "helm_image_values",
    "helm_template_args",
    "render",
    "render_container",
    "split_hooks",
]

_OUT = "/out/manifests.yaml"


@dataclass(frozen=True)
class RenderConfig:
    """What to render: chart or kustomize base, the env's values file or overlay, the image."""

    app: str
    env: str
    kind: str
    path: str
    env_file: str
    image: ImageRef
    tool_image: str


@dataclass(frozen=True)
class RenderResult:
    """The rendered manifests, as a file in the engine and as text, and the chart's hooks apart.

    `manifests` and `text` hold what the controller applies (no hooks); `hooks` lists the Helm
    hooks (kind, name, hook types) and `hooks_file` holds them for validation (None: no hooks).
    `tool_image` is the helm or kustomize image it ran in (by digest when the tool is locked).
    """

    manifests: dagger.File
    text: str
    hooks: tuple[Manifest, ...] = ()
    hooks_file: dagger.File | None = None
    tool_image: str = ""


def helm_image_values(image: ImageRef) -> list[str]:
    """The helm flags that set the chart's image: repository, tag and digest, as strings."""
    return [
        *("--set-string", f"image.repository={image.repository}"),
        *("--set-string", f"image.tag={image.tag}"),
        *("--set-string", f"image.digest={image.digest}"),
    ]


def helm_template_args(config: RenderConfig) -> list[str]:
    """`helm template` as a controller renders: the env's namespace and values, the image, no test hooks."""
    args = [
        "helm",
        "template",
        config.app,
        f"./{config.path}",
        "--namespace",
        f"{config.app}-{config.env}",
        "--skip-tests",
    ]
    if config.env_file:
        args += ["--values", config.env_file]
    return args + helm_image_values(config.image)


# The overlay and the image arrive as environment variables, never as script text.
_KUSTOMIZE = 'cd -- "$SLIPWAY_OVERLAY" && kustomize edit set image "$SLIPWAY_IMAGE" && kustomize build .'


async def render_container(source: dagger.Directory, config: RenderConfig) -> dagger.Container:
    """The container that renders into /out/manifests.yaml (exit code not enforced)."""
    from dagger import ReturnType, dag

    ctr = (await tool_container(config.tool_image)).with_directory("/app", source).with_workdir("/app")
    if config.kind == "helm":
        args = helm_template_args(config)
    else:
        ctr = ctr.with_env_variable("SLIPWAY_OVERLAY", config.env_file or config.path)
        ctr = ctr.with_env_variable("SLIPWAY_IMAGE", f"{config.app}={config.image}")
        args = ["sh", "-c", _KUSTOMIZE]
    ctr = ctr.with_directory("/out", dag.directory())
    return ctr.with_exec(args, redirect_stdout=_OUT, expect=ReturnType.ANY)


async def _check_present(source: dagger.Directory, config: RenderConfig) -> None:
    """Name a chart, overlay or values file missing from the source, instead of the tool's guess."""
    import dagger

    kind = "chart directory" if config.kind == "helm" else "kustomize directory"
    wanted = [(config.path, kind)]
    if config.env_file:
        wanted.append((config.env_file, f"{config.env} values file or overlay"))
    for path, what in wanted:
        parent, name = PurePosixPath(path).parent, PurePosixPath(path).name
        try:
            names = await source.entries(path=str(parent))
        except dagger.QueryError:
            names = []
        if name not in {n.rstrip("/") for n in names}:
            msg = f"could not render {config.env}: the {what} {path!r} is not in the source"
            raise StageError("render", f"{msg} (check deploy in slipway.yaml)")


async def render(source: dagger.Directory, config: RenderConfig) -> RenderResult:
    """Render now; raise StageError('render', ...) with the tool's error."""
    await _check_present(source, config)
    tool = "helm template" if config.kind == "helm" else "kustomize build"
    ctr = await render_container(source, config)
    async with stage_errors("render", f"run {tool}", "check the chart or overlay"):
        outcome = await exec_outcome(ctr)
        if outcome.exit_code != 0:
            reason = tail(outcome.stderr or outcome.stdout, 1)
            msg = f"could not render {config.env} with {tool}: {reason} (fix the chart/overlay or values)"
            raise StageError("render", msg, details=tail(outcome.output))
        text = await ctr.file(_OUT).contents()
    applied, hooks = split_hooks(text, config.kind)
    if not applied and not hooks:
        raise StageError("render", f"could not render {config.env}: {tool} produced no manifests")
    return RenderResult(
        manifests=_file(applied),
        text=applied,
        hooks=hooks,
        hooks_file=_file(join_manifests(hooks)) if hooks else None,
        tool_image=config.tool_image,
    )


def split_hooks(text: str, kind: str) -> tuple[str, tuple[Manifest, ...]]:
    """A render's output as (the manifests a controller applies, canonical; the Helm hooks apart).

    Hooks are Helm's: a kustomize render is applied whole, so all of it is manifests.
    """
    documents = split_manifests(text)
    helm = kind == "helm"
    hooks = tuple(d for d in documents if helm and d.hook)
    return join_manifests(d for d in documents if not (helm and d.hook)), hooks


def _file(text: str) -> dagger.File:
    from dagger import dag

    return dag.directory().with_new_file("manifests.yaml", text).file("manifests.yaml")
