"""Direct deploy and rollback against the real local cluster, through the CLI as users type it.

Each test deploys into its own fresh namespace with the deploy-only kubeconfig. kwok turns pods
Running/Ready without pulling their images, so any published digest rolls out; a nodeSelector
that matches no node makes a rollout that can never become ready.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import uuid
from pathlib import Path

import anyio
import pytest

from apps import EXAMPLES, direct_app
from conftest import Cluster
from slipway.engine.settings import EngineSettings
from slipway.refs import ImageRef, parse_ref
from slipway_cli import slipway

pytestmark = pytest.mark.engine

UNSCHEDULABLE = 'nodeSelector:\n  slipway.dev/no-such-node: "true"\n'
SEEN: list[str] = []  # every stdout and stderr the CLI printed here, for the leak test
WRONG_TOKEN = f"wrong-{uuid.uuid4().hex}"


async def _publish(tag_prefix: str = "") -> ImageRef:
    from dagger import dag

    tag = tag_prefix + uuid.uuid4().hex + uuid.uuid4().hex[:8]
    ctr = dag.container().from_("localhost:5000/library/debian:bookworm").with_new_file("/id", tag)
    return parse_ref(await ctr.publish(f"localhost:5000/slipway-examples/web-api:{tag}"))


@pytest.fixture(scope="module")
async def second_image(engine: EngineSettings) -> ImageRef:
    """Another real image in the example app's repository (a second digest to deploy)."""
    return await _publish()


async def _run(engine: EngineSettings, *args: str) -> subprocess.CompletedProcess[str]:
    def call() -> subprocess.CompletedProcess[str]:
        return slipway(*args, env={"SLIPWAY_ENGINE_NAME": engine.engine_name}, timeout=600)

    proc = await anyio.to_thread.run_sync(call)
    SEEN.extend((proc.stdout, proc.stderr))
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc


def _error_line(proc: subprocess.CompletedProcess[str]) -> str:
    """The one `error:` line, outside the fenced tool output (`--- deploy output ---` ... `---`)."""
    errors, fenced = [], False
    for line in proc.stderr.splitlines():
        if line.startswith("--- ") and line.endswith(" output ---"):
            fenced = True
        elif line == "---":
            fenced = False
        elif line.startswith("error: ") and not fenced:
            errors.append(line)
    assert len(errors) == 1, proc.stderr
    return errors[0]


def _running(cluster: Cluster, namespace: str, workload: str = "web-api") -> str:
    got = cluster.kubectl("get", f"deployment/{workload}", "-n", namespace,
                          "-o", "jsonpath={.spec.template.spec.containers[0].image}")  # fmt: skip
    assert got.returncode == 0, got.stderr
    return got.stdout


def _app(tmp_path: Path, cluster: Cluster, namespace: str, **kw: object) -> Path:
    return direct_app(
        tmp_path, kubeconfig=f"file:{cluster.local.deploy_kubeconfig}", namespace=namespace, **kw
    )  # type: ignore[arg-type]


async def test_helm_deploy_twice_then_rollback_runs_the_first_digest_again(
    engine: EngineSettings, cluster: Cluster, cluster_namespace: str, published_image: ImageRef,
    second_image: ImageRef, tmp_path: Path,
) -> None:  # fmt: skip
    app = str(_app(tmp_path, cluster, cluster_namespace))
    first = await _run(
        engine, "run", "deploy", "--source", app, "--env", "dev", "--image", str(published_image)
    )
    assert first.returncode == 0, first.stderr
    for step in ("image", "deploy", "verify"):
        assert f"ok   {step}" in first.stderr
    assert f"deploy: helm revision 1 in dev (namespace {cluster_namespace})" in first.stderr
    assert first.stdout.strip() == (
        f"Running: {published_image.repository}@{published_image.digest} (deployment/web-api)"
    )
    assert _running(cluster, cluster_namespace).endswith(published_image.digest)

    # A tag alone goes out to an unprotected environment pinned to the digest the registry serves.
    tag_only = f"{second_image.repository}:{second_image.tag}"
    second = await _run(engine, "run", "deploy", "--source", app, "--env", "dev", "--image", tag_only)
    assert second.returncode == 0, second.stderr
    assert "deploy: helm revision 2 in dev" in second.stderr
    assert _running(cluster, cluster_namespace).endswith(second_image.digest)

    back = await _run(engine, "run", "rollback", "--source", app, "--env", "dev")
    assert back.returncode == 0, back.stderr
    for step in ("plan", "rollback", "verify"):
        assert f"ok   {step}" in back.stderr
    assert f"rollback: helm revision 2 -> 1 in dev (namespace {cluster_namespace})" in back.stderr
    assert _running(cluster, cluster_namespace).endswith(published_image.digest)


async def test_failed_rollout_names_the_condition_and_the_previous_revision_serves(
    engine: EngineSettings, cluster: Cluster, cluster_namespace: str, published_image: ImageRef,
    second_image: ImageRef, tmp_path: Path,
) -> None:  # fmt: skip
    good = str(_app(tmp_path, cluster, cluster_namespace))
    bad = str(_app(tmp_path, cluster, cluster_namespace, values=UNSCHEDULABLE, timeout=15))
    first = await _run(
        engine, "run", "deploy", "--source", good, "--env", "dev", "--image", str(published_image)
    )
    assert first.returncode == 0, first.stderr

    failed = await _run(
        engine, "run", "deploy", "--source", bad, "--env", "dev", "--image", str(second_image)
    )
    assert failed.returncode == 1
    line = _error_line(failed)
    assert line.startswith(
        f"error: deploy: rollout of deployment/web-api to dev (namespace {cluster_namespace}) did not become "
        "ready within 15s: pod web-api-"
    ), line
    assert (
        "FailedScheduling: 0/1 nodes are available: 1 node(s) didn't match Pod's node affinity/selector"
        in line
    )
    assert line.endswith(
        f"(helm --atomic rolled back; {published_image.repository}@{published_image.digest} still serves)"
    )
    assert "skip verify" in failed.stderr
    assert _running(cluster, cluster_namespace).endswith(published_image.digest)

    # History: 1 superseded, 2 failed, 3 "Rollback to 1" deployed: nothing healthy to go back to.
    refused = await _run(engine, "run", "rollback", "--source", good, "--env", "dev")
    assert refused.returncode == 2
    assert _error_line(refused) == (
        f"error: rollback: no healthy revision of release 'web-api' before revision 3 in dev (namespace "
        f"{cluster_namespace}) (history: 1 superseded, 2 failed, 3 deployed); nothing was changed"
    )
    assert _running(cluster, cluster_namespace).endswith(published_image.digest)


def _kustomize_app(tmp_path: Path, cluster: Cluster, namespace: str, *, unschedulable: bool = False) -> Path:
    """examples/web-ui's overlays (kustomize, kubectl deploys) for the web-api image repository."""
    app = tmp_path / f"web-ui-{uuid.uuid4().hex[:6]}"
    shutil.copytree(EXAMPLES / "web-ui" / "deploy", app / "deploy")
    overlay = app / "deploy" / "overlays" / "dev" / "kustomization.yaml"
    text = overlay.read_text().replace("namespace: web-ui-dev", f"namespace: {namespace}")
    if unschedulable:
        text += (
            "patches:\n  - target: {kind: Deployment, name: web-ui}\n    patch: |-\n"
            "      - op: add\n        path: /spec/template/spec/nodeSelector\n"
            '        value: {"slipway.dev/no-such-node": "true"}\n'
        )
    overlay.write_text(text)
    (app / "slipway.yaml").write_text(
        "app: web-ui\nimage: {repository: localhost:5000/slipway-examples/web-api}\ntoolchain: npm\n"
        "deploy: {kind: kustomize, path: deploy/base, overlays: {dev: deploy/overlays/dev}}\n"
        "environments:\n  - name: dev\n    protected: false\n    deploy: direct\n"
        f"    cluster: {{kubeconfig: 'file:{cluster.local.deploy_kubeconfig}', namespace: {namespace}, "
        f"rollout_timeout: {15 if unschedulable else 60}}}\n"
    )
    return app


async def test_kubectl_deploy_undoes_a_failed_rollout_and_rolls_back_to_a_verified_revision(
    engine: EngineSettings, cluster: Cluster, cluster_namespace: str, published_image: ImageRef,
    second_image: ImageRef, tmp_path: Path,
) -> None:  # fmt: skip
    good = str(_kustomize_app(tmp_path, cluster, cluster_namespace))
    bad = str(_kustomize_app(tmp_path, cluster, cluster_namespace, unschedulable=True))
    first = await _run(
        engine, "run", "deploy", "--source", good, "--env", "dev", "--image", str(published_image)
    )
    assert first.returncode == 0, first.stderr
    assert _running(cluster, cluster_namespace, "web-ui").endswith(published_image.digest)

    failed = await _run(
        engine, "run", "deploy", "--source", bad, "--env", "dev", "--image", str(second_image)
    )
    assert failed.returncode == 1
    line = _error_line(failed)
    assert line.startswith(
        f"error: deploy: rollout of deployment/web-ui to dev (namespace {cluster_namespace}) did not become "
        "ready within 15s: pod web-ui-"
    ), line
    assert (
        "Unschedulable: 0/1 nodes are available: 1 node(s) didn't match Pod's node affinity/selector" in line
    )
    assert line.endswith(f"(undone: revision 1 serves {published_image} again)"), line
    assert _running(cluster, cluster_namespace, "web-ui").endswith(published_image.digest)

    # The failed revision was never verified: no earlier healthy revision to return to.
    refused = await _run(engine, "run", "rollback", "--source", good, "--env", "dev")
    assert refused.returncode == 2
    assert "rollback: no earlier revision of deployment/web-ui" in _error_line(refused)

    second = await _run(
        engine, "run", "deploy", "--source", good, "--env", "dev", "--image", str(second_image)
    )
    assert second.returncode == 0, second.stderr
    assert _running(cluster, cluster_namespace, "web-ui").endswith(second_image.digest)
    back = await _run(engine, "run", "rollback", "--source", good, "--env", "dev")
    assert back.returncode == 0, back.stderr
    assert "rollback: kubectl revision" in back.stderr
    assert _running(cluster, cluster_namespace, "web-ui").endswith(published_image.digest)


async def test_protected_environment_takes_only_a_digest_and_then_deploys(
    engine: EngineSettings,
    cluster: Cluster,
    cluster_namespace: str,
    published_image: ImageRef,
    tmp_path: Path,
) -> None:
    app = str(_app(tmp_path, cluster, cluster_namespace))
    tag_only = f"{published_image.repository}:{published_image.tag}"
    refused = await _run(engine, "run", "deploy", "--source", app, "--env", "prod", "--image", tag_only)
    assert refused.returncode == 2
    assert _error_line(refused) == (
        f"error: deploy: refusing '{tag_only}' for protected environment 'prod': only digest-pinned images are "
        f"deployed directly (pass {published_image.repository}@sha256:...)"
    )
    unknown = f"{published_image.repository}@sha256:{'e' * 64}"
    missing = await _run(engine, "run", "deploy", "--source", app, "--env", "prod", "--image", unknown)
    assert missing.returncode == 2
    assert f"deploy: {unknown} does not exist in its registry" in _error_line(missing)
    pinned = f"{published_image.repository}@{published_image.digest}"
    done = await _run(engine, "run", "deploy", "--source", app, "--env", "prod", "--image", pinned)
    assert done.returncode == 0, done.stderr
    assert _running(cluster, cluster_namespace).endswith(published_image.digest)


async def test_wrong_token_is_one_readable_line_without_the_token(
    engine: EngineSettings,
    cluster: Cluster,
    cluster_namespace: str,
    published_image: ImageRef,
    tmp_path: Path,
) -> None:
    kubeconfig = cluster.local.deploy_kubeconfig.read_text()
    lines = [f"    token: {WRONG_TOKEN}" if "token:" in line else line for line in kubeconfig.splitlines()]
    os.environ["SLIPWAY_TEST_WRONG_KUBECONFIG"] = "\n".join(lines)
    app = str(_app(tmp_path, cluster, cluster_namespace))
    proc = await _run(engine, "run", "deploy", "--source", app, "--env", "dev", "--image", str(published_image),
                      "--kubeconfig", "env:SLIPWAY_TEST_WRONG_KUBECONFIG")  # fmt: skip
    assert proc.returncode == 1
    assert _error_line(proc) == (
        f"error: deploy: could not deploy web-api to dev (namespace {cluster_namespace}) with helm: the API "
        f"server {cluster.local.server} refused the kubeconfig's credentials (Unauthorized) "
        "(renew the deploy kubeconfig)"
    )
    assert WRONG_TOKEN not in proc.stdout + proc.stderr


async def test_kubeconfig_and_tokens_are_in_no_output_or_log(
    engine: EngineSettings,
    engine_settings: EngineSettings,
    cluster: Cluster,
    cluster_namespace: str,
    published_image: ImageRef,
    tmp_path: Path,
) -> None:
    """Every CLI output this worker saw, the session log and the engine's log hold no credential.

    Under xdist the other deploy tests may run in other workers, so this one makes a run of its
    own with both the deploy kubeconfig and a wrong token in play.
    """
    kubeconfig = cluster.local.deploy_kubeconfig.read_text()
    wrong = [f"    token: {WRONG_TOKEN}" if "token:" in line else line for line in kubeconfig.splitlines()]
    os.environ["SLIPWAY_TEST_LEAK_KUBECONFIG"] = kubeconfig
    os.environ["SLIPWAY_TEST_LEAK_WRONG_KUBECONFIG"] = "\n".join(wrong)
    app = str(_app(tmp_path, cluster, cluster_namespace))
    for source in ("env:SLIPWAY_TEST_LEAK_KUBECONFIG", "env:SLIPWAY_TEST_LEAK_WRONG_KUBECONFIG"):
        await _run(engine, "run", "deploy", "--source", app, "--env", "dev", "--image", str(published_image),
                   "--kubeconfig", source)  # fmt: skip
    session_log = Path(
        os.environ.get("SLIPWAY_ENGINE_LOG") or engine_settings.logs_dir / "engine-session.log"
    )
    engine_logs = subprocess.run(
        ["docker", "logs", engine_settings.engine_name], capture_output=True, check=False
    )
    haystacks = {
        "CLI output and progress": "\n".join(SEEN).encode(),
        "engine session log": session_log.read_bytes() if session_log.is_file() else b"",
        "engine container log": engine_logs.stdout + engine_logs.stderr,
    }
    secrets = [*cluster.tokens(), cluster.local.deploy_kubeconfig.read_bytes(), WRONG_TOKEN.encode()]
    assert {name: sum(hay.count(s) for s in secrets) for name, hay in haystacks.items()} == dict.fromkeys(
        haystacks, 0
    )


async def test_module_deploy_and_rollback_direct_through_a_kube_service(
    engine: EngineSettings, cluster: Cluster, cluster_namespace: str, published_image: ImageRef,
    second_image: ImageRef, tmp_path: Path,
) -> None:  # fmt: skip
    from dagger import PortForward, dag
    from dagger.mod._exceptions import FunctionError

    from slipway_module import Slipway

    source = dag.host().directory(str(_app(tmp_path, cluster, cluster_namespace)))
    kubeconfig = dag.set_secret("test-module-kubeconfig", cluster.local.deploy_kubeconfig.read_text())
    port = cluster.local.api_port
    # What `dagger call ... --kube-service tcp://127.0.0.1:16443` hands the module.
    service = dag.host().service([PortForward(backend=port, frontend=port)], host="127.0.0.1")
    first = await Slipway(project_tools=dag.directory()).deploy(
        source, "dev", str(published_image), kubeconfig, service
    )
    assert (first.env, first.namespace, first.workload, first.tool, first.revision) == (
        "dev", cluster_namespace, "web-api", "helm", 1,
    )  # fmt: skip
    assert first.image == f"{published_image.repository}@{published_image.digest}"
    assert [s.name for s in first.stages] == ["image", "deploy", "verify"]
    second = await Slipway(project_tools=dag.directory()).deploy(
        source, "dev", str(second_image), kubeconfig, service
    )
    assert second.revision == 2 and second.image.endswith(second_image.digest)
    back = await Slipway(project_tools=dag.directory()).rollback_direct(source, "dev", kubeconfig, service)
    assert (back.revision, back.image) == (1, first.image)
    assert _running(cluster, cluster_namespace).endswith(published_image.digest)
    tag_only = f"{published_image.repository}:{published_image.tag}"
    with pytest.raises(FunctionError) as caught:
        await Slipway(project_tools=dag.directory()).deploy(source, "prod", tag_only, kubeconfig, service)
    assert str(caught.value).startswith(f"deploy: refusing '{tag_only}' for protected environment 'prod'")
