"""Promotion: write an image reference into an environment's file in the GitOps repository, as steps.

Where in the file the image goes is the request's locator (`gitops/locators/`): key paths in
a values file, or a kustomization's `images:` entry.

Protected environments always go through a pull request, with an image whose digest the
registry serves; unprotected ones may push straight to the base branch when asked. Each
(app, environment, image) has its own `release/<app>/<env>/...` branch and pull request, and a
newer promotion of the same app to the same environment closes the older open ones. Rerunning
a promotion that already landed or is already proposed makes no new commit and reuses the open
pull request; a branch pushed by a run whose pull request could not be opened is deleted again.

The steps (`steps/`, one file each) run on the pipeline runner (`graph.py`), so progress shows them.

A group promotion (`group_graph.py`) moves several apps from one environment to another in one
commit and one pull request (`release/<app>+<app>/<env>/...`): each app's steps run side by side,
and nothing is pushed unless every app passed.
"""

from slipway.promotion.branches import release_branch
from slipway.promotion.current_image import SourceImage, current_image, source_image
from slipway.promotion.graph import promote, promotion_steps
from slipway.promotion.group_graph import group_steps, promote_group
from slipway.promotion.group_request import GroupApp, GroupRequest, GroupResult
from slipway.promotion.request import PromoteRequest, PromoteResult
from slipway.promotion.steps.resolve_image import check_promotion

__all__ = [
    "GroupApp",
    "GroupRequest",
    "GroupResult",
    "PromoteRequest",
    "PromoteResult",
    "SourceImage",
    "check_promotion",
    "current_image",
    "group_steps",
    "promote",
    "promote_group",
    "promotion_steps",
    "release_branch",
    "source_image",
]
