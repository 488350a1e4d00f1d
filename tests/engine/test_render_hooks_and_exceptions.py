"""Render as a controller would, and policy exceptions, on the real helm, kubeconform and conftest.

web-api gets a helm test Pod, a pre-install/pre-upgrade Job without resource limits and (for the
exception cases) a sidecar with a tag-only image, which the prod pin policy denies.
"""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from apps import make_app
from slipway.config import load_config
from slipway.engine.settings import EngineSettings
from slipway.flows.build import render_config
from slipway.host import run_checks
from slipway.manifest_docs import join_manifests
from slipway.refs import ImageRef
from slipway.source import SOURCE_EXCLUDES
from slipway.stages.render import render
from slipway.tool_images import ToolImages

pytestmark = pytest.mark.engine

TEST_POD = """\
apiVersion: v1
kind: Pod
metadata:
  name: "{{ .Release.Name }}-test-connection"
  annotations:
    "helm.sh/hook": test
spec:
  restartPolicy: Never
  containers:
    - name: wget
      image: busybox:1.36
      command: ["wget", "-qO-", "http://{{ .Release.Name }}:80/healthz"]
"""
MIGRATE = """\
apiVersion: batch/v1
kind: Job
metadata:
  name: "{{ .Release.Name }}-migrate"
  annotations:
    "helm.sh/hook": pre-install,pre-upgrade
    "helm.sh/hook-delete-policy": before-hook-creation
spec:
  template:
    spec:
      restartPolicy: Never
      containers:
        - name: migrate
          image: {{ include "web-api.image" . | quote }}
          args: ["migrate"]
"""
SIDECAR = (
    "      containers:\n        - name: sidecar\n          image: busybox:1.36\n"
    "          resources:\n            limits: {cpu: 10m, memory: 16Mi}\n"
)
HOOKS = {
    "chart/templates/test-connection.yaml": lambda _: TEST_POD,
    "chart/templates/migrate.yaml": lambda _: MIGRATE,
}
EXCEPTIONS = """\
policy:
  dir: policy
  exceptions:
    - {rule: resource-limits, kind: Job, name: "*-migrate", reason: "the migration runs for seconds"}
    - {rule: unpinned-image, kind: Deployment, name: web-api, reason: "the sidecar's vendor publishes tags only"}
    - {rule: resource-limits, kind: CronJob, reason: "none yet"}
"""


async def test_render_skips_test_hooks_keeps_hooks_apart_and_repeats_byte_for_byte(
    engine: EngineSettings, tmp_path: Path
) -> None:
    from dagger import dag

    app, _ = make_app(tmp_path, "web-api", HOOKS)
    config = load_config(app)
    conf = render_config(
        config, "dev", ImageRef(config.repository, "a" * 40), ToolImages.resolve(config.tools)
    )
    source = dag.host().directory(str(app), exclude=SOURCE_EXCLUDES)
    first = await render(source, conf)
    # Another source digest, so helm runs again instead of the engine answering from its cache.
    second = await render(source.with_new_file("unrelated.txt", uuid.uuid4().hex), conf)

    assert first.text == second.text
    assert first.hooks == second.hooks
    assert await first.manifests.contents() == first.text
    assert await second.manifests.contents() == first.text
    assert [(d.kind, d.name, d.hook) for d in first.hooks] == [
        ("Job", "web-api-migrate", "pre-install,pre-upgrade")
    ]
    assert first.hooks_file is not None
    assert await first.hooks_file.contents() == join_manifests(first.hooks)
    assert "kind: Job" not in first.text and "kind: Deployment" in first.text
    assert "test-connection" not in first.text + join_manifests(first.hooks), "helm test hooks are skipped"


async def test_exceptions_excuse_with_a_reason_warn_when_unused_and_bow_to_protected_envs(
    engine: EngineSettings, tmp_path: Path
) -> None:
    edits = {
        **HOOKS,
        "chart/templates/deployment.yaml": lambda t: t.replace("      containers:\n", SIDECAR),
        "slipway.yaml": lambda t: t.replace("policy:\n  dir: policy\n", EXCEPTIONS),
    }
    app, _ = make_app(tmp_path / "default", "web-api", edits)
    _, graph = await run_checks(app, ["validate"])

    for env in ("dev", "staging"):
        step = graph.steps[f"validate:{env}"]
        assert step.status == "passed", step.message
        result = step.evidence
        assert result.resources == 3, "the Service, the Deployment and the hook Job"
        migrate, sidecar, cronjob = result.exceptions
        assert (
            migrate.excused == ("Job/web-api-migrate",) and migrate.reason == "the migration runs for seconds"
        )
        assert sidecar.excused == () and cronjob.excused == ()
        assert result.warnings == (
            f"policy exception policy.exceptions[1] (unpinned-image Deployment/web-api) matched nothing in {env}",
            f"policy exception policy.exceptions[2] (resource-limits CronJob/*) matched nothing in {env}",
        )
    prod = graph.steps["validate:prod"]
    assert prod.status == "failed"
    assert 'Deployment/web-api: container "sidecar" image busybox:1.36 is not pinned' in prod.message
    refusal = (
        "[unpinned-image] (the exception policy.exceptions[1] does not apply: protected environment 'prod'"
    )
    assert refusal in prod.message
    assert "resource-limits" not in prod.message, "the hook's exception still applies in prod"

    allowed_yaml = EXCEPTIONS + "  forbid_exceptions_in_protected: []\n"
    allowed = {**edits, "slipway.yaml": lambda t: t.replace("policy:\n  dir: policy\n", allowed_yaml)}
    app, _ = make_app(tmp_path / "allowed", "web-api", allowed)
    _, graph = await run_checks(app, ["validate"])
    prod = graph.steps["validate:prod"]
    assert prod.status == "passed", prod.message
    assert prod.evidence.exceptions[1].excused == ("Deployment/web-api",)
