"""Every GitOps layout fixture (examples/gitops-layouts) through the CLI: plan, promote, history, rollback.

Each layout is seeded into a fresh Gitea repository and driven with the config its README shows:
`slipway plan` diffs every environment and pushes nothing; `run promote` pushes dev directly,
then `--from dev` proposes staging (the image read back from dev's promotion trailer, said on
stderr and in the PR); `history` lists dev's promotion; `run rollback` restores dev's bytes.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from apps import EXAMPLES, git
from conftest import ROOT, Forge, GitopsRepo, seed_repo

pytestmark = pytest.mark.engine

LAYOUTS = ROOT / "examples" / "gitops-layouts"
REPO = "localhost:5000/slipway-examples/web-api"
SHA = "c0ffee" + "e" * 34
DIGEST = "sha256:" + "cd" * 32
ZEROS = "0" * 40
IMAGE = f"{REPO}:{SHA}@{DIGEST}"


def _flux(text: str) -> str:
    if ZEROS not in text:  # staging has no image yet: create adds it after spec.values' last key
        return text + f"    image:\n      tag: {SHA}\n      digest: {DIGEST}\n"
    return text.replace(ZEROS, SHA).replace('digest: ""', f'digest: "{DIGEST}"')


def _in_tag(text: str) -> str:
    return text.replace(ZEROS, f"{SHA}@{DIGEST}")


def _tag_and_digest(text: str) -> str:
    return text.replace(ZEROS, SHA).replace('digest: ""', f'digest: "{DIGEST}"')


@dataclass(frozen=True)
class Layout:
    """A fixture, the README snippet that configures it, the app, its env files and their edit."""

    fixture: str
    snippet: int
    app: str
    path: str
    pinned: Callable[[str], str]


LAYOUT_CASES = {
    "flux-helmrelease": Layout("flux-helmrelease", 0, "web-api", "apps/{env}/web-api-values.yaml", _flux),
    "argocd-helm-parameters": Layout(
        "argocd-application", 0, "web-api", "argocd/{env}/web-api.yaml", _in_tag
    ),
    "argocd-kustomize-images": Layout(
        "argocd-application", 1, "web-worker", "argocd/{env}/web-worker.yaml", _in_tag
    ),
    "kustomize-images": Layout(
        "kustomize-images", 0, "web-api", "apps/web-api/overlays/{env}/kustomization.yaml", _tag_and_digest
    ),
    "chart-with-test-hooks": Layout(
        "chart-with-test-hooks", 0, "web-api", "apps/web-api/overlays/{env}/values.yaml", _tag_and_digest
    ),
}


def _gitops_block(layout: Layout) -> str:
    readme = (LAYOUTS / layout.fixture / "README.md").read_text()
    snippets = [s for s in re.findall(r"```yaml\n(.*?)```", readme, flags=re.DOTALL) if "gitops:" in s]
    return snippets[layout.snippet]


def _app(tmp_path: Path, layout: Layout) -> Path:
    """The example web-api as `layout.app`, configured by the layout's README (and with its chart)."""
    app = tmp_path / f"app-{layout.app}"
    shutil.copytree(EXAMPLES / "web-api", app)
    chart = LAYOUTS / layout.fixture / "chart"
    if chart.is_dir():
        shutil.rmtree(app / "chart")
        shutil.copytree(chart, app / "chart")
    text = (app / "slipway.yaml").read_text().replace("app: web-api", f"app: {layout.app}")
    head, _, rest = text.partition("gitops:\n")
    (app / "slipway.yaml").write_text(head + _gitops_block(layout) + "tools:" + rest.partition("tools:")[2])
    git(app, "init", "-q", "-b", "main")
    git(app, "-c", "user.name=t", "-c", "user.email=t@example.com", "add", "-A")
    git(app, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", "app")
    return app


def _slipway(forge: Forge, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, forge.token_env: forge.token}
    proc = subprocess.run([sys.executable, "-m", "slipway.cli.app", *args], capture_output=True, text=True,
                          env=env, check=False, timeout=900)  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert forge.token not in proc.stdout + proc.stderr
    return proc


def _json(forge: Forge, *args: str) -> Any:
    return json.loads(_slipway(forge, *args, "--json").stdout)


def _plan_pushes_nothing(
    forge: Forge, repo: GitopsRepo, app: Path, common: list[str], layout: Layout
) -> None:
    refs = forge.git(repo.checkout, "ls-remote", "origin")
    planned = _json(forge, "plan", *common)
    head = git(app, "rev-parse", "HEAD")
    assert planned["image"] == f"{REPO}:{head}"
    assert [e["env"] for e in planned["environments"]] == ["dev", "staging", "prod"]
    for env in planned["environments"]:
        assert env["values_path"] == layout.path.format(env=env["env"])
        added = [line for line in env["values_diff"].splitlines() if line.startswith("+") and head in line]
        assert added, env["values_diff"]
        assert head in env["manifests_diff"], env["manifests_diff"]
        assert "helm.sh/hook" not in env["manifests_diff"] and "-test-" not in env["manifests_diff"]
    assert forge.git(repo.checkout, "ls-remote", "origin") == refs, "plan must not push"


@pytest.mark.parametrize("name", list(LAYOUT_CASES))
def test_plan_promote_history_and_rollback_on_each_layout(forge: Forge, tmp_path: Path, name: str) -> None:
    layout = LAYOUT_CASES[name]
    repo = seed_repo(forge, tmp_path, layout=LAYOUTS / layout.fixture)
    app = _app(tmp_path, layout)
    common = ["--source", str(app), "--repo", repo.url, "--token", f"env:{forge.token_env}"]
    before = {env: (repo.checkout / layout.path.format(env=env)).read_bytes() for env in ("dev", "staging")}

    _plan_pushes_nothing(forge, repo, app, common, layout)

    dev = _json(forge, "run", "promote", "--env", "dev", "--image", IMAGE, "--direct-push", *common)
    assert (dev["status"], dev["image"]) == ("landed", IMAGE)
    repo.pull(forge)
    assert (repo.checkout / layout.path.format(env="dev")).read_text() == layout.pinned(
        before["dev"].decode()
    )

    staging = _json(forge, "run", "promote", "--env", "staging", "--from", "dev", *common)
    origin = f"from dev: image {IMAGE} (from the newest promotion trailer, commit {dev['commit'][:7]})"
    assert (staging["status"], staging["image"], staging["origin"]) == ("proposed", IMAGE, origin)
    branch, staged = staging["branch"], layout.path.format(env="staging")
    forge.git(repo.checkout, "fetch", "-q", "origin", f"{branch}:refs/remotes/origin/{branch}")
    assert forge.git(repo.checkout, "diff", "--name-only", "origin/main", f"origin/{branch}").split() == [
        staged
    ]
    assert forge.git(repo.checkout, "show", f"origin/{branch}:{staged}") == layout.pinned(
        before["staging"].decode()
    )
    with forge.api() as api:
        pr = api.get(f"/repos/slipway/{repo.name}/pulls/{staging['pull_request']['number']}").json()
    assert f"Promoted {origin}." in pr["body"]
    again = _slipway(forge, "run", "promote", "--env", "staging", "--from", "dev", *common)
    assert origin in again.stderr.splitlines() and "already-proposed" in again.stderr

    history = _json(forge, "history", "--env", "dev", *common)
    assert [(h["commit"], h["image"], h["rolled_back"]) for h in history] == [(dev["commit"], IMAGE, False)]
    _slipway(forge, "run", "rollback", "--env", "dev", *common)
    repo.pull(forge)
    assert (repo.checkout / layout.path.format(env="dev")).read_bytes() == before["dev"]
    rows = _slipway(forge, "history", "--env", "dev", *common).stdout
    assert f"{dev['commit'][:12]}  {IMAGE}" in rows and rows.rstrip().endswith("(rolled back)")
