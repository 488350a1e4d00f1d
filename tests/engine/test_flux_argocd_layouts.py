"""The Flux HelmRelease and Argo CD Application layouts (examples/gitops-layouts) end to end.

`slipway run promote` writes each layout's environment files in a Gitea GitOps repository with
the config its README shows: a direct push to dev, `--from dev` to staging as a pull request
(the image read back through the same locator), and a rollback that restores dev's bytes.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from conftest import ROOT, Forge, GitopsRepo, app_source, seed_repo

pytestmark = pytest.mark.engine

LAYOUTS = ROOT / "examples" / "gitops-layouts"
REPO = "localhost:5000/slipway-examples/web-api"
SHA = "c0ffee" + "e" * 34
DIGEST = "sha256:" + "cd" * 32
ZEROS = "0" * 40
IMAGE = f"{REPO}:{SHA}@{DIGEST}"


def _config(layout: str, index: int) -> Callable[[str], str]:
    """An edit of the example slipway.yaml: its gitops block replaced by the layout README's."""
    readme = (LAYOUTS / layout / "README.md").read_text()
    snippets = [s for s in re.findall(r"```yaml\n(.*?)```", readme, flags=re.DOTALL) if "gitops:" in s]

    def edit(text: str) -> str:
        head, _, rest = text.partition("gitops:\n")
        return head + snippets[index] + "tools:" + rest.partition("tools:")[2]

    return edit


def _slipway(forge: Forge, *args: str) -> dict[str, Any]:
    env = {**os.environ, forge.token_env: forge.token}
    proc = subprocess.run([sys.executable, "-m", "slipway.cli.app", *args, "--json"], capture_output=True,
                          text=True, env=env, check=False, timeout=600)  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert forge.token not in proc.stdout + proc.stderr
    result: dict[str, Any] = json.loads(proc.stdout)
    return result


def _promote_dev_then_staging(
    forge: Forge, repo: GitopsRepo, source: Path, path: str, pinned: Callable[[str], str]
) -> None:
    """dev by direct push, staging from dev by a pull request; each file as `pinned` makes it."""
    common = ["--source", str(source), "--repo", repo.url, "--token", f"env:{forge.token_env}"]
    before = {env: (repo.checkout / path.format(env=env)).read_text() for env in ("dev", "staging")}
    dev = _slipway(forge, "run", "promote", "--env", "dev", "--image", IMAGE, "--direct-push", *common)
    assert (dev["status"], dev["image"]) == ("landed", IMAGE)
    repo.pull(forge)
    assert (repo.checkout / path.format(env="dev")).read_text() == pinned(before["dev"])

    staging = _slipway(forge, "run", "promote", "--env", "staging", "--from", "dev", *common)
    assert (staging["status"], staging["image"]) == ("proposed", IMAGE)  # the digest read back from dev
    branch, staged = staging["branch"], path.format(env="staging")
    forge.git(repo.checkout, "fetch", "-q", "origin", f"{branch}:refs/remotes/origin/{branch}")
    assert forge.git(repo.checkout, "diff", "--name-only", "origin/main", f"origin/{branch}").split() == [
        staged
    ]
    assert forge.git(repo.checkout, "show", f"origin/{branch}:{staged}") == pinned(before["staging"])

    subprocess.run([sys.executable, "-m", "slipway.cli.app", "run", "rollback", "--env", "dev", *common],
                   env={**os.environ, forge.token_env: forge.token}, check=True, capture_output=True,
                   timeout=600)  # fmt: skip
    repo.pull(forge)
    assert (repo.checkout / path.format(env="dev")).read_text() == before["dev"]


def test_flux_helmrelease_patches_are_promoted_and_created(forge: Forge, tmp_path: Path) -> None:
    layout = LAYOUTS / "flux-helmrelease"
    repo = seed_repo(forge, tmp_path, layout=layout)
    source = app_source(tmp_path, edit=_config("flux-helmrelease", 0))

    def pinned(text: str) -> str:
        if ZEROS not in text:  # staging has no image yet: create adds it after spec.values' last key
            return text + f"    image:\n      tag: {SHA}\n      digest: {DIGEST}\n"
        return text.replace(ZEROS, SHA).replace('digest: ""', f'digest: "{DIGEST}"')

    _promote_dev_then_staging(forge, repo, source, "apps/{env}/web-api-values.yaml", pinned)


def test_argocd_helm_parameters_carry_the_digest_in_the_tag(forge: Forge, tmp_path: Path) -> None:
    repo = seed_repo(forge, tmp_path, layout=LAYOUTS / "argocd-application")
    source = app_source(tmp_path, edit=_config("argocd-application", 0))
    _promote_dev_then_staging(
        forge, repo, source, "argocd/{env}/web-api.yaml", lambda text: text.replace(ZEROS, f"{SHA}@{DIGEST}")
    )


def test_argocd_kustomize_images_entry_is_promoted(forge: Forge, tmp_path: Path) -> None:
    repo = seed_repo(forge, tmp_path, layout=LAYOUTS / "argocd-application")
    source = app_source(tmp_path, app="web-worker", edit=_config("argocd-application", 1))
    _promote_dev_then_staging(
        forge,
        repo,
        source,
        "argocd/{env}/web-worker.yaml",
        lambda text: text.replace(ZEROS, f"{SHA}@{DIGEST}"),
    )
