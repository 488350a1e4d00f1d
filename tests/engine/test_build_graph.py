"""The build graph on real tools: one success end to end, and every gate failing for real.

Each failure must name its stage with an actionable message and leave the registry untouched.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from apps import make_app, registry_digest, registry_tags
from slipway.engine.settings import EngineSettings
from slipway.host import BuildOptions, run_build
from slipway.runner import GraphResult

pytestmark = pytest.mark.engine


async def _run(app: Path, env: str = "", tag: str = "") -> GraphResult:
    _, result = await run_build(BuildOptions(source=app, env=env, tag=tag, allow_custom_tag=bool(tag)))
    return result


def _failed(result: GraphResult, stage: str) -> str:
    assert not result.ok
    rec = result.steps[stage]
    assert rec.status == "failed", {n: (r.status, r.message) for n, r in result.steps.items()}
    assert result.steps["publish"].status == "skipped"
    assert rec.message.startswith(f"{stage}: could not ")
    return rec.message


async def test_web_api_builds_scans_validates_and_publishes(engine: EngineSettings, tmp_path: Path) -> None:
    app, repo = make_app(tmp_path, "web-api")
    result = await _run(app)
    assert result.ok, [r.message for r in result.failures]
    ref = result.steps["publish"].evidence
    sha = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=app, capture_output=True, text=True, check=True
    ).stdout.strip()
    assert ref.tag == sha
    assert re.fullmatch(r"[0-9a-f]{40}", sha)
    assert registry_tags(repo) == [sha]
    assert registry_digest(repo, sha) == ref.digest
    assert result.steps["scan"].evidence.counts["HIGH"] == 0
    assert result.steps["validate"].evidence.resources >= 2
    assert f"{ref.repository}:{sha}" in result.steps["render"].evidence.text


async def test_failing_go_test(engine: EngineSettings, tmp_path: Path) -> None:
    breaks = {
        "internal/server/server_test.go": lambda t: t.replace(
            "func TestHealthz(t *testing.T) {",
            'func TestHealthz(t *testing.T) {\n\tt.Fatalf("planted failure: want %d", 42)',
        )
    }
    app, repo = make_app(tmp_path, "web-api", breaks)
    result = await _run(app)
    message = _failed(result, "test")
    assert "TestHealthz" in message
    assert "planted failure: want 42" in result.steps["test"].error.details
    assert registry_tags(repo) == []


async def test_failing_npm_test(engine: EngineSettings, tmp_path: Path) -> None:
    app, repo = make_app(
        tmp_path,
        "web-ui",
        {
            "test/planted.test.js": lambda _: (
                "const test = require('node:test');\nconst assert = require('node:assert');\n"
                "test('planted npm failure', () => { assert.strictEqual(1, 2); });\n"
            )
        },
    )
    result = await _run(app)
    message = _failed(result, "test")
    assert "planted npm failure" in message
    assert registry_tags(repo) == []


async def test_dockerfile_error(engine: EngineSettings, tmp_path: Path) -> None:
    app, repo = make_app(
        tmp_path,
        "web-api",
        {"Dockerfile": lambda t: t.replace("go-build CGO_ENABLED=0", "go-build false && CGO_ENABLED=0")},
    )
    result = await _run(app)
    _failed(result, "build")
    assert result.steps["scan"].status == "skipped"
    assert registry_tags(repo) == []


async def test_planted_high_cve_blocks_publish(engine: EngineSettings, tmp_path: Path) -> None:
    install = (
        "USER root\nRUN apt-get update -qq && apt-get install -y -qq --no-install-recommends libexpat1 "
        "&& rm -rf /var/lib/apt/lists/*\nUSER 65532:65532\nEXPOSE 8080"
    )
    app, repo = make_app(
        tmp_path,
        "web-api",
        {"Dockerfile": lambda t: t.replace("USER 65532:65532\nEXPOSE 8080", install)},
    )
    result = await _run(app)
    message = _failed(result, "scan")
    assert "CVE-2099-0001 (HIGH) in libexpat1" in message
    assert registry_tags(repo) == []


async def test_helm_template_error(engine: EngineSettings, tmp_path: Path) -> None:
    app, repo = make_app(
        tmp_path,
        "web-api",
        {"chart/templates/service.yaml": lambda t: t + "\n{{ .Values.nope.missing }}\n"},
    )
    result = await _run(app)
    message = _failed(result, "render")
    assert "helm template" in message
    assert result.steps["validate"].status == "skipped"
    assert registry_tags(repo) == []


async def test_kubeconform_rejects_unknown_field(engine: EngineSettings, tmp_path: Path) -> None:
    app, repo = make_app(
        tmp_path,
        "web-api",
        {
            "chart/templates/deployment.yaml": lambda t: t.replace(
                "      automountServiceAccountToken: false",
                "      automountServiceAccountToken: false\n      colour: blue",
            )
        },
    )
    result = await _run(app)
    message = _failed(result, "validate")
    assert "kubeconform -strict" in message and "colour" in message
    assert registry_tags(repo) == []


async def test_conftest_refuses_latest_in_prod(engine: EngineSettings, tmp_path: Path) -> None:
    sidecar = (
        "      containers:\n        - name: sidecar\n          image: busybox:latest\n"
        "          resources:\n            limits: {cpu: 10m, memory: 16Mi}\n"
    )
    app, repo = make_app(
        tmp_path,
        "web-api",
        {"chart/templates/deployment.yaml": lambda t: t.replace("      containers:\n", sidecar)},
    )
    result = await _run(app, env="prod")
    message = _failed(result, "validate")
    assert "uses the mutable tag 'latest'" in message and 'protected environment "prod"' in message
    assert registry_tags(repo) == []


async def test_a_missing_chart_directory_is_named(engine: EngineSettings, tmp_path: Path) -> None:
    edits = {"slipway.yaml": lambda t: t.replace("  path: chart\n", "  path: charts/web-api\n")}
    app, repo = make_app(tmp_path, "web-api", edits)
    message = _failed(await _run(app), "render")
    assert message == (
        "render: could not render dev: the chart directory 'charts/web-api' is not in the source "
        "(check deploy in slipway.yaml)"
    )
    assert registry_tags(repo) == []
