"""push: commit the edited file (a group: every app's file) and push it, in one git container.

Direct: onto the base branch, fetching and rebasing when another push won the race. Otherwise:
the release branch, replaced, unless it already holds exactly this file. Committing and pushing
stay one step (one container exec, as `gitops/repo.py`'s `push_commit`): a rebase after a lost
race commits again.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from slipway.gitops.repo import Change, GitRemote, push_commit
from slipway.gitops.trailers import promotion_message

if TYPE_CHECKING:
    import dagger

    from slipway.refs import ImageRef

__all__ = ["PushInput", "Pushed", "commit_message", "push", "push_change", "push_files"]


@dataclass(frozen=True)
class PushInput:
    """The repository, the promotion the commit records, and where the commit goes."""

    remote: GitRemote
    app: str
    env: str
    source: str = ""
    direct: bool = False


@dataclass(frozen=True)
class Pushed:
    """The ref pushed to, the commit (empty: nothing pushed) and the push attempts it took."""

    ref: str
    commit: str = ""
    attempts: int = 0


def commit_message(inp: PushInput, image: ImageRef) -> str:
    """The commit message, with the trailers history and rollback read."""
    return promotion_message(
        inp.app, inp.env, image.tag or image.digest, str(image), image.digest, inp.source
    )


def push_change(inp: PushInput, path: str, new: str, on_ref: str | None, branch: str) -> Change | None:
    """What to commit, or None when the target ref already holds `new` (`on_ref`: its file, None: no ref)."""
    if on_ref == new:
        return None
    return Change(paths=(path,)) if inp.direct else Change(paths=(path,), branch=branch)


async def push_files(
    inp: PushInput, repo: dagger.Directory, files: Mapping[str, str], change: Change, message: str
) -> Pushed:
    """Commit `files` (path → text) in the clone as `change` says, and push it to the base or its branch."""
    ref = inp.remote.base if inp.direct else change.branch
    for path, text in files.items():
        repo = repo.with_new_file(path, text)
    pushed = await push_commit(
        inp.remote, repo, change=change, message=message, ref=ref, rebase_onto_base=inp.direct
    )
    return Pushed(ref, pushed.commit, pushed.attempts)


async def push(
    inp: PushInput,
    repo: dagger.Directory,
    path: str,
    new: str,
    on_ref: str | None,
    image: ImageRef,
    branch: str,
) -> Pushed:
    """Commit `new` at `path` in the clone and push it to the base (direct) or to `branch`."""
    change = push_change(inp, path, new, on_ref, branch)
    if change is None:
        return Pushed(inp.remote.base if inp.direct else branch)
    return await push_files(inp, repo, {path: new}, change, commit_message(inp, image))
