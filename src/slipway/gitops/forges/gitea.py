"""Gitea and Forgejo: /api/v1 pull requests with `Authorization: token`."""

from __future__ import annotations

import httpx

from slipway.gitops.forges.base import PullRequest, RepoRef, pull_from_json, request_json

__all__ = ["Gitea"]


class Gitea:
    """A Gitea (or Forgejo) server."""

    username = "slipway"

    def __init__(self, base_url: str, token: str) -> None:
        self._api = f"{base_url}/api/v1"
        self._headers = {"Authorization": f"token {token}", "Accept": "application/json"}

    async def find_open(self, repo: RepoRef, head: str, base: str) -> PullRequest | None:
        """The open pull request from `head` into `base`, if any."""
        url = f"{self._api}/repos/{repo.owner}/{repo.name}/pulls"
        async with httpx.AsyncClient(headers=self._headers, timeout=30) as client:
            pulls = await request_json(
                lambda: client.get(url, params={"state": "open", "limit": 50}), "list pull requests"
            )
        for data in pulls:
            if data["head"]["ref"] == head and data["base"]["ref"] == base:
                return pull_from_json(data)
        return None

    async def open(self, repo: RepoRef, head: str, base: str, title: str, body: str) -> PullRequest:
        """Open a pull request from `head` into `base`."""
        url = f"{self._api}/repos/{repo.owner}/{repo.name}/pulls"
        payload = {"head": head, "base": base, "title": title, "body": body}
        async with httpx.AsyncClient(headers=self._headers, timeout=30) as client:
            data = await request_json(lambda: client.post(url, json=payload), "open a pull request")
        return pull_from_json(data)
