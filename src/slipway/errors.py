"""The one exception hierarchy: every error slipway raises on purpose derives from SlipwayError.

Messages read "<stage>: could not <do X>: <why> (<what to do>)" and fit on one line.
"""

from __future__ import annotations

__all__ = ["ConfigError", "EngineError", "SlipwayError", "StageError"]


class SlipwayError(Exception):
    """An error the CLI reports as one readable line and a non-zero exit."""

    exit_code: int = 1


class ConfigError(SlipwayError):
    """Bad input or configuration: the user must change something; never retried."""

    exit_code = 2


class StageError(SlipwayError):
    """A pipeline stage failed while running; names the stage, may be retried."""

    def __init__(self, stage: str, message: str, *, details: str = "") -> None:
        super().__init__(f"{stage}: {message}")
        self.stage = stage
        self.details = details


class EngineError(StageError):
    """The Dagger engine could not be provisioned or reached."""

    def __init__(self, message: str, *, details: str = "") -> None:
        super().__init__("engine", message, details=details)
