"""Supply chain through the CLI: keys generate → build signs and attests → a protected promotion
verifies the digest first; an unsigned digest, another key's public key, a provenance naming
another commit and a garbled key each refuse with one line and push nothing.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from apps import REGISTRY, make_app
from conftest import Forge, GitopsRepo
from slipway.refs import ImageRef

pytestmark = pytest.mark.engine

REPOSITORY = f"{REGISTRY}/slipway-examples/web-api"
MANIFEST_TYPES = (
    "application/vnd.oci.image.manifest.v1+json,application/vnd.docker.distribution.manifest.v2+json"
)


def _slipway(forge: Forge, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, forge.token_env: forge.token}
    argv = [sys.executable, "-m", "slipway.cli.app", *args]
    return subprocess.run(argv, env=env, capture_output=True, text=True, check=False, timeout=1200)


def _signed_app(tmp_path: Path) -> Path:
    def edit(text: str) -> str:
        text = re.sub(rf"repository: {REGISTRY}/slipway-test/\S+", f"repository: {REPOSITORY}", text)
        return text + "signing:\n  public_key: cosign.pub\n"

    app, _ = make_app(tmp_path, "web-api", {"slipway.yaml": edit})
    return app


def _retag(digest: str, tag: str) -> None:
    """Put the manifest `digest` under another tag (the same image claiming another commit)."""
    url = f"http://{REGISTRY}/v2/slipway-examples/web-api/manifests"
    got = httpx.get(f"{url}/{digest}", headers={"Accept": MANIFEST_TYPES}, timeout=30)
    got.raise_for_status()
    put = httpx.put(f"{url}/{tag}", content=got.content,
                    headers={"Content-Type": got.headers["content-type"]}, timeout=30)  # fmt: skip
    assert put.status_code == 201, put.text


def _pull_body(forge: Forge, repo: GitopsRepo, url: str) -> str:
    number = url.rstrip("/").rsplit("/", 1)[1]
    with forge.api() as api:
        resp = api.get(f"/repos/slipway/{repo.name}/pulls/{number}")
        resp.raise_for_status()
        return str(resp.json()["body"])


def _refused(proc: subprocess.CompletedProcess[str]) -> str:
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert proc.returncode == 2 and len(lines) == 1 and lines[0].startswith("error: "), proc.stderr
    assert "Traceback" not in proc.stderr
    return lines[0]


def test_signed_build_is_verified_before_a_protected_promotion_and_every_bad_one_refused(
    forge: Forge, gitops_repo: GitopsRepo, tmp_path: Path, published_image: ImageRef
) -> None:
    app = _signed_app(tmp_path)
    keys, other = tmp_path / "keys", tmp_path / "other-keys"
    for where in (keys, other):
        made = _slipway(forge, "keys", "generate", "--out", str(where))
        assert made.returncode == 0, made.stderr
        assert (where / "cosign.key").stat().st_mode & 0o077 == 0
    assert (keys / "cosign.pub").read_text() != (other / "cosign.pub").read_text(), "two runs, one pair"
    (app / "cosign.pub").write_text((keys / "cosign.pub").read_text())
    private = (keys / "cosign.key").read_text()

    gitops = ["--repo", gitops_repo.url, "--token", f"env:{forge.token_env}"]
    built = _slipway(forge, "run", "build-and-propose", "--source", str(app), *gitops,
                     "--signing-key", f"file:{keys / 'cosign.key'}")  # fmt: skip
    assert built.returncode == 0, built.stderr
    for stage in ("sbom", "sign", "attest"):
        assert re.search(rf"^ok +{stage} ", built.stderr, re.M), built.stderr
    assert private.splitlines()[1] not in built.stderr + built.stdout
    image = re.search(r"^Image: (\S+)$", built.stdout, re.M)
    assert image is not None, built.stdout
    ref = image.group(1)
    digest = ref.rsplit("@", 1)[1]
    dev_pr = re.search(r"^PR: (\S+)$", built.stdout, re.M)
    assert dev_pr is not None
    dev_body = _pull_body(forge, gitops_repo, dev_pr.group(1))
    assert (
        f"- Signed (cosign): {REPOSITORY}@{digest}; attested: slsaprovenance1, spdxjson, cyclonedx"
        in dev_body
    )
    assert re.search(r"- SBOM \(trivy, SPDX-JSON and CycloneDX\): [1-9]\d* packages", dev_body), dev_body

    # prod is protected and slipway.yaml has signing: → require_signature by default
    promoted = _slipway(
        forge, "run", "promote", "--source", str(app), "--env", "prod", "--image", ref, *gitops
    )
    assert promoted.returncode == 0, promoted.stderr
    prod_pr = re.search(r"^PR: (\S+)$", promoted.stdout, re.M)
    assert prod_pr is not None, promoted.stdout
    body = _pull_body(forge, gitops_repo, prod_pr.group(1))
    fingerprint = re.search(
        r"\(SHA256:[0-9a-f]{64}\)", _slipway(forge, "keys", "generate", "--out", str(keys)).stderr
    )
    assert fingerprint is None  # keys are never overwritten
    assert f"- Signature (cosign): {REPOSITORY}@{digest} signed by key SHA256:" in body, body
    assert "transparency log skipped (air-gapped" in body
    assert re.search(r"- SBOM \(SPDX, attested; also CycloneDX\): [1-9]\d* packages", body), body
    assert f"- Provenance (SLSA v1): subject {REPOSITORY}@{digest}; source " in body
    assert "builder https://slipway.dev/builder (dagger-engine v" in body

    refs_before = forge.git(gitops_repo.checkout, "ls-remote", "origin")
    # an image published without signing (the session's fixture image, tagged with a 40-hex id)
    unsigned_ref = str(published_image)
    line = _refused(_slipway(forge, "run", "promote", "--source", str(app), "--env", "prod",
                             "--image", unsigned_ref, *gitops))  # fmt: skip
    assert f"refusing {REPOSITORY}@{published_image.digest}: signature: it is not signed" in line

    # the same signed digest claimed as another commit's build
    _retag(digest, "c" * 40)
    line = _refused(_slipway(forge, "run", "promote", "--source", str(app), "--env", "prod",
                             "--image", f"{REPOSITORY}:{'c' * 40}@{digest}", *gitops))  # fmt: skip
    assert (
        f"refusing {REPOSITORY}@{digest}: provenance names commit " in line
        and f"not the promoted {'c' * 40}" in line
    )

    # slipway.yaml's public key is another pair's
    (app / "cosign.pub").write_text((other / "cosign.pub").read_text())
    line = _refused(
        _slipway(forge, "run", "promote", "--source", str(app), "--env", "prod", "--image", ref, *gitops)
    )
    assert f"refusing {REPOSITORY}@{digest}: signature: signed by another key" in line

    # a garbled public key
    (app / "cosign.pub").write_text("-----BEGIN PUBLIC KEY-----\nnot base64!\n-----END PUBLIC KEY-----\n")
    line = _refused(
        _slipway(forge, "run", "promote", "--source", str(app), "--env", "prod", "--image", ref, *gitops)
    )
    assert "is not a PEM public key" in line

    assert forge.git(gitops_repo.checkout, "ls-remote", "origin") == refs_before, "a refusal pushed something"
