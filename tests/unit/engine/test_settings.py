from __future__ import annotations

import importlib.metadata
from pathlib import Path

import pytest

from slipway.engine.settings import EngineSettings


def test_defaults_follow_the_installed_sdk(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("DAGGER_VERSION", "SLIPWAY_CACHE", "SLIPWAY_ENGINE_NAME", "SLIPWAY_REGISTRY_PORT"):
        monkeypatch.delenv(var, raising=False)
    installed = {"dagger-io": "0.19.7"}
    monkeypatch.setattr(importlib.metadata, "version", installed.__getitem__)
    s = EngineSettings.from_env()
    assert s.dagger_version == "0.19.7"
    assert s.cli_bin == Path.home() / ".cache/slipway/dagger/v0.19.7/bin/dagger"
    assert s.runner_host == "docker-container://slipway-engine"
    assert s.registry == "localhost:5000"


def test_environment_overrides(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("SLIPWAY_CACHE", str(tmp_path))
    monkeypatch.setenv("SLIPWAY_ENGINE_NAME", "eng")
    monkeypatch.setenv("SLIPWAY_REGISTRY_PORT", "5999")
    monkeypatch.setenv("DAGGER_VERSION", "0.18.1")
    s = EngineSettings.from_env()
    env = s.client_env()
    assert env["_EXPERIMENTAL_DAGGER_RUNNER_HOST"] == "docker-container://eng"
    assert env["_EXPERIMENTAL_DAGGER_CLI_BIN"] == f"{tmp_path}/dagger/v0.18.1/bin/dagger"
    assert (s.dagger_version, s.registry) == ("0.18.1", "localhost:5999")
