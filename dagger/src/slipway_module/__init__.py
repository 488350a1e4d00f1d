"""The slipway Dagger module: thin `@function`s over the slipway library."""

from slipway_module.main import Slipway

__all__ = ["Slipway"]
