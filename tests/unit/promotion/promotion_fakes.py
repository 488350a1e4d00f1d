"""Small in-memory stand-ins for the forge and the branch deletion the promotion steps call."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from slipway.errors import SlipwayError
from slipway.gitops.forges import PullRequest, RepoRef

REPO_REF = RepoRef("https://forge.test", "acme", "gitops")


def pr(number: int, head: str, base: str = "main", title: str = "") -> PullRequest:
    return PullRequest(number, f"https://forge.test/acme/gitops/pulls/{number}", head, base, title or head)


@dataclass
class FakeForge:
    """Answers from `open_prs`; `fail_open` makes opening a pull request fail; `calls` records each call."""

    open_prs: list[PullRequest] = field(default_factory=list)
    fail_open: SlipwayError | None = None
    fail_find: SlipwayError | None = None
    calls: list[tuple[str, object]] = field(default_factory=list)
    username: str = "slipway"

    async def find_open(self, repo: RepoRef, head: str, base: str) -> PullRequest | None:
        self.calls.append(("find_open", (head, base)))
        if self.fail_find is not None:
            raise self.fail_find
        return next((p for p in self.open_prs if p.head == head and p.base == base), None)

    async def open(self, repo: RepoRef, head: str, base: str, title: str, body: str) -> PullRequest:
        self.calls.append(("open", (head, base, title, body)))
        if self.fail_open is not None:
            raise self.fail_open
        new = pr(100 + len(self.open_prs), head, base, title)
        self.open_prs.append(new)
        return new

    async def list_open(self, repo: RepoRef, base: str) -> list[PullRequest]:
        self.calls.append(("list_open", base))
        return [p for p in self.open_prs if p.base == base]

    async def close(self, repo: RepoRef, pull: PullRequest, comment: str) -> None:
        self.calls.append(("close", (pull.number, comment)))
        self.open_prs.remove(pull)


@dataclass
class FakeDelete:
    """Records the branches asked to be deleted; answers `works`."""

    works: bool = True
    deleted: list[str] = field(default_factory=list)

    async def __call__(self, branch: str) -> bool:
        self.deleted.append(branch)
        return self.works


@dataclass
class FakeFile:
    text: str | None

    async def contents(self) -> str:
        if self.text is None:
            from types import SimpleNamespace

            from dagger._exceptions import QueryError, QueryErrorValue

            request: Any = SimpleNamespace(document="file.contents")
            raise QueryError([QueryErrorValue("no such file")], request)
        return self.text


@dataclass
class FakeRepo:
    """A clone as the steps read it: `file(path).contents()` from `files` (missing: a QueryError)."""

    files: dict[str, str] = field(default_factory=dict)

    def file(self, path: str) -> FakeFile:
        return FakeFile(self.files.get(path))
