"""Bad input to `slipway run deploy` and a direct `rollback` fails before any engine work: exit 2, one line."""

from __future__ import annotations

from pathlib import Path

import pytest

from apps import direct_app
from slipway_cli import slipway

REPO = "localhost:5000/slipway-examples/web-api"
DIGEST = "sha256:" + "ab" * 32
KUBECONFIG = """\
apiVersion: v1
kind: Config
clusters: [{name: c, cluster: {server: "https://127.0.0.1:16443"}}]
users: [{name: u, user: {token: not-a-real-token-5f1e}}]
contexts: [{name: x, context: {cluster: c, user: u}}]
current-context: x
"""


@pytest.fixture
def kubeconfig(tmp_path: Path) -> Path:
    path = tmp_path / "kubeconfig"
    path.write_text(KUBECONFIG)
    return path


def _deploy(app: Path, env: str, image: str, *extra: str) -> tuple[int, str]:
    proc = slipway("run", "deploy", "--source", str(app), "--env", env, "--image", image, *extra)
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert "Traceback" not in proc.stderr and len(lines) == 1, proc.stderr
    assert "not-a-real-token" not in proc.stderr + proc.stdout
    return proc.returncode, lines[0]


@pytest.mark.parametrize(
    ("env", "image", "fragment"),
    [
        ("staging", f"{REPO}@{DIGEST}",
         "deploy: environment 'staging' deploys through GitOps (deploy: gitops in "),
        ("prod", f"{REPO}:{'a' * 40}",
         f"deploy: refusing '{REPO}:{'a' * 40}' for protected environment 'prod': only digest-pinned images "
         f"are deployed directly (pass {REPO}@sha256:...)"),
        ("dev", f"{REPO}:latest", "'latest' is never deployed"),
        ("dev", f"evil.example.com/x/web-api@{DIGEST}",
         f"its repository is not the app's {REPO} (from slipway.yaml)"),
        ("dev", REPO, "it names no tag or digest"),
        ("qa", f"{REPO}@{DIGEST}", "config: unknown environment 'qa'"),
        ("Dev", f"{REPO}@{DIGEST}", "--env"),
    ],
)  # fmt: skip
def test_refused_before_connecting(
    tmp_path: Path, kubeconfig: Path, env: str, image: str, fragment: str
) -> None:
    app = direct_app(tmp_path, kubeconfig=f"file:{kubeconfig}", namespace="web-api-dev")
    rc, line = _deploy(app, env, image)
    assert rc == 2 and line.startswith("error: ") and fragment in line, line


def test_a_protected_environment_without_allow_direct_is_a_config_error(
    tmp_path: Path, kubeconfig: Path
) -> None:
    app = direct_app(tmp_path, kubeconfig=f"file:{kubeconfig}", namespace="n", prod="deploy: direct")
    proc = slipway("run", "deploy", "--source", str(app), "--env", "prod", "--image", f"{REPO}@{DIGEST}")
    assert proc.returncode == 2
    assert (
        "environments[prod]: a protected environment deploys only through a reviewed pull request "
        "(set allow_direct: true to allow direct deploys of pinned digests)"
    ) in proc.stderr


def test_kubeconfig_sources_are_checked_and_never_echoed(tmp_path: Path, kubeconfig: Path) -> None:
    app = direct_app(tmp_path, kubeconfig="env:SLIPWAY_TEST_NO_SUCH_KUBECONFIG", namespace="n")
    rc, line = _deploy(app, "dev", f"{REPO}@{DIGEST}")
    assert (rc, line) == (
        2,
        "error: environments[dev].cluster.kubeconfig: environment variable SLIPWAY_TEST_NO_SUCH_KUBECONFIG "
        "is not set or empty",
    )
    rc, line = _deploy(app, "dev", f"{REPO}@{DIGEST}", "--kubeconfig", str(kubeconfig))
    assert (rc, line) == (2, "error: --kubeconfig: pass secrets as env:NAME or file:PATH, not as plain text")
    broken = tmp_path / "broken"
    broken.write_text(KUBECONFIG.replace("current-context: x", "current-context: y"))
    rc, line = _deploy(app, "dev", f"{REPO}@{DIGEST}", "--kubeconfig", f"file:{broken}")
    assert rc == 2 and "names no server for its current context (missing 'y')" in line


def test_rollback_of_a_gitops_environment_still_needs_the_repository(
    tmp_path: Path, kubeconfig: Path
) -> None:
    app = direct_app(tmp_path, kubeconfig=f"file:{kubeconfig}", namespace="n")
    proc = slipway("run", "rollback", "--source", str(app), "--env", "staging")
    assert proc.returncode == 2
    assert proc.stderr.strip() == (
        "error: rollback: pass --repo URL and --token env:NAME|file:PATH (a GitOps environment)"
    )


def test_direct_rollback_checks_the_kubeconfig_before_connecting(tmp_path: Path) -> None:
    app = direct_app(tmp_path, kubeconfig="file:/nonexistent/kubeconfig", namespace="n")
    proc = slipway("run", "rollback", "--source", str(app), "--env", "dev")
    assert proc.returncode == 2
    assert proc.stderr.strip() == (
        "error: environments[dev].cluster.kubeconfig: secret file /nonexistent/kubeconfig does not exist"
    )
