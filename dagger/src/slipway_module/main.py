"""The module's one object: thin functions over the slipway library.

No `from __future__ import annotations` here: the SDK reads `Annotated` metadata (DefaultPath,
Ignore, Doc) from live annotations only, and string annotations lose it, which makes `--source`
required and the checks invisible to `dagger check`.
"""

import contextlib
import dataclasses
import os
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated

import dagger
from dagger import DefaultPath, Doc, Ignore, check, dag, function, object_type

# The SDK's own "escape hatch to fully control logging from user code" (dagger.mod._module.call):
# raised as is, without the traceback the SDK logs for any other exception. Not re-exported.
from dagger.mod._exceptions import FunctionError

from slipway.config import AppConfig
from slipway.engine.probe import engine_version
from slipway.errors import SlipwayError
from slipway.flows.build import BuildRequest, build_steps, request_from_directory
from slipway.flows.deploy import DeployRequest, deploy_steps, rollback_steps
from slipway.host import AppTarget, GitopsOptions, app_target, app_tools, git_remote, gitops_target
from slipway.refs import is_loopback_registry
from slipway.runner import GraphResult, run_graph
from slipway.secrets import read_token
from slipway.source import SOURCE_EXCLUDES
from slipway.stages import build as build_stage
from slipway.stages import publish as publish_stage
from slipway.tool_images import PROJECT_TOOL_IMAGES
from slipway_module.results import Deployment, Plan, Promotion, Proposal, Published, Rollback

# The CLI's deny-list, not an allow-list: the module and `slipway run` see the same files.
Source = Annotated[
    dagger.Directory,
    Doc("application source with slipway.yaml"),
    DefaultPath("."),
    Ignore(SOURCE_EXCLUDES),
]
Revision = Annotated[str, Doc("the commit SHA being built (e.g. $GITHUB_SHA)")]
CheckRevision = Annotated[str, Doc("the commit SHA the manifests' image tag uses (default: 40 zeros)")]
Created = Annotated[str, Doc("the commit's time, ISO 8601 (e.g. $(git log -1 --format=%cI))")]
SourceUrl = Annotated[str, Doc("the app's repository URL, for the image's source label")]
Env = Annotated[str, Doc("environment name from slipway.yaml (default: the first)")]
RepoUrl = Annotated[str, Doc("GitOps repository URL, https://host/owner/repo.git")]
Token = Annotated[dagger.Secret, Doc("git/forge token for the GitOps repository")]
RegistryUser = Annotated[str, Doc("registry user (with a password)")]
RegistryPassword = Annotated[dagger.Secret | None, Doc("registry password or token")]
Base = Annotated[str, Doc("GitOps default branch")]
SigningKeyArg = Annotated[
    dagger.Secret | None,
    Doc("cosign private key: sbom, sign and attest then run once every gate has passed"),
]
SigningPassword = Annotated[dagger.Secret | None, Doc("the signing key's password (default: none)")]
Forge = Annotated[str, Doc("gitea | github | gitlab (default: from the URL)")]
Kubeconfig = Annotated[
    dagger.Secret, Doc("the environment's deploy kubeconfig (separate from registry and git credentials)")
]
KubeService = Annotated[
    dagger.Service | None,
    Doc("the API server when it listens on this machine's loopback (tcp://127.0.0.1:16443)"),
]


@contextlib.contextmanager
def _one_line_errors() -> Iterator[None]:
    """A slipway error becomes the call's error message as is: one line, no Python traceback."""
    try:
        yield
    except SlipwayError as exc:
        details = getattr(exc, "details", "")
        if details:
            print(details, file=sys.stderr)
        raise FunctionError(str(exc)) from None


def _check(graph: GraphResult) -> None:
    """Raise the failed stages' lines (their output goes to the call's log) unless all passed."""
    from slipway.report import failure_details, failure_report

    if not graph.ok:
        if details := failure_details(graph):
            print(details, file=sys.stderr)
        raise FunctionError(failure_report(graph))


async def _gitops(
    repo: str, token: dagger.Secret, base: str, forge: str, service: dagger.Service | None
) -> GitopsOptions:
    from slipway.gitops.repo import tunnel_loopback_forge

    options = GitopsOptions(repo, read_token(await token.plaintext(), "--gitops-token"), base, forge)
    await tunnel_loopback_forge(repo, service)  # this runs in a container: loopback is elsewhere
    return options


async def _direct_request(
    source: dagger.Directory,
    env: str,
    image: str,
    kubeconfig: dagger.Secret,
    service: dagger.Service | None,
    doing: str,
) -> DeployRequest:
    """A direct deploy or rollback of the app in `source` to `env`, refused as the CLI refuses."""
    from slipway.flows.build import config_from_directory
    from slipway.flows.deploy import check_direct, check_image
    from slipway.identity import check_env
    from slipway.kube.environment import secret_kube_target

    check_env(env, "--env")
    config = await config_from_directory(source)
    cluster = check_direct(config, env, doing)
    if image:
        check_image(config, env, image)
    target = await secret_kube_target(kubeconfig, cluster.namespace, service)
    return DeployRequest(config, source, env, target, image)


async def _app_config(source: dagger.Directory) -> AppConfig:
    """The slipway.yaml in `source` (with its slipway.lock), parsed and checked."""
    from slipway.flows.build import config_from_directory

    return await config_from_directory(source)


async def _app_target(source: dagger.Directory, env: str) -> AppTarget:
    """The app's promotion rules, from the slipway.yaml in `source`."""
    return app_target(await _app_config(source), "", env)


async def _signed(
    req: BuildRequest,
    key: dagger.Secret | None,
    password: dagger.Secret | None,
    registry_service: dagger.Service | None,
) -> BuildRequest:
    """`req` signing with `key` once cosign has opened it and it pairs with slipway.yaml's public key."""
    from slipway.errors import ConfigError
    from slipway.host import checked_signing_key
    from slipway.stages.cosign import SigningKey

    if key is None:
        if password is not None:
            raise ConfigError("--signing-password: pass --signing-key too (the password unlocks it)")
        return req
    registry = req.config.repository.split("/", 1)[0]
    if is_loopback_registry(registry) and not registry_service:
        msg = (
            f"--signing-key: the registry {registry} is on this machine's loopback, which cosign cannot "
            f"reach from the module: pass it as a service (--registry-service tcp://{registry})"
        )
        raise ConfigError(msg)
    signing = SigningKey(key, password or dag.set_secret("slipway-signing-password", ""))
    return dataclasses.replace(req, signing_key=await checked_signing_key(req.config, signing))


def _auth(username: str, password: dagger.Secret | None) -> publish_stage.RegistryAuth | None:
    return publish_stage.RegistryAuth(username, password) if password else None


@object_type
class Slipway:
    """Build, scan, validate, publish and promote applications."""

    project_tools: Annotated[
        dagger.Directory,
        Doc(f"the installing project's tool-image table, if it has one ({PROJECT_TOOL_IMAGES})"),
        DefaultPath("."),
        Ignore(["*", f"!{PROJECT_TOOL_IMAGES}"]),
    ]
    tool_images: Annotated[
        dagger.File | None,
        Doc("the engine's tool-image table, for an air-gapped engine (~/.cache/slipway/tool-images.json)"),
    ] = None
    forge_service: Annotated[
        dagger.Service | None,
        Doc("the GitOps forge when it listens on this machine's loopback (tcp://localhost:3000)"),
    ] = None
    kubeconfig: Annotated[
        dagger.Secret | None,
        Doc("kubeconfig for the environments slipway.yaml gives a cluster (server-side dry-run, deploy)"),
    ] = None
    kube_service: Annotated[
        dagger.Service | None,
        Doc("the Kubernetes API server when it listens on this machine's loopback (tcp://localhost:16443)"),
    ] = None
    registry_service: Annotated[
        dagger.Service | None,
        Doc(
            "the image registry when it listens on this machine's loopback, for cosign (tcp://localhost:5000)"
        ),
    ] = None

    async def _prepare(self) -> None:
        """Make the given (or the project's) tool-image table and registry service the library's."""
        from slipway.stages.cosign import use_registry_service

        use_registry_service(self.registry_service)
        table = self.tool_images
        if table is None and await self.project_tools.exists(PROJECT_TOOL_IMAGES):
            table = self.project_tools.file(PROJECT_TOOL_IMAGES)
        if table is not None:
            path = Path(tempfile.gettempdir()) / "slipway-tool-images.json"
            path.write_text(await table.contents())
            os.environ["SLIPWAY_TOOL_IMAGES"] = str(path)

    @function
    async def version(self) -> Annotated[str, Doc("the engine version running this module")]:
        """Return the version of the Dagger engine this module runs on."""
        return await engine_version()

    @function
    def base(
        self, image: Annotated[str, Doc("base image reference")] = "debian:bookworm"
    ) -> dagger.Container:
        """Return the base container the stages start from."""
        return dag.container().from_(image)

    async def _with_clusters(self, req: BuildRequest, *, every_env: bool = False) -> BuildRequest:
        """`req` with the cluster of its environment (of every one, for plan) from --kubeconfig."""
        from slipway.kube.environment import secret_kube_targets

        envs = [e.name for e in req.config.environments] if every_env else [req.env]
        kube = await secret_kube_targets(req.config, envs, self.kubeconfig, self.kube_service)
        return dataclasses.replace(req, kube=kube)

    async def _step(self, request: BuildRequest, name: str) -> object:
        steps = {s.name: s for s in build_steps(request, with_publish=False)}
        wanted = [s for s in steps.values() if s.name == name or s.name in steps[name].needs]
        graph = await run_graph(wanted)
        _check(graph)
        return graph.steps[name].evidence

    async def _gate(self, source: dagger.Directory, name: str, revision: str = "") -> GraphResult:
        """Run one check's steps (flows/checks.py) on `source`; raise its failures' lines."""
        from slipway.flows.checks import check_request, check_steps

        await self._prepare()
        with _one_line_errors():
            req = check_request(await _app_config(source), source, revision)
            if name == "validate" and self.kubeconfig is not None:
                req = await self._with_clusters(req, every_env=True)
            graph = await run_graph(check_steps(req, [name]))
            _check(graph)
        return graph

    @function
    @check
    async def config(self, source: Source) -> str:
        """Check slipway.yaml: it parses, every environment passes preflight, its files exist."""
        return (await self._gate(source, "config")).steps["config"].evidence  # type: ignore[no-any-return]

    @function
    @check
    async def test(self, source: Source, revision: CheckRevision = "") -> str:
        """Run the app's unit tests (a check); return the tail of their output."""
        return (await self._gate(source, "test", revision)).steps["test"].evidence.output  # type: ignore[no-any-return]

    @function
    @check
    async def scan(self, source: Source) -> str:
        """Build the image and scan it (a check; the image is never published); return the steps."""
        from slipway.flows.checks import check_report

        return check_report(await self._gate(source, "scan"))

    @function
    @check
    async def validate(self, source: Source, revision: CheckRevision = "") -> str:
        """Render and validate every environment's manifests (a check); return the steps.

        Environments with a cluster are also dry-run on it when the module has --kubeconfig;
        without it the report says which were checked offline only.
        """
        from slipway.flows.checks import check_report

        report = check_report(await self._gate(source, "validate", revision))
        config = await _app_config(source)
        offline = [e.name for e in config.environments if e.cluster is not None and self.kubeconfig is None]
        if offline:
            report += (
                f"\nserver-side dry-run not run for {', '.join(offline)}: pass --kubeconfig to the module"
            )
        return report

    @function
    async def build(
        self, source: Source, revision: Revision, created: Created, source_url: SourceUrl
    ) -> dagger.Container:
        """Build the app's Dockerfile into an image labelled with its revision, time and source."""
        await self._prepare()
        with _one_line_errors():
            req = await request_from_directory(source, revision, created=created, source_url=source_url)
            b = req.config.build
            conf = build_stage.BuildConfig(b.dockerfile, b.context, revision, created, source_url)
        return build_stage.build_image(source, conf)

    @function
    async def render(self, source: Source, revision: Revision, env: Env = "") -> dagger.File:
        """Render the environment's manifests with the image tagged by the revision (Helm hooks left out)."""
        await self._prepare()
        with _one_line_errors():
            req = await request_from_directory(source, revision, created=None, source_url=None, env=env)
            return (await self._step(req, "render")).manifests  # type: ignore[attr-defined]

    @function(cache="never")  # it pushes (or reads what others push): never a cached result
    async def publish(
        self,
        source: Source,
        revision: Revision,
        created: Created,
        source_url: SourceUrl,
        registry_username: RegistryUser = "",
        registry_password: RegistryPassword = None,
        signing_key: SigningKeyArg = None,
        signing_password: SigningPassword = None,
    ) -> Published:
        """Run every gate, then push the image under the commit SHA; return the pinned reference."""
        await self._prepare()
        with _one_line_errors():
            req = await request_from_directory(
                source, revision, created=created, source_url=source_url,
                registry_auth=_auth(registry_username, registry_password),
            )  # fmt: skip
            req = await _signed(req, signing_key, signing_password, self.registry_service)
            graph = await run_graph(build_steps(await self._with_clusters(req)))
            _check(graph)
        return Published.of(graph.steps["publish"].evidence, graph)

    @function(cache="never")  # it pushes (or reads what others push): never a cached result
    async def build_and_propose(
        self,
        source: Source,
        revision: Revision,
        created: Created,
        source_url: SourceUrl,
        gitops_repo: RepoUrl,
        gitops_token: Token,
        registry_username: RegistryUser = "",
        registry_password: RegistryPassword = None,
        base: Base = "main",
        forge: Forge = "",
        signing_key: SigningKeyArg = None,
        signing_password: SigningPassword = None,
    ) -> Proposal:
        """Test, build, scan, validate and publish, then open the PR for the first environment."""
        from slipway.flows.build_and_propose import build_and_propose

        await self._prepare()
        with _one_line_errors():
            gitops = await _gitops(gitops_repo, gitops_token, base, forge, self.forge_service)
            req = await request_from_directory(
                source, revision, created=created, source_url=source_url,
                registry_auth=_auth(registry_username, registry_password),
            )  # fmt: skip
            req = await _signed(req, signing_key, signing_password, self.registry_service)
            req = await self._with_clusters(req)
            outcome = await build_and_propose(req, gitops_target(gitops, app_tools(req.config)))
            _check(outcome.graph)
        published = Published.of(outcome.graph.steps["publish"].evidence, outcome.graph)
        promotion = Promotion.of(outcome.promotion)
        return Proposal(
            image=published.image, digest=published.digest, pr_url=promotion.pr_url,
            promotion=promotion, stages=published.stages,
        )  # fmt: skip

    @function(cache="never")  # it pushes (or reads what others push): never a cached result
    async def promote(
        self,
        env: Annotated[str, Doc("environment to promote to (from slipway.yaml)")],
        gitops_repo: RepoUrl,
        gitops_token: Token,
        source: Source,
        image: Annotated[str, Doc("image reference (repo:<sha>[@sha256:...])")] = "",
        from_env: Annotated[str, Doc("promote the image this environment runs")] = "",
        direct_push: Annotated[bool, Doc("push to the base branch (unprotected only)")] = False,
        base: Base = "main",
        forge: Forge = "",
    ) -> Promotion:
        """Write an image into the environment's values file: a pull request or a direct push."""
        from slipway.host import promote_env

        await self._prepare()
        with _one_line_errors():
            gitops = await _gitops(gitops_repo, gitops_token, base, forge, self.forge_service)
            target = await _app_target(source, env)
            outcome = await promote_env(
                target, git_remote(gitops, target.tools), gitops, image=image, from_env=from_env,
                direct_push=direct_push,
            )  # fmt: skip
        return Promotion.of(outcome)

    @function(cache="never")  # it pushes (or reads what others push): never a cached result
    async def rollback(
        self,
        env: Annotated[str, Doc("environment to roll back")],
        gitops_repo: RepoUrl,
        gitops_token: Token,
        source: Source,
        base: Base = "main",
        forge: Forge = "",
    ) -> Rollback:
        """Revert the newest promotion of the app to the environment."""
        from slipway.host import rollback_env

        await self._prepare()
        with _one_line_errors():
            gitops = await _gitops(gitops_repo, gitops_token, base, forge, self.forge_service)
            target = await _app_target(source, env)
            outcome = await rollback_env(target, git_remote(gitops, target.tools), gitops)
        return Rollback.of(outcome)

    @function(cache="never")  # it pushes (or reads what others push): never a cached result
    async def plan(
        self,
        source: Source,
        revision: Revision,
        created: Created,
        source_url: SourceUrl,
        gitops_repo: RepoUrl,
        gitops_token: Token,
        base: Base = "main",
        forge: Forge = "",
    ) -> Plan:
        """Run the gates and show every environment's values and manifest diffs; push nothing."""
        from slipway.flows.plan import plan

        await self._prepare()
        with _one_line_errors():
            gitops = await _gitops(gitops_repo, gitops_token, base, forge, self.forge_service)
            req = await request_from_directory(source, revision, created=created, source_url=source_url)
            req = await self._with_clusters(req, every_env=True)
            graph, image, plans = await plan(req, gitops_target(gitops, app_tools(req.config)))
            _check(graph)
        return Plan.of(image, graph, plans)

    @function(cache="never")  # it changes a cluster: never a cached result
    async def deploy(
        self,
        source: Source,
        env: Annotated[str, Doc("environment to deploy to (deploy: direct in slipway.yaml)")],
        image: Annotated[str, Doc("published image, repository:<tag>[@sha256:...]; a digest for protected")],
        kubeconfig: Kubeconfig,
        kube_service: KubeService = None,
    ) -> Deployment:
        """Deploy a published image straight to the environment's cluster and verify the rollout.

        helm upgrade --install --atomic --wait (helm apps), or kubectl apply --server-side and
        rollout status (kustomize apps); a rollout that does not become ready is undone.
        """
        await self._prepare()
        with _one_line_errors():
            request = await _direct_request(source, env, image, kubeconfig, kube_service, "deploy")
            graph = await run_graph(deploy_steps(request))
            _check(graph)
        return Deployment.of(graph)

    @function(cache="never")  # it changes a cluster: never a cached result
    async def rollback_direct(
        self,
        source: Source,
        env: Annotated[str, Doc("environment to roll back (deploy: direct in slipway.yaml)")],
        kubeconfig: Kubeconfig,
        kube_service: KubeService = None,
    ) -> Deployment:
        """Roll a direct environment back to its newest earlier healthy revision and verify it.

        helm rollback (helm apps) or kubectl rollout undo (kustomize apps); refused when no
        earlier revision was healthy. GitOps environments roll back with `rollback`.
        """
        await self._prepare()
        with _one_line_errors():
            request = await _direct_request(source, env, "", kubeconfig, kube_service, "rollback")
            graph = await run_graph(rollback_steps(request))
            _check(graph)
        return Deployment.of(graph)
