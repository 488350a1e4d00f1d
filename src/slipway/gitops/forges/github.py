"""GitHub (and GitHub Enterprise): REST v3 pulls with a bearer token."""

from __future__ import annotations

from slipway.gitops.forges.base import PullRequest, RepoRef, api_client, pull_from_json, request_json

__all__ = ["GitHub"]


class GitHub:
    """github.com, or a GitHub Enterprise host (API under /api/v3)."""

    username = "x-access-token"

    def __init__(self, base_url: str, token: str) -> None:
        host = base_url.split("://", 1)[1]
        self._api = "https://api.github.com" if host == "github.com" else f"{base_url}/api/v3"
        self._headers = {
            "Authorization": f"Bearer {token}",
            "Accept": "application/vnd.github+json",
            "X-GitHub-Api-Version": "2022-11-28",
        }

    async def find_open(self, repo: RepoRef, head: str, base: str) -> PullRequest | None:
        """The open pull request from `head` into `base`, if any."""
        url = f"{self._api}/repos/{repo.owner}/{repo.name}/pulls"
        params = {"state": "open", "head": f"{repo.owner}:{head}", "base": base}
        async with api_client(self._headers) as client:
            pulls = await request_json(lambda: client.get(url, params=params), "list pull requests")
        return pull_from_json(pulls[0]) if pulls else None

    async def open(self, repo: RepoRef, head: str, base: str, title: str, body: str) -> PullRequest:
        """Open a pull request from `head` into `base`."""
        url = f"{self._api}/repos/{repo.owner}/{repo.name}/pulls"
        payload = {"title": title, "head": head, "base": base, "body": body}
        async with api_client(self._headers) as client:
            data = await request_json(lambda: client.post(url, json=payload), "open a pull request")
        return pull_from_json(data)

    async def list_open(self, repo: RepoRef, base: str) -> list[PullRequest]:
        """Every open pull request into `base` (first 100)."""
        url = f"{self._api}/repos/{repo.owner}/{repo.name}/pulls"
        params: dict[str, str | int] = {"state": "open", "base": base, "per_page": 100}
        async with api_client(self._headers) as client:
            pulls = await request_json(lambda: client.get(url, params=params), "list pull requests")
        return [pull_from_json(d) for d in pulls]

    async def close(self, repo: RepoRef, pr: PullRequest, comment: str) -> None:
        """Comment on `pr` (an issue comment), then close it."""
        issue = f"{self._api}/repos/{repo.owner}/{repo.name}/issues/{pr.number}/comments"
        pull = f"{self._api}/repos/{repo.owner}/{repo.name}/pulls/{pr.number}"
        async with api_client(self._headers) as client:
            await request_json(lambda: client.post(issue, json={"body": comment}), "comment")
            await request_json(lambda: client.patch(pull, json={"state": "closed"}), "close a pull request")
