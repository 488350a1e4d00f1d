"""The pipelines, declared as graphs: which stages run, on what, after what."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from slipway.config import AppConfig, SigningConfig
from slipway.errors import ConfigError
from slipway.refs import ImageRef
from slipway.runner import Step
from slipway.stages import build, dry_run, publish, render, sbom, scan, sign, test, validate
from slipway.stages.cosign import SigningKey
from slipway.tool_images import ToolImages

if TYPE_CHECKING:
    import dagger

    from slipway.kube.target import KubeTarget

__all__ = [
    "BuildRequest",
    "build_steps",
    "env_steps",
    "preflight",
    "render_config",
    "request_from_directory",
    "supply_chain_steps",
]


@dataclass(frozen=True)
class BuildRequest:
    """Everything the build graph needs: the app, its source in the engine, where it goes."""

    config: AppConfig
    source: dagger.Directory
    env: str
    revision: str
    created: str
    source_url: str
    tag: str = ""
    allow_custom_tag: bool = False
    registry_auth: publish.RegistryAuth | None = None
    cache_suffix: str = ""
    # env -> its cluster, for the server-side dry-run; envs without one validate offline only
    kube: Mapping[str, KubeTarget] = field(default_factory=dict)
    # False for the gates alone (flows/checks.py): the image carries no provenance labels and
    # is never published.
    labelled: bool = True
    # Given: sbom, sign and attest run too; only sign and attest ever receive the key.
    signing_key: SigningKey | None = None

    @property
    def publish_config(self) -> publish.PublishConfig:
        """Where the image goes."""
        return publish.PublishConfig(
            repository=self.config.repository,
            tag=self.tag or self.revision,
            protected=self.config.environment(self.env).protected,
            allow_custom_tag=self.allow_custom_tag,
            auth=self.registry_auth,
        )


def preflight(
    config: AppConfig, env: str, tag: str, *, allow_custom_tag: bool = False
) -> tuple[ToolImages, ImageRef]:
    """Everything checkable without an engine: tools, environment and the tag to publish."""
    tools = ToolImages.for_app(config)
    protected = config.environment(env).protected
    target = publish.check_publish_tag(
        publish.PublishConfig(config.repository, tag, protected, allow_custom_tag)
    )
    return tools, target


def render_config(config: AppConfig, env: str, image: ImageRef, tools: ToolImages) -> render.RenderConfig:
    """How to render `env`'s manifests with `image`: its values file (helm) or overlay (kustomize)."""
    deploy = config.deploy
    per_env = deploy.values if deploy.kind == "helm" else deploy.overlays
    return render.RenderConfig(
        app=config.app,
        env=env,
        kind=deploy.kind,
        path=deploy.path,
        env_file=per_env.get(env, ""),
        image=image,
        tool_image=tools[deploy.kind],
    )


async def config_from_directory(source: dagger.Directory) -> AppConfig:
    """The slipway.yaml in a source directory already in the engine, with its slipway.lock if any."""
    from pathlib import Path

    from slipway.config import parse_config
    from slipway.tool_images import LOCK_FILE
    from slipway.tool_lock import parse_lock

    config = parse_config(await source.file("slipway.yaml").contents(), Path("slipway.yaml"))
    if config.signing is not None:
        config = dataclasses.replace(config, signing=await _with_public_key(source, config.signing))
    if not await source.exists(LOCK_FILE):
        return config
    lock = parse_lock(await source.file(LOCK_FILE).contents(), Path(LOCK_FILE))
    return dataclasses.replace(config, tool_lock=lock)


async def _with_public_key(source: dagger.Directory, signing: SigningConfig) -> SigningConfig:
    """`signing` holding the text of its public key, read from `source`."""
    from slipway.keys import check_public_key

    if not await source.exists(signing.public_key):
        where = "slipway.yaml signing.public_key"
        msg = f"signing: public key {signing.public_key} is not in the source ({where})"
        raise ConfigError(msg)
    text = check_public_key(await source.file(signing.public_key).contents(), signing.public_key)
    return dataclasses.replace(signing, public_key_pem=text)


async def request_from_directory(
    source: dagger.Directory,
    revision: str,
    *,
    created: str | None,
    source_url: str | None,
    env: str = "",
    tag: str = "",
    registry_auth: publish.RegistryAuth | None = None,
) -> BuildRequest:
    """A BuildRequest for a source directory already in the engine (its slipway.yaml inside).

    `created` (the commit time) and `source_url` label the image; both are required for a request
    that builds one, and None only for a request that tests or renders without building.
    """
    from slipway.source import check_provenance

    if created is not None or source_url is not None:
        check_provenance(created or "", source_url or "")
    config = await config_from_directory(source)
    env_name = env or config.environments[0].name
    preflight(config, env_name, tag or revision)
    return BuildRequest(
        config=config, source=source, env=env_name, revision=revision, created=created or "",
        source_url=source_url or "", tag=tag, registry_auth=registry_auth,
    )  # fmt: skip


def build_steps(req: BuildRequest, *, with_publish: bool = True) -> list[Step]:
    """Test ∥ (build → scan) ∥ (render → validate), then publish once all of them pass."""
    if with_publish and not req.labelled:
        msg = "publish: an image built for the gates alone (no provenance labels) is never published"
        raise ConfigError(msg)
    cfg = req.config
    tools, _ = preflight(cfg, req.env, req.tag or req.revision, allow_custom_tag=req.allow_custom_tag)
    src = req.source

    async def run_test(_: Any) -> test.TestResult:
        return await test.run_tests(
            src, test.TestConfig(cfg.toolchain, tools[_toolchain_tool(cfg)], req.cache_suffix)
        )

    async def run_build(_: Any) -> build.BuildResult:
        conf = build.BuildConfig(
            cfg.build.dockerfile, cfg.build.context, req.revision, req.created, req.source_url,
            labelled=req.labelled,
        )  # fmt: skip
        return await build.build(src, conf)

    async def run_scan(out: Any) -> scan.ScanResult:
        ignore = src.file(cfg.scan.ignore_file) if cfg.scan.ignore_file else None
        return await scan.scan(
            out["build"].image, scan.ScanConfig(tools["trivy"], cfg.scan.severities, ignore)
        )

    async def run_publish(out: Any) -> ImageRef:
        return await publish.publish(out["build"].image, req.publish_config)

    steps = [
        Step("test", run_test),
        Step("build", run_build),
        Step("scan", run_scan, needs=("build",)),
        *env_steps(req, req.env),
    ]
    if with_publish:
        steps.append(Step("publish", run_publish, needs=("test", "scan", "validate")))
        if req.signing_key is not None:
            steps += supply_chain_steps(req, tools, req.signing_key)
    return steps


def supply_chain_steps(req: BuildRequest, tools: ToolImages, key: SigningKey) -> list[Step]:
    """Sbom beside the gates; sign and attest of the published digest once every gate passed."""

    async def run_sbom(out: Any) -> sbom.SbomResult:
        return await sbom.sbom(out["build"].image, tools["trivy"])

    async def run_sign(out: Any) -> sign.Signed:
        return await sign.sign(out["publish"], tools["cosign"], key)

    async def run_attest(out: Any) -> sign.Attested:
        from slipway.flows.provenance_facts import build_facts
        from slipway.provenance import provenance_statement

        used = (
            "trivy",
            "cosign",
            _toolchain_tool(req.config),
            req.config.deploy.kind,
            "kubeconform",
            "conftest",
        )
        facts = await build_facts(req, {name: tools[name] for name in used})
        statement = provenance_statement(out["publish"], facts)
        boms: sbom.SbomResult = out["sbom"]
        return await sign.attest(out["publish"], tools["cosign"], key, statement, boms.spdx, boms.cyclonedx)

    return [
        Step("sbom", run_sbom, needs=("build",)),
        Step("sign", run_sign, needs=("publish",)),
        Step("attest", run_attest, needs=("publish", "sbom")),
    ]


def env_steps(req: BuildRequest, env: str, suffix: str = "") -> list[Step]:
    """Render → validate of `env`'s manifests with the image tagged by the request's tag.

    The steps are named `render<suffix>` and `validate<suffix>`, so one graph can hold several
    environments' (flows/checks.py names them `render:dev`, `validate:dev`, ...).
    """
    cfg = req.config
    environment = cfg.environment(env)
    tools, target = preflight(cfg, env, req.tag or req.revision, allow_custom_tag=req.allow_custom_tag)
    rendered = f"render{suffix}"

    async def run_render(_: Any) -> render.RenderResult:
        conf = render_config(cfg, env, ImageRef(target.repository, target.tag), tools)
        return await render.render(req.source, conf)

    async def run_validate(out: Any) -> validate.ValidateResult:
        policies = req.source.directory(cfg.policy.dir) if cfg.policy.dir else None
        conf = validate.ValidateConfig(
            env, environment.protected, tools["kubeconform"], tools["conftest"], policies, cfg.policy
        )
        result = await validate.validate(out[rendered].manifests, conf, out[rendered].hooks_file)
        if (kube := req.kube.get(env)) is not None:
            checked = await dry_run.server_dry_run(
                out[rendered].manifests, dry_run.DryRunConfig(env, kube, tools["kubectl"])
            )
            result = dataclasses.replace(result, server_checked=len(checked.resources))
        return result

    return [Step(rendered, run_render), Step(f"validate{suffix}", run_validate, needs=(rendered,))]


def _toolchain_tool(cfg: AppConfig) -> str:
    return {"go": "go", "npm": "node"}[cfg.toolchain]
