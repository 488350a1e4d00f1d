"""The module as a user calls it: the real `dagger` CLI, as a subprocess, from the repo root.

The first call after a module change loads the module (about 2 minutes cold); later ones reuse
it. Without an engine: skip locally, FAIL under CI=true.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from apps import direct_app, make_app, registry_digest, registry_tags
from conftest import ROOT, Cluster, Forge, GitopsRepo, dagger
from slipway.engine.settings import EngineSettings
from slipway.refs import ImageRef

pytestmark = [pytest.mark.engine, pytest.mark.timeout(900)]

TOOL_IMAGES = EngineSettings.from_env().cache_dir / "tool-images.json"


def slipway_call(*args: str, forge: Forge | None = None) -> subprocess.CompletedProcess[str]:
    """`dagger call -m . --tool-images ... [--forge-service ...] <args>` with the token in env."""
    base = ["call", "--tool-images", str(TOOL_IMAGES)]
    if forge is not None:
        base += ["--forge-service", f"tcp://{forge.url.split('//')[1]}"]
    return dagger(*base, *args, env={forge.token_env: forge.token} if forge else None)


def provenance(app: Path) -> list[str]:
    rev = subprocess.run(["git", "rev-parse", "HEAD"], cwd=app, capture_output=True, text=True, check=True)
    created = subprocess.run(["git", "log", "-1", "--format=%cI"], cwd=app, capture_output=True, text=True,
                             check=True)  # fmt: skip
    return ["--source", str(app), "--revision", rev.stdout.strip(), "--created", created.stdout.strip(),
            "--source-url", "https://git.example.com/acme/web-api"]  # fmt: skip


def gitops_args(forge: Forge, repo: GitopsRepo) -> list[str]:
    return ["--gitops-repo", repo.url, "--gitops-token", f"env:{forge.token_env}"]


def as_json(*args: str, forge: Forge) -> Any:
    """The typed result, read through its `as-json` function chained onto the call."""
    proc = slipway_call(*args, "as-json", forge=forge)
    assert proc.returncode == 0, proc.stderr[-4000:]
    return json.loads(proc.stdout)


def error_lines(proc: subprocess.CompletedProcess[str]) -> list[str]:
    return [line for line in proc.stderr.splitlines() if line.startswith("Error: ")]


def test_functions_and_version(module_loaded: str) -> None:
    assert module_loaded == f"v{EngineSettings.from_env().dagger_version}"
    proc = dagger("functions")
    assert proc.returncode == 0, proc.stderr[-2000:]
    listed = {line.split()[0] for line in proc.stdout.splitlines()[1:] if line.strip()}
    assert listed >= {"base", "build", "build-and-propose", "plan", "promote", "publish", "render",
                      "rollback", "scan", "test", "validate", "version", "deploy", "rollback-direct"}  # fmt: skip


def test_go_fixture_module_loads() -> None:
    proc = dagger("call", "hello", module=ROOT / "tests" / "fixtures" / "go-module")
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.strip() == "hello from a Go module"


def test_missing_argument_is_a_usage_error(module_loaded: str, tmp_path: Path) -> None:
    proc = slipway_call("build", "--source", str(ROOT / "examples" / "web-api"), "--revision", "a" * 40)
    assert proc.returncode != 0
    assert 'required flag(s) "created", "source-url" not set' in proc.stderr


def test_build_publishes_with_its_digest(module_loaded: str, tmp_path: Path) -> None:
    app, repo_path = make_app(tmp_path, "web-api")
    args = provenance(app)
    sha = args[3]
    address = f"localhost:5000/{repo_path}:{sha}"
    proc = slipway_call("build", *args, "publish", "--address", address)
    assert proc.returncode == 0, proc.stderr[-4000:]
    printed = proc.stdout.strip()
    assert printed.startswith(f"{address}@sha256:"), printed
    assert registry_tags(repo_path) == [sha]
    assert printed.endswith(registry_digest(repo_path, sha))


def test_build_and_propose_then_promote_plan_and_rollback(
    module_loaded: str, forge: Forge, gitops_repo: GitopsRepo, tmp_path: Path
) -> None:
    app, repo_path = make_app(tmp_path, "web-api")
    args = provenance(app)
    sha = args[3]

    out = as_json("build-and-propose", *args, *gitops_args(forge, gitops_repo), forge=forge)
    assert out["image"].startswith(f"localhost:5000/{repo_path}:{sha}@sha256:")
    assert out["digest"] == registry_digest(repo_path, sha)
    assert {s["name"]: s["status"] for s in out["stages"]} == dict.fromkeys(
        ("test", "build", "scan", "render", "validate", "publish"), "passed"
    )
    number = int(out["pr_url"].rstrip("/").rsplit("/", 1)[1])
    with forge.api() as api:
        body = api.get(f"/repos/slipway/{gitops_repo.name}/pulls/{number}").json()["body"]
    # The same evidence sections `slipway run build-and-propose` writes (flows/build_and_propose.py).
    for section in ("### Evidence", "- Scan (trivy): ", "- Validation: kubeconform -strict: ",
                    "- Tests: `go test ./...` passed", "### Rendered manifests diff"):  # fmt: skip
        assert section in body, body

    # plan: the gates and each environment's diffs; nothing pushed (registry and git unchanged).
    refs = forge.git(gitops_repo.checkout, "ls-remote", "origin")
    tags = registry_tags(repo_path)
    plan = as_json("plan", *args, *gitops_args(forge, gitops_repo), forge=forge)
    assert plan["image"] == f"localhost:5000/{repo_path}:{sha}"
    assert [e["env"] for e in plan["environments"]] == ["dev", "staging", "prod"]
    assert forge.git(gitops_repo.checkout, "ls-remote", "origin") == refs
    assert registry_tags(repo_path) == tags

    # promote the published image to staging directly, then roll it back.
    source = ["--source", str(app)]
    promoted = as_json("promote", "--env", "staging", "--image", out["image"], "--direct-push",
                       *source, *gitops_args(forge, gitops_repo), forge=forge)  # fmt: skip
    assert promoted["status"] == "landed" and promoted["pr_url"] == ""
    assert sha in promoted["values_diff"]
    rolled = as_json("rollback", "--env", "staging", *source, *gitops_args(forge, gitops_repo), forge=forge)  # fmt: skip
    assert rolled["reverted"] == promoted["commit"]


def test_failing_go_test_names_the_stage_and_pushes_nothing(
    module_loaded: str, forge: Forge, gitops_repo: GitopsRepo, tmp_path: Path
) -> None:
    breaks = {
        "internal/server/server_test.go": lambda t: t.replace(
            "func TestHealthz(t *testing.T) {",
            'func TestHealthz(t *testing.T) {\n\tt.Fatalf("planted failure: want %d", 42)',
        )
    }
    app, repo_path = make_app(tmp_path, "web-api", breaks)
    refs = forge.git(gitops_repo.checkout, "ls-remote", "origin")
    proc = slipway_call("build-and-propose", *provenance(app), *gitops_args(forge, gitops_repo), forge=forge)
    assert proc.returncode != 0
    errors = error_lines(proc)
    assert len(errors) == 1 and "test: " in errors[0] and "TestHealthz" in errors[0], proc.stderr[-3000:]
    assert "Traceback" not in proc.stderr + proc.stdout
    assert forge.token not in proc.stderr + proc.stdout
    assert registry_tags(repo_path) == []
    assert forge.git(gitops_repo.checkout, "ls-remote", "origin") == refs


def test_wrong_token_is_readable_and_not_echoed(
    module_loaded: str, forge: Forge, gitops_repo: GitopsRepo, tmp_path: Path
) -> None:
    wrong = "wrong-" + forge.token[::-1]
    refs = forge.git(gitops_repo.checkout, "ls-remote", "origin")
    image = f"localhost:5000/slipway-examples/web-api:{'a' * 40}"
    proc = dagger(
        "call", "--tool-images", str(TOOL_IMAGES), "--forge-service", f"tcp://{forge.url.split('//')[1]}",
        "promote", "--env", "dev", "--image", image, "--source", str(ROOT / "examples" / "web-api"),
        "--gitops-repo", gitops_repo.url, "--gitops-token", "env:WRONG_GITOPS_TOKEN",
        env={"WRONG_GITOPS_TOKEN": wrong},
    )  # fmt: skip
    assert proc.returncode != 0
    errors = error_lines(proc)
    assert len(errors) == 1, proc.stderr[-3000:]
    assert "promote: " in errors[0], errors
    assert wrong not in proc.stderr + proc.stdout and "Traceback" not in proc.stderr
    assert forge.git(gitops_repo.checkout, "ls-remote", "origin") == refs


def test_deploy_and_rollback_direct_through_the_kube_service(
    module_loaded: str, cluster: Cluster, cluster_namespace: str, published_image: ImageRef, tmp_path: Path
) -> None:
    app = direct_app(tmp_path, kubeconfig="env:UNUSED", namespace=cluster_namespace)
    kube = ["--kubeconfig", f"file:{cluster.local.deploy_kubeconfig}",
            "--kube-service", f"tcp://127.0.0.1:{cluster.local.api_port}"]  # fmt: skip
    pinned = f"{published_image.repository}@{published_image.digest}"
    proc = slipway_call("deploy", "--source", str(app), "--env", "dev", "--image", pinned, *kube, "as-json")
    assert proc.returncode == 0, proc.stderr[-4000:]
    deployed = json.loads(proc.stdout)
    assert (deployed["namespace"], deployed["image"], deployed["revision"]) == (cluster_namespace, pinned, 1)
    refused = slipway_call("rollback-direct", "--source", str(app), "--env", "dev", *kube)
    assert refused.returncode != 0
    [line] = error_lines(refused)
    assert (
        f"rollback: no healthy revision of release 'web-api' before revision 1 in dev (namespace "
        f"{cluster_namespace}) (history: 1 deployed); nothing was changed"
    ) in line, refused.stderr[-3000:]
    secrets = [*cluster.tokens(), cluster.local.deploy_kubeconfig.read_bytes()]
    progress = (proc.stdout + proc.stderr + refused.stdout + refused.stderr).encode()
    assert sum(progress.count(s) for s in secrets) == 0
