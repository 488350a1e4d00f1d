"""Gitea and Forgejo: /api/v1 pull requests with `Authorization: token`."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import httpx

from slipway.gitops.forges.base import PullRequest, RepoRef, api_client, pull_from_json, request_json

__all__ = ["Gitea"]


def _get(
    client: httpx.AsyncClient, url: str, params: dict[str, str | int]
) -> Callable[[], Awaitable[httpx.Response]]:
    return lambda: client.get(url, params=params)


class Gitea:
    """A Gitea (or Forgejo) server."""

    username = "slipway"

    def __init__(self, base_url: str, token: str) -> None:
        self._api = f"{base_url}/api/v1"
        self._headers = {"Authorization": f"token {token}", "Accept": "application/json"}

    async def list_open(self, repo: RepoRef, base: str) -> list[PullRequest]:
        """Every open pull request into `base` (all pages)."""
        url = f"{self._api}/repos/{repo.owner}/{repo.name}/pulls"
        found: list[PullRequest] = []
        async with api_client(self._headers) as client:
            for page in range(1, 101):
                params: dict[str, str | int] = {"state": "open", "limit": 50, "page": page}
                pulls = await request_json(_get(client, url, params), "list pull requests")
                found += [pull_from_json(d) for d in pulls if d["base"]["ref"] == base]
                if len(pulls) < 50:
                    break
        return found

    async def find_open(self, repo: RepoRef, head: str, base: str) -> PullRequest | None:
        """The open pull request from `head` into `base`, if any."""
        return next((pr for pr in await self.list_open(repo, base) if pr.head == head), None)

    async def close(self, repo: RepoRef, pr: PullRequest, comment: str) -> None:
        """Comment on `pr`, then close it."""
        issue = f"{self._api}/repos/{repo.owner}/{repo.name}/issues/{pr.number}"
        pull = f"{self._api}/repos/{repo.owner}/{repo.name}/pulls/{pr.number}"
        async with api_client(self._headers) as client:
            await request_json(lambda: client.post(f"{issue}/comments", json={"body": comment}), "comment")
            await request_json(lambda: client.patch(pull, json={"state": "closed"}), "close a pull request")

    async def open(self, repo: RepoRef, head: str, base: str, title: str, body: str) -> PullRequest:
        """Open a pull request from `head` into `base`."""
        url = f"{self._api}/repos/{repo.owner}/{repo.name}/pulls"
        payload = {"head": head, "base": base, "title": title, "body": body}
        async with api_client(self._headers) as client:
            data = await request_json(lambda: client.post(url, json=payload), "open a pull request")
        return pull_from_json(data)
