"""The promotion's former home, kept so existing imports work: everything lives in `slipway.promotion`."""

from slipway.gitops.locators import image_changes, values_image
from slipway.promotion import (
    PromoteRequest,
    PromoteResult,
    check_promotion,
    current_image,
    promote,
    release_branch,
)

__all__ = [
    "PromoteRequest",
    "PromoteResult",
    "check_promotion",
    "current_image",
    "image_changes",
    "promote",
    "release_branch",
    "values_image",
]
