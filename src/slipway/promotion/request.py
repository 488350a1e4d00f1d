"""What a promotion is asked to do, and how it ended."""

from __future__ import annotations

from dataclasses import dataclass, field

from slipway.gitops.forges import PullRequest
from slipway.gitops.locators import KeysLocator, Locator
from slipway.gitops.repo import GitRemote
from slipway.promotion.steps.verify_signature import VerifyInput
from slipway.refs import ImageRef

__all__ = ["PromoteRequest", "PromoteResult"]


@dataclass(frozen=True)
class PromoteRequest:
    """What to write where: the app, its environment, the image, the file and its locator."""

    app: str
    env: str
    protected: bool
    image: ImageRef
    remote: GitRemote
    forge_token: str
    values_path: str
    locator: Locator = field(default_factory=KeysLocator)
    repository: str = ""
    direct_push: bool = False
    forge_kind: str = ""
    source: str = ""
    evidence: str = ""
    supersede: bool = True
    # Set when the environment requires a signature: verified before anything is pushed.
    verify: VerifyInput | None = None


@dataclass(frozen=True)
class PromoteResult:
    """How the promotion ended: proposed (PR) or landed (direct), fresh or already done.

    `origin` says, for `promote --from`, which image the source environment runs and where that was read.
    """

    status: str  # proposed | already-proposed | landed | already-landed
    branch: str
    commit: str
    values_diff: str
    pull_request: PullRequest | None = None
    push_attempts: int = 0
    image: str = ""
    superseded: tuple[int, ...] = ()
    origin: str = ""
