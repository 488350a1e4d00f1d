"""GitLab: REST v4 merge requests with a PRIVATE-TOKEN header."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from slipway.gitops.forges.base import PullRequest, RepoRef, api_client, request_json

__all__ = ["GitLab"]


def _mr(data: dict[str, Any]) -> PullRequest:
    return PullRequest(
        number=int(data["iid"]), url=str(data["web_url"]), head=data["source_branch"],
        base=data["target_branch"], title=str(data["title"]),
    )  # fmt: skip


class GitLab:
    """gitlab.com or a self-managed GitLab."""

    username = "oauth2"

    def __init__(self, base_url: str, token: str) -> None:
        self._api = f"{base_url}/api/v4"
        self._headers = {"PRIVATE-TOKEN": token}

    def _project(self, repo: RepoRef) -> str:
        return f"{self._api}/projects/{quote(f'{repo.owner}/{repo.name}', safe='')}/merge_requests"

    async def find_open(self, repo: RepoRef, head: str, base: str) -> PullRequest | None:
        """The open merge request from `head` into `base`, if any."""
        params = {"state": "opened", "source_branch": head, "target_branch": base}
        async with api_client(self._headers) as client:
            mrs = await request_json(
                lambda: client.get(self._project(repo), params=params), "list merge requests"
            )
        return _mr(mrs[0]) if mrs else None

    async def open(self, repo: RepoRef, head: str, base: str, title: str, body: str) -> PullRequest:
        """Open a merge request from `head` into `base`."""
        payload = {
            "source_branch": head, "target_branch": base, "title": title, "description": body,
            "remove_source_branch": True,
        }  # fmt: skip
        async with api_client(self._headers) as client:
            data = await request_json(
                lambda: client.post(self._project(repo), json=payload), "open a merge request"
            )
        return _mr(data)

    async def list_open(self, repo: RepoRef, base: str) -> list[PullRequest]:
        """Every open merge request into `base` (first 100)."""
        params: dict[str, str | int] = {"state": "opened", "target_branch": base, "per_page": 100}
        async with api_client(self._headers) as client:
            mrs = await request_json(
                lambda: client.get(self._project(repo), params=params), "list merge requests"
            )
        return [_mr(d) for d in mrs]

    async def close(self, repo: RepoRef, pr: PullRequest, comment: str) -> None:
        """Add a note to the merge request, then close it."""
        mr = f"{self._project(repo)}/{pr.number}"
        async with api_client(self._headers) as client:
            await request_json(lambda: client.post(f"{mr}/notes", json={"body": comment}), "comment")
            await request_json(lambda: client.put(mr, json={"state_event": "close"}), "close a merge request")
