"""slipway: build-and-promote pipelines on Dagger."""

__version__ = "0.1.0"
__all__ = ["__version__"]
