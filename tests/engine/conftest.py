"""Engine-test fixtures for GitOps: the local Gitea, and a fresh seeded repository per test."""

from __future__ import annotations

import base64
import os
import shutil
import subprocess
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from slipway.engine.settings import EngineSettings
from slipway.kube.local_cluster import LocalCluster
from slipway.refs import ImageRef

ROOT = Path(__file__).resolve().parents[2]
GITEA_SH = ROOT / "src" / "slipway" / "provision" / "gitea.sh"


@dataclass(frozen=True)
class Forge:
    url: str
    token: str
    token_env: str = "SLIPWAY_TEST_GITEA_TOKEN"

    def api(self) -> httpx.Client:
        return httpx.Client(
            base_url=f"{self.url}/api/v1",
            headers={"Authorization": f"token {self.token}"},
            timeout=30,
        )

    def git(self, cwd: Path, *args: str) -> str:
        header = base64.b64encode(f"slipway:{self.token}".encode()).decode()
        proc = subprocess.run(
            ["git", "-c", f"http.extraHeader=Authorization: Basic {header}",
             "-c", "user.name=seed", "-c", "user.email=seed@example.com", *args],
            cwd=cwd, capture_output=True, text=True, check=False,
        )  # fmt: skip
        assert proc.returncode == 0, proc.stderr
        return proc.stdout


def start_service(script: Path, what: str) -> subprocess.CompletedProcess[str]:
    """`script up`; when it fails: skip locally, FAIL under CI=true (where everything must run)."""
    proc = subprocess.run(["bash", str(script), "up"], capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        message = f"{what} could not start: {proc.stdout[-1500:]}{proc.stderr[-1500:]}"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return proc


@pytest.fixture(scope="session")
def forge() -> Forge:
    """The real Gitea the project provisions (started here when it is not running)."""
    start_service(GITEA_SH, "gitea")
    cache = Path(os.environ.get("SLIPWAY_CACHE", Path.home() / ".cache" / "slipway"))
    port = os.environ.get("SLIPWAY_GITEA_PORT", "3000")
    forge = Forge(f"http://127.0.0.1:{port}", (cache / "gitea" / "token").read_text().strip())
    os.environ[forge.token_env] = forge.token
    return forge


def _dagger_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    return {**os.environ, **EngineSettings.from_env().client_env(), "NO_COLOR": "1", **(extra or {})}


def dagger(
    *args: str, module: Path = ROOT, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """`dagger call -m <module> ...` (or another dagger command when args start with one)."""
    cli = str(EngineSettings.from_env().cli_bin)
    command = list(args) if args[0] in ("functions", "call") else ["call", *args]
    argv = [cli, command[0], "-m", str(module), "--progress", "plain", *command[1:]]
    return subprocess.run(
        argv, capture_output=True, text=True, env=_dagger_env(env), check=False, timeout=840
    )


@pytest.fixture(scope="session")
def module_loaded() -> str:
    """The slipway module loads on the engine and `version` answers (this pays the cold load)."""
    proc = dagger("call", "version")
    if proc.returncode != 0:
        why = [line for line in proc.stderr.splitlines() if " ! " in line or line.startswith("Error")]
        message = f"dagger call version failed: {' | '.join(why)[-2000:]}"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return proc.stdout.strip()


@dataclass(frozen=True)
class GitopsRepo:
    name: str
    url: str
    checkout: Path

    def pull(self, forge: Forge) -> Path:
        forge.git(self.checkout, "fetch", "-q", "origin")
        forge.git(self.checkout, "reset", "-q", "--hard", "origin/main")
        return self.checkout


def seed_repo(
    forge: Forge, tmp_path: Path, extra_apps: int = 0, layout: Path = ROOT / "examples" / "gitops"
) -> GitopsRepo:
    """A new repository on the forge holding `layout` (plus app-1..N copies of web-api)."""
    name = f"gitops-{uuid.uuid4().hex[:10]}"
    with forge.api() as api:
        resp = api.post("/user/repos", json={"name": name, "auto_init": False, "default_branch": "main"})
        assert resp.status_code == 201, resp.text
    work = tmp_path / name
    shutil.copytree(layout, work)
    for i in range(1, extra_apps + 1):
        shutil.copytree(work / "apps" / "web-api", work / "apps" / f"app-{i}")
    url = f"{forge.url}/slipway/{name}.git"
    forge.git(work, "init", "-q", "-b", "main")
    forge.git(work, "add", "-A")
    forge.git(work, "commit", "-qm", "Seed GitOps repository")
    forge.git(work, "remote", "add", "origin", url)
    forge.git(work, "push", "-q", "origin", "main")
    return GitopsRepo(name, url, work)


@pytest.fixture
def gitops_repo(forge: Forge, tmp_path: Path) -> GitopsRepo:
    return seed_repo(forge, tmp_path)


def app_source(tmp_path: Path, app: str = "web-api", edit: Callable[[str], str] | None = None) -> Path:
    """A directory holding only a slipway.yaml for `app`, with the example web-api's rules."""
    src = tmp_path / f"source-{app}-{uuid.uuid4().hex[:6]}"
    src.mkdir()
    text = (ROOT / "examples" / "web-api" / "slipway.yaml").read_text().replace("app: web-api", f"app: {app}")
    (src / "slipway.yaml").write_text(edit(text) if edit else text)
    return src


@pytest.fixture(scope="session")
async def published_image(engine: object) -> ImageRef:
    """A real image in the embedded registry, in the example app's repository, pinned by digest."""
    from dagger import dag

    from slipway.refs import parse_ref

    tag = uuid.uuid4().hex + uuid.uuid4().hex[:8]
    ref = f"localhost:5000/slipway-examples/web-api:{tag}"
    ctr = dag.container().from_("localhost:5000/library/debian:bookworm").with_new_file("/id", tag)
    return parse_ref(await ctr.publish(ref))


CLUSTER_SH = ROOT / "src" / "slipway" / "provision" / "cluster.sh"


@dataclass(frozen=True)
class Cluster:
    """The local cluster `make cluster` provisions, as the tests use it from the host."""

    local: LocalCluster
    up_output: str

    def kubectl(
        self, *args: str, deploy: bool = False, stdin: str | None = None
    ) -> subprocess.CompletedProcess[str]:
        config = self.local.deploy_kubeconfig if deploy else self.local.kubeconfig
        return subprocess.run(
            [str(self.local.home / "bin" / "kubectl"), f"--kubeconfig={config}", *args],
            input=stdin, capture_output=True, text=True, check=False, timeout=120,
        )  # fmt: skip

    def tokens(self) -> list[bytes]:
        """Every bearer token the cluster accepts (to prove none of them leaks)."""
        rows = (self.local.home / "pki" / "tokens.csv").read_text().splitlines()
        return [row.split(",", 1)[0].encode() for row in rows if row]


@pytest.fixture(scope="session")
def cluster() -> Cluster:
    """The real local cluster, brought up (warm: nothing rebuilt); without it: skip, FAIL under CI."""
    proc = start_service(CLUSTER_SH, "the local cluster")
    return Cluster(LocalCluster.from_env(), proc.stdout)


@pytest.fixture
def cluster_namespace(cluster: Cluster) -> Iterator[str]:
    """A fresh namespace the deploy identity may deploy into (deleted afterwards)."""
    name = f"t-{uuid.uuid4().hex[:10]}-dev"
    proc = subprocess.run(["bash", str(CLUSTER_SH), "namespace", name], capture_output=True, text=True,
                          check=False, timeout=120)  # fmt: skip
    assert proc.returncode == 0, proc.stdout + proc.stderr
    yield name
    cluster.kubectl("delete", "namespace", name, "--wait=false")
