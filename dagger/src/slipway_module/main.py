"""The module's one object: thin functions over the slipway library."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import dagger
from dagger import DefaultPath, Doc, Ignore, dag, function, object_type

from slipway.config import parse_config
from slipway.engine.probe import engine_version
from slipway.flows.build import BuildRequest, build_steps, request_from_directory
from slipway.flows.build_and_propose import GitopsTarget
from slipway.gitops.forges import RepoRef, forge_for
from slipway.gitops.repo import GitRemote
from slipway.host import AppTarget, GitopsOptions, app_target
from slipway.runner import run_graph
from slipway.secrets import read_token
from slipway.stages import build as build_stage
from slipway.stages import publish as publish_stage
from slipway.tool_images import ToolImages

# Allowlist: what an application's source needs; everything else stays on the caller's disk.
SOURCE_IGNORE = [
    "*",
    "!slipway.yaml", "!Dockerfile", "!*.Dockerfile", "!.dockerignore", "!.trivyignore",
    "!go.mod", "!go.sum", "!**/*.go", "!package.json", "!package-lock.json",
    "!**/*.js", "!**/*.mjs", "!**/*.ts", "!**/*.json", "!**/*.html", "!**/*.css",
    "!chart/**", "!deploy/**", "!policy/**", "!internal/**", "!cmd/**", "!pkg/**",
    "!lib/**", "!src/**", "!test/**", "!public/**",
    "**/node_modules", "**/.git",
]  # fmt: skip

Source = Annotated[
    dagger.Directory,
    Doc("application source with slipway.yaml"),
    DefaultPath("."),
    Ignore(SOURCE_IGNORE),
]
Revision = Annotated[str, Doc("the commit SHA being built (e.g. $GITHUB_SHA)")]
Env = Annotated[str, Doc("environment name from slipway.yaml (default: the first)")]
RepoUrl = Annotated[str, Doc("GitOps repository URL, https://host/owner/repo.git")]
Token = Annotated[dagger.Secret, Doc("git/forge token for the GitOps repository")]


async def _gitops(repo: str, token: dagger.Secret, base: str, forge: str) -> tuple[GitopsOptions, GitRemote]:
    """The checked GitOps options and the git remote holding the token as a secret."""
    options = GitopsOptions(repo, read_token(await token.plaintext(), "--gitops-token"), base, forge)
    client = forge_for(RepoRef.from_url(repo), options.token, forge)
    image = ToolImages.resolve()["git"]
    return options, GitRemote(repo, client.username, token, image, base)


async def _target(repo: str, token: dagger.Secret, base: str, forge: str) -> GitopsTarget:
    options, remote = await _gitops(repo, token, base, forge)
    return GitopsTarget(remote, options.token, forge)


async def _app_target(source: dagger.Directory, env: str) -> AppTarget:
    """The app's promotion rules, from the slipway.yaml in `source`."""
    config = parse_config(await source.file("slipway.yaml").contents(), Path("slipway.yaml"))
    return app_target(config, "", env)


@object_type
class Slipway:
    """Build, scan, validate, publish and promote applications."""

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

    async def _request(self, source: dagger.Directory, revision: str, env: str = "") -> BuildRequest:
        return await request_from_directory(source, revision, env=env)

    async def _step(self, request: BuildRequest, name: str) -> object:
        steps = {s.name: s for s in build_steps(request, with_publish=False)}
        wanted = [s for s in steps.values() if s.name == name or s.name in steps[name].needs]
        result = await run_graph(wanted)
        if not result.ok:
            raise result.failures[0].error  # type: ignore[misc]
        return result.steps[name].evidence

    @function
    async def test(self, source: Source, revision: Revision = "0" * 40) -> str:
        """Run the app's unit tests; return the tail of their output."""
        evidence = await self._step(await self._request(source, revision), "test")
        return evidence.output  # type: ignore[attr-defined]

    @function
    async def build(self, source: Source, revision: Revision) -> dagger.Container:
        """Build the app's Dockerfile into an image labelled with its revision."""
        req = await self._request(source, revision)
        conf = build_stage.BuildConfig(
            req.config.build.dockerfile,
            req.config.build.context,
            revision,
            req.created,
            req.source_url,
        )
        return build_stage.build_image(source, conf)

    @function
    async def scan(self, source: Source, revision: Revision) -> dagger.Container:
        """Build and scan the image; return it when the severity gate passes."""
        req = await self._request(source, revision)
        await self._step(req, "scan")
        return (await self._step(req, "build")).image  # type: ignore[attr-defined]

    @function
    async def render(self, source: Source, revision: Revision, env: Env = "") -> dagger.File:
        """Render the environment's manifests with the image tagged by the revision."""
        evidence = await self._step(await self._request(source, revision, env), "render")
        return evidence.manifests  # type: ignore[attr-defined]

    @function
    async def validate(self, source: Source, revision: Revision, env: Env = "") -> dagger.File:
        """Render and validate (kubeconform -strict, conftest); return the validated manifests."""
        req = await self._request(source, revision, env)
        await self._step(req, "validate")
        return (await self._step(req, "render")).manifests  # type: ignore[attr-defined]

    @function
    async def publish(
        self,
        source: Source,
        revision: Revision,
        registry_username: Annotated[str, Doc("registry user (with a password)")] = "",
        registry_password: Annotated[dagger.Secret | None, Doc("registry password or token")] = None,
    ) -> Annotated[str, Doc("repository:<sha>@sha256:...")]:
        """Run every gate, then push the image under the commit SHA; return the pinned reference."""
        auth = publish_stage.RegistryAuth(registry_username, registry_password) if registry_password else None
        req = await request_from_directory(source, revision, registry_auth=auth)
        result = await run_graph(build_steps(req))
        if not result.ok:
            raise result.failures[0].error  # type: ignore[misc]
        return str(result.steps["publish"].evidence)

    @function
    async def build_and_propose(
        self,
        source: Source,
        revision: Revision,
        gitops_repo: RepoUrl,
        gitops_token: Token,
        registry_username: Annotated[str, Doc("registry user (with a password)")] = "",
        registry_password: Annotated[dagger.Secret | None, Doc("registry password or token")] = None,
        base: Annotated[str, Doc("GitOps default branch")] = "main",
        forge: Annotated[str, Doc("gitea | github | gitlab (default: from the URL)")] = "",
    ) -> Annotated[str, Doc("Image: and PR: lines")]:
        """Test, build, scan, validate and publish, then open the PR for the first environment."""
        from slipway.flows.build_and_propose import build_and_propose

        auth = publish_stage.RegistryAuth(registry_username, registry_password) if registry_password else None
        req = await request_from_directory(source, revision, registry_auth=auth)
        outcome = await build_and_propose(req, await _target(gitops_repo, gitops_token, base, forge))
        if not outcome.graph.ok:
            raise outcome.graph.failures[0].error  # type: ignore[misc]
        pr = outcome.promotion.pull_request if outcome.promotion else None
        return f"Image: {outcome.graph.steps['publish'].evidence}\nPR: {pr.url if pr else 'none'}\n"

    @function
    async def promote(
        self,
        env: Annotated[str, Doc("environment to promote to (from slipway.yaml)")],
        gitops_repo: RepoUrl,
        gitops_token: Token,
        source: Source,
        image: Annotated[str, Doc("image reference (repo:<sha>[@sha256:...])")] = "",
        from_env: Annotated[str, Doc("promote the image this environment runs")] = "",
        direct_push: Annotated[bool, Doc("push to the base branch (unprotected only)")] = False,
        base: Annotated[str, Doc("GitOps default branch")] = "main",
        forge: Annotated[str, Doc("gitea | github | gitlab (default: from the URL)")] = "",
    ) -> Annotated[str, Doc("status and PR URL")]:
        """Write an image into the environment's values file: a pull request or a direct push."""
        from slipway.host import promote_env

        gitops, remote = await _gitops(gitops_repo, gitops_token, base, forge)
        target = await _app_target(source, env)
        outcome = await promote_env(
            target, remote, gitops, image=image, from_env=from_env, direct_push=direct_push
        )
        pr = outcome.pull_request
        return f"{outcome.status} {outcome.branch} {outcome.commit}\nPR: {pr.url if pr else 'none'}\n"

    @function
    async def rollback(
        self,
        env: Annotated[str, Doc("environment to roll back")],
        gitops_repo: RepoUrl,
        gitops_token: Token,
        source: Source,
        base: Annotated[str, Doc("GitOps default branch")] = "main",
        forge: Annotated[str, Doc("gitea | github | gitlab (default: from the URL)")] = "",
    ) -> Annotated[str, Doc("the reverted promotion and the revert")]:
        """Revert the newest promotion of the app to the environment."""
        from slipway.host import rollback_env

        gitops, remote = await _gitops(gitops_repo, gitops_token, base, forge)
        outcome = await rollback_env(await _app_target(source, env), remote, gitops)
        pr = outcome.pull_request
        return f"reverted {outcome.reverted} with {outcome.commit}\nPR: {pr.url if pr else 'none'}\n"

    @function
    async def plan(
        self,
        source: Source,
        revision: Revision,
        gitops_repo: RepoUrl,
        gitops_token: Token,
        base: Annotated[str, Doc("GitOps default branch")] = "main",
        forge: Annotated[str, Doc("gitea | github | gitlab (default: from the URL)")] = "",
    ) -> Annotated[str, Doc("the image that would be pushed and each environment's diffs")]:
        """Run the gates and show every environment's values and manifest diffs; push nothing."""
        from slipway.flows.plan import plan

        req = await request_from_directory(source, revision)
        graph, image, plans = await plan(req, await _target(gitops_repo, gitops_token, base, forge))
        if not graph.ok:
            raise graph.failures[0].error  # type: ignore[misc]
        parts = [f"Would push: {image}"]
        for p in plans:
            parts += [
                f"## {p.env}: {p.values_path}",
                p.values_diff,
                f"## {p.env} manifests",
                p.manifests_diff,
            ]
        return "\n".join(parts)
