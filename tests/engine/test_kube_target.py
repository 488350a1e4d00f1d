"""kube_container: kubectl and helm in an engine container reach the host's API server via the tunnel."""

from __future__ import annotations

import pytest

from conftest import Cluster
from slipway.engine.settings import EngineSettings
from slipway.kube.target import kube_container
from slipway.tool_images import ToolImages

pytestmark = pytest.mark.engine


async def test_kubectl_and_helm_reach_the_api_server(
    engine: EngineSettings, cluster: Cluster, cluster_namespace: str
) -> None:
    target = cluster.local.target(cluster_namespace)
    ctr = await kube_container(target, ToolImages.resolve()["kubectl"])
    whoami = await ctr.with_exec(
        target.kubectl("auth", "whoami", "-o", "jsonpath={.status.userInfo.username}")
    ).stdout()
    assert whoami == "slipway-deploy"
    chart = ctr.with_exec(["helm", "create", "/tmp/chart"])
    out = await chart.with_exec(
        ["helm", "upgrade", "--install", "demo", "/tmp/chart", "--dry-run=server"]
    ).stdout()
    assert f"NAMESPACE: {cluster_namespace}" in out
