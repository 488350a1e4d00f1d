"""Tool images: defaults, then the local engine's table, then slipway.yaml's tools; what must be local."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from slipway.errors import ConfigError
from slipway.tool_images import DEFAULT_IMAGES, ToolImages, local_image_repositories, local_table_path


@pytest.fixture
def table(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "tool-images.json"
    monkeypatch.setenv("SLIPWAY_TOOL_IMAGES", str(path))
    return path


def test_the_table_path_follows_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SLIPWAY_TOOL_IMAGES", raising=False)
    monkeypatch.setenv("SLIPWAY_CACHE", str(tmp_path))
    assert local_table_path() == tmp_path / "tool-images.json"
    monkeypatch.setenv("SLIPWAY_TOOL_IMAGES", "/etc/tools.json")
    assert local_table_path() == Path("/etc/tools.json")


def test_without_a_local_table_the_defaults_apply(table: Path) -> None:
    assert ToolImages.resolve().images == DEFAULT_IMAGES


def test_the_local_table_overrides_defaults_and_the_app_overrides_both(table: Path) -> None:
    table.write_text(json.dumps({"helm": "127.0.0.1:5000/helm:1", "trivy": "127.0.0.1:5000/trivy:1"}))
    tools = ToolImages.resolve({"helm": "acme/helm:9"})
    assert (tools["helm"], tools["trivy"], tools["go"]) == (
        "acme/helm:9", "127.0.0.1:5000/trivy:1", DEFAULT_IMAGES["go"],
    )  # fmt: skip


def test_unknown_tools_and_a_broken_table_are_config_errors(table: Path) -> None:
    with pytest.raises(ConfigError, match=r"unknown tools \['cargo'\]"):
        ToolImages.resolve({"cargo": "rust"})
    table.write_text("{not json")
    with pytest.raises(ConfigError, match="could not read .*rerun `make engine`"):
        ToolImages.resolve()


def test_local_repositories_are_the_registrys_paths_and_docker_hub_names(table: Path) -> None:
    table.write_text(json.dumps({
        "helm": "127.0.0.1:5000/slipway/helm:3@sha256:" + "a" * 64,
        "base": "debian:bookworm",
        "trivy": "localhost:5000/trivy:1",
    }))  # fmt: skip
    repos = local_image_repositories()
    assert repos == [
        "alpine/git", "library/debian", "library/golang", "library/node", "openpolicyagent/conftest",
        "slipway/helm", "trivy",
    ]  # fmt: skip
