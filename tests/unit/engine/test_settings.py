from __future__ import annotations

import importlib.metadata
from pathlib import Path

import pytest

from slipway.engine.settings import EngineSettings


def test_defaults_follow_the_installed_sdk(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("DAGGER_VERSION", "SLIPWAY_CACHE", "SLIPWAY_ENGINE_NAME", "SLIPWAY_REGISTRY_PORT"):
        monkeypatch.delenv(var, raising=False)
    s = EngineSettings.from_env()
    version = importlib.metadata.version("dagger-io")
    assert s.dagger_version == version
    assert s.cli_bin == Path.home() / ".cache/slipway/dagger" / f"v{version}" / "bin/dagger"
    assert s.runner_host == "docker-container://slipway-engine"
    assert s.registry == "localhost:5000"


def test_environment_overrides(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("SLIPWAY_CACHE", str(tmp_path))
    monkeypatch.setenv("SLIPWAY_ENGINE_NAME", "eng")
    monkeypatch.setenv("SLIPWAY_REGISTRY_PORT", "5999")
    s = EngineSettings.from_env()
    env = s.client_env()
    assert env["_EXPERIMENTAL_DAGGER_RUNNER_HOST"] == "docker-container://eng"
    assert env["_EXPERIMENTAL_DAGGER_CLI_BIN"].startswith(str(tmp_path))
    assert s.registry == "localhost:5999"
