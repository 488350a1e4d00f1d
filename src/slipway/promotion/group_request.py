"""What a group promotion (several apps, one commit, one pull request) is asked to do, and how it ended."""

from __future__ import annotations

from dataclasses import dataclass, field

from slipway.gitops.forges import PullRequest
from slipway.gitops.locators import KeysLocator, Locator
from slipway.gitops.repo import GitRemote
from slipway.refs import ImageRef

__all__ = ["GroupApp", "GroupRequest", "GroupResult"]


@dataclass(frozen=True)
class GroupApp:
    """One app of the group: its file in the target and in the source environment, and its rules.

    With `image` (a fresh build's published image) the app moves that image and `from_path` is unused.
    """

    app: str
    protected: bool
    values_path: str
    from_path: str = ""
    locator: Locator = field(default_factory=KeysLocator)
    repository: str = ""
    image: ImageRef | None = None


@dataclass(frozen=True)
class GroupRequest:
    """Move every app's image (given, or read from `from_env`) to `env` together."""

    env: str
    from_env: str
    apps: tuple[GroupApp, ...]
    remote: GitRemote
    forge_token: str
    direct_push: bool = False
    forge_kind: str = ""
    source: str = ""
    supersede: bool = True


@dataclass(frozen=True)
class GroupResult:
    """How the group promotion ended; `moved`: the apps its one commit changes (the others had landed)."""

    status: str  # proposed | already-proposed | landed | already-landed
    branch: str
    commit: str
    values_diff: str
    pull_request: PullRequest | None = None
    push_attempts: int = 0
    images: dict[str, str] = field(default_factory=dict)
    moved: tuple[str, ...] = ()
    superseded: tuple[int, ...] = ()
