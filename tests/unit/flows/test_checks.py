"""flows/checks.py: which steps each check runs, the config check, and that checks never publish."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from slipway.config import load_config
from slipway.errors import ConfigError
from slipway.flows.build import build_steps
from slipway.flows.checks import CHECK_REVISION, CHECKS, check_request, check_steps, named_paths
from slipway.runner import run_graph
from slipway.stages.build import BuildConfig, oci_labels

EXAMPLE = Path(__file__).resolve().parents[3] / "examples" / "web-api"


class FakeSource:
    """The few Directory calls the config check makes, answered from a set of paths."""

    def __init__(self, present: set[str]) -> None:
        self.present = present

    async def exists(self, path: str) -> bool:
        return path in self.present

    def file(self, path: str) -> Any:
        return path

    def directory(self, path: str) -> Any:
        return path


def _request(present: set[str] | None = None) -> Any:
    config = load_config(EXAMPLE)
    everything = {path for path, _ in named_paths(config)}
    return check_request(config, FakeSource(everything if present is None else present))  # type: ignore[arg-type]


def test_each_check_runs_its_gate_and_validate_covers_every_environment() -> None:
    req = _request()
    assert [s.name for s in check_steps(req, ["config"])] == ["config"]
    assert [s.name for s in check_steps(req, ["test"])] == ["test"]
    assert [s.name for s in check_steps(req, ["scan"])] == ["build", "scan"]
    validate = check_steps(req, ["validate"])
    assert [s.name for s in validate] == [
        "render:dev", "validate:dev", "render:staging", "validate:staging", "render:prod", "validate:prod",
    ]  # fmt: skip
    assert validate[1].needs == ("render:dev",)
    names = [s.name for s in check_steps(req)]
    assert "publish" not in names and len(names) == 1 + 1 + 2 + 6
    assert CHECKS == ("config", "test", "scan", "validate")


def test_unknown_check_is_refused() -> None:
    with pytest.raises(ConfigError, match=r"unknown checks \['lint'\]"):
        check_steps(_request(), ["test", "lint"])


def test_a_check_request_is_never_published() -> None:
    req = _request()
    assert (req.revision, req.created, req.source_url, req.labelled) == (CHECK_REVISION, "", "", False)
    with pytest.raises(ConfigError, match="never published"):
        build_steps(req)


def test_gates_only_build_needs_no_provenance_and_sets_no_labels() -> None:
    conf = BuildConfig("Dockerfile", ".", CHECK_REVISION, "", "", labelled=False)
    assert oci_labels(conf) == {}
    with pytest.raises(ConfigError, match="no commit time given"):
        BuildConfig("Dockerfile", ".", CHECK_REVISION, "", "")


async def test_config_check_passes_and_summarises() -> None:
    graph = await run_graph(check_steps(_request(), ["config"]))
    assert graph.ok, graph.failures
    assert graph.steps["config"].evidence == ("web-api: go app, helm deploy, environments dev, staging, prod")


async def test_config_check_names_every_missing_file_in_one_line() -> None:
    graph = await run_graph(check_steps(_request({"Dockerfile", "chart"}), ["config"]))
    [failed] = graph.failures
    message = str(failed.error)
    assert "\n" not in message and message.startswith("config: ")
    for missing in ("deploy.values.dev 'chart/values-dev.yaml'", "deploy.values.prod 'chart/values-prod.yaml'",
                    "scan.ignore_file '.trivyignore'", "policy.dir 'policy'"):  # fmt: skip
        assert f"{missing} is not in the source" in message
    assert "Dockerfile" not in message


def test_named_paths_follow_the_build_context(tmp_path: Path) -> None:
    text = (EXAMPLE / "slipway.yaml").read_text().replace("context: .", "context: app")
    (tmp_path / "slipway.yaml").write_text(text)
    paths = dict(named_paths(load_config(tmp_path)))
    assert paths["app"] == "build.context"
    assert paths["app/Dockerfile"] == "build.dockerfile"
