"""Forges behind one small interface: find or open the pull request for a promotion branch."""

from slipway.gitops.forges.base import Forge, PullRequest, RepoRef, forge_for

__all__ = ["Forge", "PullRequest", "RepoRef", "forge_for"]
