"""The forge interface, the repository a URL names, and bounded retries on server errors."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import urlsplit

import anyio
import httpx

from slipway.errors import ConfigError, StageError

__all__ = [
    "Forge",
    "PullRequest",
    "RepoRef",
    "api_client",
    "forge_for",
    "pull_from_json",
    "request_json",
    "route_forge",
]

RETRIES = 3

# host:port of a forge -> host:port actually dialled. Empty on the host; the Dagger module, which
# runs in a container, routes a loopback forge through a host tunnel (see gitops.repo).
_ROUTES: dict[str, str] = {}


def route_forge(netloc: str, via: str) -> None:
    """Dial `via` for API requests to `netloc`; URLs and the Host header stay as they are."""
    _ROUTES[netloc] = via


class _Rerouting(httpx.AsyncBaseTransport):
    def __init__(self) -> None:
        self._inner = httpx.AsyncHTTPTransport()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        via = _ROUTES.get(request.url.netloc.decode())
        if via:
            host, _, port = via.rpartition(":")
            request.url = request.url.copy_with(host=host, port=int(port))
        return await self._inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self._inner.aclose()


def api_client(headers: dict[str, str]) -> httpx.AsyncClient:
    """The HTTP client every forge uses (30 s timeout; routed when `route_forge` was called)."""
    return httpx.AsyncClient(headers=headers, timeout=30, transport=_Rerouting() if _ROUTES else None)


@dataclass(frozen=True)
class RepoRef:
    """A repository on a forge: the web base URL, owner (or group path) and name."""

    base_url: str
    owner: str
    name: str

    @classmethod
    def from_url(cls, url: str) -> RepoRef:
        """Parse `https://host[:port]/owner[/sub]/name[.git]`."""
        parts = urlsplit(url)
        path = parts.path.strip("/").removesuffix(".git")
        if parts.scheme not in ("http", "https") or "/" not in path:
            msg = f"forge: {url!r} is not an http(s) repository URL (https://host/owner/repo.git)"
            raise ConfigError(msg)
        owner, _, name = path.rpartition("/")
        return cls(f"{parts.scheme}://{parts.netloc}", owner, name)

    @property
    def host(self) -> str:
        """The forge's host[:port]."""
        return urlsplit(self.base_url).netloc


@dataclass(frozen=True)
class PullRequest:
    """An open pull (merge) request."""

    number: int
    url: str
    head: str
    base: str
    title: str


def pull_from_json(data: dict[str, Any]) -> PullRequest:
    """A pull request from the JSON shape GitHub and Gitea share."""
    return PullRequest(
        number=int(data["number"]),
        url=str(data["html_url"]),
        head=data["head"]["ref"],
        base=data["base"]["ref"],
        title=str(data["title"]),
    )


class Forge(Protocol):
    """What promotion needs from a forge."""

    username: str

    async def find_open(self, repo: RepoRef, head: str, base: str) -> PullRequest | None:
        """The open pull request from `head` into `base`, if any."""
        ...

    async def open(self, repo: RepoRef, head: str, base: str, title: str, body: str) -> PullRequest:
        """Open a pull request from `head` into `base`."""
        ...

    async def list_open(self, repo: RepoRef, base: str) -> list[PullRequest]:
        """Every open pull request into `base`."""
        ...

    async def close(self, repo: RepoRef, pr: PullRequest, comment: str) -> None:
        """Comment on `pr`, then close it."""
        ...


async def request_json(
    send: Callable[[], Awaitable[httpx.Response]], what: str, *, delay_s: float = 0.5
) -> Any:
    """Send (again on 5xx or connection errors, up to RETRIES times) and return the JSON body."""
    last = ""
    for attempt in range(1, RETRIES + 1):
        try:
            resp = await send()
        except httpx.TransportError as exc:
            last = f"{type(exc).__name__}: {exc}"
        else:
            if resp.status_code < 500:
                if resp.status_code in (401, 403):
                    msg = f"could not {what}: forge refused the token ({resp.status_code})"
                    raise StageError("promote", f"{msg} (check the token and its scopes)")
                if resp.status_code >= 400:
                    msg = f"could not {what}: forge answered {resp.status_code}: {resp.text[:200]}"
                    raise StageError("promote", msg)
                return resp.json()
            last = f"HTTP {resp.status_code}"
        if attempt < RETRIES:
            await anyio.sleep(delay_s * attempt)
    msg = f"could not {what}: forge failed {RETRIES} times, last {last} (retry later)"
    raise StageError("promote", msg)


def forge_for(repo: RepoRef, token: str, kind: str = "") -> Forge:
    """The forge client for `repo`: `kind` if given, else guessed from the host (default Gitea)."""
    from slipway.gitops.forges.gitea import Gitea
    from slipway.gitops.forges.github import GitHub
    from slipway.gitops.forges.gitlab import GitLab

    kinds: dict[str, Callable[[str, str], Forge]] = {
        "gitea": Gitea, "forgejo": Gitea, "github": GitHub, "gitlab": GitLab,
    }  # fmt: skip
    if not kind:
        host = repo.host.lower()
        kind = "github" if "github" in host else "gitlab" if "gitlab" in host else "gitea"
    if kind not in kinds:
        msg = f"forge: unknown forge {kind!r} (use one of {', '.join(kinds)})"
        raise ConfigError(msg)
    return kinds[kind](repo.base_url, token)
