"""The promotion as steps on the runner, and `promote`, which runs them.

    clone → locate → resolve → edit → push                                  (direct)
    clone → locate → resolve → edit → find-pr → push → open-pr → supersede  (pull request)
    clone → locate → resolve → edit                                         (plan: nothing pushed)

With `verify` in the request, a `verify` step (after resolve) checks the digest's signature and
attestations, and push waits for it.

An edit that changes nothing (the image has already landed) leaves the later steps nothing to do.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from functools import partial
from typing import TYPE_CHECKING, Any

from slipway.gitops.forges import RepoRef, forge_for
from slipway.gitops.repo import delete_branch
from slipway.promotion.branches import release_prefix
from slipway.promotion.request import PromoteRequest, PromoteResult
from slipway.promotion.steps.clone import Cloned, clone, clone_input
from slipway.promotion.steps.edit import Edited, EditInput, edit
from slipway.promotion.steps.find_pr import FindPrInput, FoundPr, cloned_branch_file, find_pr
from slipway.promotion.steps.locate import Located, LocateInput, locate
from slipway.promotion.steps.open_pr import OpenedPr, OpenPrInput, open_pr
from slipway.promotion.steps.push import Pushed, PushInput, push
from slipway.promotion.steps.resolve_image import ResolvedImage, ResolveInput, refuse, resolve_image
from slipway.promotion.steps.supersede import Superseded, SupersedeInput, supersede
from slipway.promotion.steps.verify_signature import Verified, verify_lines, verify_signature
from slipway.refs import ImageRef
from slipway.runner import GraphResult, Step, StepRecord, run_graph

if TYPE_CHECKING:
    from slipway.runner import Outputs

__all__ = ["first_failure", "promote", "promote_result", "promotion_steps"]


def promotion_steps(
    req: PromoteRequest,
    *,
    push_after: Sequence[str] = (),
    evidence: Callable[[Outputs], str] | None = None,
    pushing: bool = True,
    image_from: str = "",
) -> list[Step]:
    """The promotion's steps wired with `needs`; refuses offline what may never be promoted.

    `push_after` names steps of the caller's graph that must pass before anything is pushed;
    `evidence`, when given, makes the pull request's evidence from the outputs (else `req.evidence`).
    Without `pushing` the steps end at the edit and the image is not pinned (it is not pushed yet).
    `image_from` names the caller's step whose output is the image (its refusals checked again):
    `req.image`, the same tag without its digest, is then what is refused before anything runs.
    """
    pin = None if pushing else _as_is
    resolve_in = ResolveInput(req.app, req.env, req.image, req.protected, req.direct_push, pin)
    refuse(resolve_in)
    proposing = pushing and not req.direct_push
    clone_in = clone_input(req.remote, req.values_path, release_prefix(req.app, req.env) if proposing else "")
    locate_in = LocateInput(
        req.app, req.env, req.protected, req.image, clone_in.path, req.remote.url, req.locator, req.repository
    )
    edit_in = EditInput(req.locator)
    push_in = PushInput(req.remote, req.app, req.env, req.source, req.direct_push)
    gates = tuple(push_after) + (("verify",) if req.verify is not None else ())
    verify_in = req.verify

    async def run_clone(_: Outputs) -> Cloned:
        return await clone(clone_in)

    async def run_locate(out: Outputs) -> Located:
        return await locate(locate_in, out["clone"].repo)

    async def run_resolve(out: Outputs) -> ResolvedImage:
        return await resolve_image(dataclasses.replace(resolve_in, image=out.get(image_from, req.image)))

    async def run_verify(out: Outputs) -> Verified:
        assert verify_in is not None
        return await verify_signature(out["resolve"].image, verify_in)

    async def run_edit(out: Outputs) -> Edited:
        return await edit(edit_in, out["locate"].path, out["locate"].text, out["resolve"].image)

    async def run_find_pr(out: Outputs) -> FoundPr | None:
        if not out["edit"].changed:
            return None
        repo = RepoRef.from_url(req.remote.url)
        forge = forge_for(repo, req.forge_token, req.forge_kind)
        cloned: Cloned = out["clone"]
        assert cloned.proposed is not None, "a pull-request promotion's clone reads its release branches"
        read = partial(cloned_branch_file, cloned.proposed)
        return await find_pr(FindPrInput(forge, repo, req.remote.base, read), out["resolve"].branch)

    async def run_push(out: Outputs) -> Pushed:
        edited: Edited = out["edit"]
        resolved: ResolvedImage = out["resolve"]
        if not edited.changed:
            return Pushed(req.remote.base)
        on_ref = edited.old if req.direct_push else out["find-pr"].proposed
        return await push(
            push_in, out["clone"].repo, edited.path, edited.new, on_ref, resolved.image, resolved.branch
        )

    async def run_open_pr(out: Outputs) -> OpenedPr | None:
        found: FoundPr | None = out["find-pr"]
        if found is None:
            return None
        text = evidence(out) if evidence is not None else req.evidence
        if verified := out.get("verify"):
            text = "\n".join([text.rstrip("\n"), *verify_lines(verified)]) + "\n"
        open_in = OpenPrInput(
            req.app, req.env, req.remote.base, partial(delete_branch, req.remote, out["clone"].repo),
            req.source, text,
        )  # fmt: skip
        resolved: ResolvedImage = out["resolve"]
        return await open_pr(
            open_in, found.forge, found.repo, resolved.branch, found.pull_request,
            found.proposed is not None, resolved.image, out["edit"].diff,
        )  # fmt: skip

    async def run_supersede(out: Outputs) -> Superseded:
        found: FoundPr | None = out["find-pr"]
        opened: OpenedPr | None = out["open-pr"]
        if found is None or opened is None:
            return Superseded()
        inp = SupersedeInput(req.app, req.env, req.remote.base)
        return await supersede(inp, found.forge, found.repo, opened.pull_request)

    steps = [
        Step("clone", run_clone),
        Step("locate", run_locate, needs=("clone",)),
        Step("resolve", run_resolve, needs=("locate", image_from) if image_from else ("locate",)),
        Step("edit", run_edit, needs=("locate", "resolve")),
    ]
    if not pushing:
        return steps
    if verify_in is not None:
        steps.append(Step("verify", run_verify, needs=("resolve",)))
    if req.direct_push:
        return [*steps, Step("push", run_push, needs=("clone", "resolve", "edit", *gates))]
    steps += [
        Step("find-pr", run_find_pr, needs=("clone", "resolve", "edit")),
        Step("push", run_push, needs=("clone", "resolve", "edit", "find-pr", *gates)),
        Step("open-pr", run_open_pr, needs=("clone", "resolve", "edit", "find-pr", "push", *gates)),
    ]
    if req.supersede:
        steps.append(Step("supersede", run_supersede, needs=("find-pr", "open-pr")))
    return steps


async def _as_is(image: ImageRef) -> ImageRef:
    return image


def promote_result(req: PromoteRequest, out: Outputs) -> PromoteResult:
    """The promotion's result from its steps' outputs."""
    resolved: ResolvedImage = out["resolve"]
    edited: Edited = out["edit"]
    pushed: Pushed = out["push"]
    image = str(resolved.image)
    if not edited.changed:
        return PromoteResult("already-landed", req.remote.base, "", "", image=image)
    if req.direct_push:
        return PromoteResult(
            "landed", req.remote.base, pushed.commit, edited.diff, None, pushed.attempts, image
        )
    opened: OpenedPr = out["open-pr"]
    status = "proposed" if pushed.commit or opened.opened else "already-proposed"
    superseded: Superseded = out.get("supersede") or Superseded()
    return PromoteResult(
        status, resolved.branch, pushed.commit, edited.diff, opened.pull_request, pushed.attempts, image,
        superseded.closed,
    )  # fmt: skip


def first_failure(graph: GraphResult) -> StepRecord | None:
    """The failed step declared first (in a chain only one fails; its dependents are skipped)."""
    return next((rec for rec in graph.steps.values() if rec.status == "failed"), None)


async def promote(
    req: PromoteRequest, on_change: Callable[[StepRecord], None] | None = None
) -> PromoteResult:
    """Promote `req.image` to `req.env`; a failing step's exception is raised as the step raised it."""
    graph = await run_graph(promotion_steps(req), on_change)
    failed = first_failure(graph)
    if failed is not None:
        raised: Any = failed.raised or failed.error
        raise raised
    return promote_result(req, {name: rec.evidence for name, rec in graph.steps.items()})
