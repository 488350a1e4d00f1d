"""Server-side dry-run against the real API server, from an engine container through the tunnel."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from conftest import Cluster
from slipway.engine.settings import EngineSettings
from slipway.errors import StageError
from slipway.stages.dry_run import DryRunConfig, DryRunResult, server_dry_run
from slipway.tool_images import ToolImages

pytestmark = pytest.mark.engine

DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app: web}
spec:
  replicas: REPLICAS
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
        - name: web
          image: localhost:5000/slipway-examples/web-api@sha256:1111111111111111111111111111111111111111111111111111111111111111
          ports:
            - containerPort: 8080
              EXTRA
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector: {app: web}
  ports: [{port: 80, targetPort: 8080}]
"""
SEEN: list[str] = []  # every message and detail the tests got back, for the leak test


def _manifests(replicas: str = "2", extra: str = "name: http") -> str:
    return DEPLOYMENT.replace("REPLICAS", replicas).replace("EXTRA", extra)


async def _dry_run(cluster: Cluster, namespace: str, text: str) -> DryRunResult:
    from dagger import dag

    manifests = dag.directory().with_new_file("manifests.yaml", text).file("manifests.yaml")
    config = DryRunConfig(
        env="dev", target=cluster.local.target(namespace), kubectl_image=ToolImages.resolve()["kubectl"]
    )
    try:
        result = await server_dry_run(manifests, config)
    except StageError as exc:
        SEEN.extend((str(exc), exc.details))
        raise
    SEEN.append(repr(result))
    return result


async def test_valid_manifests_pass(engine: EngineSettings, cluster: Cluster, cluster_namespace: str) -> None:
    result = await _dry_run(cluster, cluster_namespace, _manifests())
    assert result.resources == ("deployment.apps/web", "service/web")
    # A dry run persists nothing.
    got = cluster.kubectl("get", "deployment/web", "-n", cluster_namespace)
    assert "NotFound" in got.stderr


async def test_negative_replicas_fail_with_the_servers_message(
    engine: EngineSettings, cluster: Cluster, cluster_namespace: str
) -> None:
    with pytest.raises(StageError) as caught:
        await _dry_run(cluster, cluster_namespace, _manifests(replicas="-3"))
    message = str(caught.value)
    assert message.startswith(
        f"validate: could not pass the server-side dry-run for dev (namespace {cluster_namespace}): "
    )
    assert (
        'The Deployment "web" is invalid: spec.replicas: Invalid value: -3: must be greater than or equal to 0'
        in message
    )
    assert "\n" not in message


async def test_unknown_field_fails_with_strict_decoding_error(
    engine: EngineSettings, cluster: Cluster, cluster_namespace: str
) -> None:
    with pytest.raises(StageError) as caught:
        await _dry_run(cluster, cluster_namespace, _manifests(extra="bogusField: 1"))
    assert (
        'strict decoding error: unknown field "spec.template.spec.containers[0].ports[0].bogusField"'
        in str(caught.value)
    )


async def test_missing_namespace_is_named_with_what_to_do(engine: EngineSettings, cluster: Cluster) -> None:
    with pytest.raises(StageError) as caught:
        await _dry_run(cluster, "no-such-ns-dev", _manifests())
    message = str(caught.value)
    assert 'namespaces "no-such-ns-dev" not found' in message
    assert "(create the namespace: slipway cluster namespace no-such-ns-dev)" in message


async def test_deploy_credentials_cannot_reach_outside_their_namespaces(
    engine: EngineSettings, cluster: Cluster, cluster_namespace: str
) -> None:
    with pytest.raises(StageError) as caught:
        await _dry_run(cluster, "kube-system", _manifests())
    message = str(caught.value)
    assert (
        'Error from server (Forbidden): deployments.apps "web" is forbidden: User "slipway-deploy" cannot get '
        'resource "deployments" in API group "apps" in the namespace "kube-system"'
    ) in message
    assert "(these credentials may not do this in kube-system" in message


async def test_kubeconfig_is_in_no_layer_log_or_message(
    engine: EngineSettings, cluster: Cluster, cluster_namespace: str, tmp_path: Path
) -> None:
    from slipway.kube.target import kube_container

    await _dry_run(cluster, cluster_namespace, _manifests())
    target = cluster.local.target(cluster_namespace)
    ctr = (await kube_container(target, ToolImages.resolve()["kubectl"])).with_exec(target.kubectl("version"))
    assert "Server Version: v1.37.2" in await ctr.stdout()
    tarball = tmp_path / "kubectl.tar"
    await ctr.as_tarball().export(str(tarball))

    session_log = Path(os.environ.get("SLIPWAY_ENGINE_LOG") or engine.logs_dir / "engine-session.log")
    engine_logs = subprocess.run(["docker", "logs", engine.engine_name], capture_output=True, check=False)
    haystacks = {
        "messages and results": "\n".join(SEEN).encode(),
        "engine session log": session_log.read_bytes() if session_log.is_file() else b"",
        "engine container log": engine_logs.stdout + engine_logs.stderr,
        "container image": tarball.read_bytes(),
    }
    assert len(SEEN) > 0 and len(haystacks["container image"]) > 0
    kubeconfig = cluster.local.deploy_kubeconfig.read_text()
    secrets = [*cluster.tokens(), kubeconfig.encode()]
    assert {name: sum(hay.count(s) for s in secrets) for name, hay in haystacks.items()} == dict.fromkeys(
        haystacks, 0
    )
