"""A group promotion as steps on the runner: per-app steps feeding one commit and one pull request.

    clone → from:<app> → locate:<app> → resolve:<app> → edit:<app>   (each app, concurrently)

          → find-pr → push → open-pr → supersede                     (once, for every app)

`from:<app>` reads the image `from_env` runs, or checks the app's given image (a fresh build's,
possibly the output of a step of the caller's graph: `image_from`).

Nothing is pushed unless every app's steps passed; a failure names the app. Apps whose image
has already landed are left out of the commit; when only one app moves, its commit reads like a
single-app promotion (and rolls back like one).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from functools import partial
from typing import TYPE_CHECKING

from slipway.errors import ConfigError, SlipwayError, StageError
from slipway.gitops.forges import RepoRef, forge_for
from slipway.gitops.repo import Change, delete_branch
from slipway.gitops.repo import clone as git_clone
from slipway.gitops.trailers import AppPromotion, group_message
from slipway.gitops.values_edit import safe_repo_path
from slipway.identity import check_app, check_env
from slipway.promotion.branches import group_branch, group_name
from slipway.promotion.group_request import GroupApp, GroupRequest, GroupResult
from slipway.promotion.steps.edit import Edited, EditInput, edit
from slipway.promotion.steps.find_pr import FindPrInput, FoundPr, branch_files, find_pr
from slipway.promotion.steps.locate import Located, LocateInput, locate
from slipway.promotion.steps.open_group_pr import GroupMember, open_group_pr
from slipway.promotion.steps.open_pr import OpenedPr, OpenPrInput
from slipway.promotion.steps.push import Pushed, PushInput, commit_message, push_files
from slipway.promotion.steps.resolve_image import ResolvedImage, ResolveInput, resolve_image
from slipway.promotion.steps.source_image import SourceImageInput, given_image, source_image
from slipway.promotion.steps.supersede import Superseded, SupersedeInput, supersede
from slipway.refs import ImageRef
from slipway.runner import GraphResult, Step, StepRecord, run_graph

if TYPE_CHECKING:
    import dagger

    from slipway.runner import Outputs

__all__ = ["check_group", "check_group_apps", "group_failure", "group_result", "group_steps", "promote_group"]

_SEP = "\x00"  # between the files of a group as read from a branch (never in a YAML file)


def check_group_apps(names: Sequence[str], doing: str = "promote") -> None:
    """Refuse a group that is not two or more distinct, valid app names (`doing` leads the error)."""
    for name in names:
        check_app(name)
    if len(names) < 2:
        raise ConfigError(f"{doing}: a group promotion needs two or more apps (--app A --app B, or --all)")
    if len(set(names)) != len(names):
        twice = sorted({n for n in names if names.count(n) > 1})
        raise ConfigError(f"{doing}: {', '.join(twice)} named more than once")


def check_group(req: GroupRequest) -> None:
    """Refuse, before anything is cloned, a group that can never be promoted (names, paths)."""
    check_env(req.env, "--env")
    if req.from_env:
        check_env(req.from_env, "--from")
    check_group_apps([a.app for a in req.apps])
    for a in req.apps:
        safe_repo_path(a.values_path)
        if a.image is None:
            if not req.from_env:
                raise ConfigError(f"promote: {a.app}: no image given and no --from ENV to read it from")
            safe_repo_path(a.from_path)


def _moving(req: GroupRequest, out: Outputs) -> list[tuple[GroupApp, ImageRef, Edited]]:
    """The apps whose file changes, in the request's order, with the image written and the edit."""
    found = [(a, out[f"resolve:{a.app}"].image, out[f"edit:{a.app}"]) for a in req.apps]
    return [(a, image, edited) for a, image, edited in found if edited.changed]


def _branch(req: GroupRequest, out: Outputs) -> str:
    return group_branch(req.env, {a.app: image for a, image, _ in _moving(req, out)})


def _message(req: GroupRequest, out: Outputs) -> str:
    moving = _moving(req, out)
    if len(moving) == 1:
        ((a, image, _),) = moving
        return commit_message(PushInput(req.remote, a.app, req.env, req.source), image)
    apps = [
        AppPromotion(a.app, str(image), image.digest, req.source, image.tag or image.digest)
        for a, image, _ in moving
    ]
    return group_message(req.env, group_name(a.app for a, _, _ in moving), apps)


def _app_steps(req: GroupRequest, a: GroupApp, image_from: str) -> list[Step]:
    """One app's from → locate → resolve → edit, reading and writing only its own files.

    With `image_from`, the app's image is that step's output, and `a.image` (the same tag without
    its digest) is refused here, before anything runs, when it may never go to the environment.
    """
    url, env = req.remote.url, req.env
    from_in = SourceImageInput(
        a.app, req.from_env, a.from_path, url, a.locator, a.repository, env, a.protected, req.direct_push
    )
    path = safe_repo_path(a.values_path)
    if image_from and a.image is not None:
        given_image(from_in, a.image)

    async def run_from(out: Outputs) -> ImageRef:
        if image_from:
            return given_image(from_in, out[image_from])
        if a.image is not None:
            return given_image(from_in, a.image)
        return await source_image(from_in, out["clone"])

    async def run_locate(out: Outputs) -> Located:
        image: ImageRef = out[f"from:{a.app}"]
        inp = LocateInput(a.app, env, a.protected, image, path, url, a.locator, a.repository)
        return await locate(inp, out["clone"])

    async def run_resolve(out: Outputs) -> ResolvedImage:
        image: ImageRef = out[f"from:{a.app}"]
        return await resolve_image(ResolveInput(a.app, env, image, a.protected, req.direct_push))

    async def run_edit(out: Outputs) -> Edited:
        located: Located = out[f"locate:{a.app}"]
        return await edit(EditInput(a.locator), located.path, located.text, out[f"resolve:{a.app}"].image)

    return [
        Step(f"from:{a.app}", run_from, needs=("clone", image_from) if image_from else ("clone",)),
        Step(f"locate:{a.app}", run_locate, needs=("clone", f"from:{a.app}")),
        Step(f"resolve:{a.app}", run_resolve, needs=(f"locate:{a.app}", f"from:{a.app}")),
        Step(f"edit:{a.app}", run_edit, needs=(f"locate:{a.app}", f"resolve:{a.app}")),
    ]


def group_steps(
    req: GroupRequest,
    *,
    push_after: Sequence[str] = (),
    image_from: Mapping[str, str] | None = None,
    evidence: Callable[[Outputs, str], str] | None = None,
) -> list[Step]:
    """The group's steps wired with `needs`; refuses offline a group that can never be promoted.

    `push_after` names steps of the caller's graph that must pass before anything is pushed;
    `image_from` maps an app to the caller's step whose output is its image; `evidence`, when
    given, makes an app's evidence for its pull-request section from the outputs.
    """
    check_group(req)
    files = [p for a in req.apps for p in (a.from_path if a.image is None else "", a.values_path) if p]
    paths = tuple(dict.fromkeys(safe_repo_path(p) for p in files))
    per_app = ("clone", *(f"{kind}:{a.app}" for a in req.apps for kind in ("resolve", "edit")))

    async def run_clone(_: Outputs) -> dagger.Directory:
        return await git_clone(req.remote, paths=paths)

    async def read_branch(repo: dagger.Directory, files: list[str], branch: str) -> str | None:
        texts = await branch_files(req.remote, repo, files, branch)
        return None if texts is None else _SEP.join(texts)

    async def run_find_pr(out: Outputs) -> FoundPr | None:
        moving = _moving(req, out)
        if not moving:
            return None
        repo = RepoRef.from_url(req.remote.url)
        forge = forge_for(repo, req.forge_token, req.forge_kind)
        read = partial(read_branch, out["clone"], [e.path for _, _, e in moving])
        return await find_pr(FindPrInput(forge, repo, req.remote.base, read), _branch(req, out))

    async def run_push(out: Outputs) -> Pushed:
        moving = _moving(req, out)
        if not moving:
            return Pushed(req.remote.base)
        files = {e.path: e.new for _, _, e in moving}
        inp = PushInput(req.remote, group_name(files), req.env, req.source, req.direct_push)
        if req.direct_push:
            change = Change(paths=tuple(files))
        else:
            branch = _branch(req, out)
            if out["find-pr"].proposed == _SEP.join(files.values()):
                return Pushed(branch)
            change = Change(paths=tuple(files), branch=branch)
        return await push_files(inp, out["clone"], files, change, _message(req, out))

    async def run_open_pr(out: Outputs) -> OpenedPr | None:
        found: FoundPr | None = out["find-pr"]
        if found is None:
            return None
        moving = _moving(req, out)
        group = group_name(a.app for a, _, _ in moving)
        delete = partial(delete_branch, req.remote, out["clone"])

        def member(a: GroupApp, image: ImageRef, diff: str) -> GroupMember:
            text = "" if evidence is None else evidence(out, a.app)
            inp = OpenPrInput(a.app, req.env, req.remote.base, delete, req.source, text)
            return GroupMember(inp, image, diff)

        members = [member(a, image, e.diff) for a, image, e in moving]
        inp = OpenPrInput(group, req.env, req.remote.base, delete, req.source)
        branch, existed = _branch(req, out), found.proposed is not None
        return await open_group_pr(
            inp, found.forge, found.repo, branch, found.pull_request, existed, members, req.from_env
        )

    async def run_supersede(out: Outputs) -> Superseded:
        found: FoundPr | None = out["find-pr"]
        opened: OpenedPr | None = out["open-pr"]
        if found is None or opened is None:
            return Superseded()
        group = group_name(a.app for a, _, _ in _moving(req, out))
        inp = SupersedeInput(group, req.env, req.remote.base)
        return await supersede(inp, found.forge, found.repo, opened.pull_request)

    steps = [Step("clone", run_clone)]
    for a in req.apps:
        steps += _app_steps(req, a, (image_from or {}).get(a.app, ""))
    gates = tuple(push_after)
    if req.direct_push:
        return [*steps, Step("push", run_push, needs=(*per_app, *gates))]
    steps += [
        Step("find-pr", run_find_pr, needs=per_app),
        Step("push", run_push, needs=(*per_app, "find-pr", *gates)),
        Step("open-pr", run_open_pr, needs=(*per_app, "find-pr", "push", *gates)),
    ]
    if req.supersede:
        steps.append(Step("supersede", run_supersede, needs=("find-pr", "open-pr")))
    return steps


def group_result(req: GroupRequest, out: Outputs) -> GroupResult:
    """The group promotion's result from its steps' outputs."""
    moving = _moving(req, out)
    images = {a.app: str(out[f"resolve:{a.app}"].image) for a in req.apps}
    if not moving:
        return GroupResult("already-landed", req.remote.base, "", "", images=images)
    moved = tuple(a.app for a, _, _ in moving)
    diff = "".join(e.diff for _, _, e in moving)
    pushed: Pushed = out["push"]
    if req.direct_push:
        return GroupResult(
            "landed", req.remote.base, pushed.commit, diff, None, pushed.attempts, images, moved
        )
    opened: OpenedPr = out["open-pr"]
    status = "proposed" if pushed.commit or opened.opened else "already-proposed"
    superseded: Superseded = out.get("supersede") or Superseded()
    return GroupResult(
        status, _branch(req, out), pushed.commit, diff, opened.pull_request, pushed.attempts, images, moved,
        superseded.closed,
    )  # fmt: skip


def group_failure(graph: GraphResult) -> Exception | None:
    """The failure as one error: each failed app with its reason, or the shared step's error as raised."""
    failed = [rec for rec in graph.steps.values() if rec.status == "failed"]
    if not failed:
        return None
    per_app = [rec for rec in failed if ":" in rec.name]
    if not per_app:
        return failed[0].raised or failed[0].error
    reasons = "; ".join(
        f"{rec.name.partition(':')[2]}: {rec.message.removeprefix('promote: ')}" for rec in per_app
    )
    error: SlipwayError
    if all(isinstance(rec.error, ConfigError) for rec in per_app):
        error = ConfigError(f"promote: nothing promoted, {reasons}")
    else:
        error = StageError("promote", f"nothing promoted, {reasons}")
    error.__cause__ = per_app[0].raised or per_app[0].error
    return error


async def promote_group(
    req: GroupRequest, on_change: Callable[[StepRecord], None] | None = None
) -> GroupResult:
    """Promote every app of `req` from `req.from_env` to `req.env` in one commit (and one pull request)."""
    graph = await run_graph(group_steps(req), on_change)
    error = group_failure(graph)
    if error is not None:
        raise error
    return group_result(req, {name: rec.evidence for name, rec in graph.steps.items()})
