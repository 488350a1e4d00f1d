"""Where the local engine lives: versions, cache paths, container and registry names."""

from __future__ import annotations

import importlib.metadata
import os
from dataclasses import dataclass
from pathlib import Path

__all__ = ["EngineSettings"]


@dataclass(frozen=True)
class EngineSettings:
    """The local engine's coordinates; every field can be overridden from the environment."""

    dagger_version: str
    cache_dir: Path
    engine_name: str
    registry_port: int

    @classmethod
    def from_env(cls) -> EngineSettings:
        """Read the settings the provisioning scripts also use (same variables, same defaults)."""
        cache = Path(os.environ.get("SLIPWAY_CACHE", Path.home() / ".cache" / "slipway"))
        return cls(
            dagger_version=os.environ.get("DAGGER_VERSION", sdk_version()),
            cache_dir=cache,
            engine_name=os.environ.get("SLIPWAY_ENGINE_NAME", "slipway-engine"),
            registry_port=int(os.environ.get("SLIPWAY_REGISTRY_PORT", "5000")),
        )

    @property
    def cli_bin(self) -> Path:
        """The Dagger CLI built for this version."""
        return self.cache_dir / "dagger" / f"v{self.dagger_version}" / "bin" / "dagger"

    @property
    def runner_host(self) -> str:
        """The runner address a Dagger client dials to reach the engine container."""
        return f"docker-container://{self.engine_name}"

    @property
    def registry(self) -> str:
        """The embedded registry's address, the same from the host and from the engine."""
        return f"localhost:{self.registry_port}"

    @property
    def logs_dir(self) -> Path:
        """Where provisioning writes one log per step."""
        return self.cache_dir / "logs"

    def client_env(self) -> dict[str, str]:
        """Environment variables that point a Dagger client at this engine."""
        return {
            "_EXPERIMENTAL_DAGGER_CLI_BIN": str(self.cli_bin),
            "_EXPERIMENTAL_DAGGER_RUNNER_HOST": self.runner_host,
            "DO_NOT_TRACK": "1",
            "DAGGER_NO_UPDATE_CHECK": "1",
            "DAGGER_NO_NAG": "1",
        }


def sdk_version() -> str:
    """The installed dagger-io version, which the engine must match exactly."""
    return importlib.metadata.version("dagger-io")
