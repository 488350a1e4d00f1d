"""Supply chain through the CLI: keys generate → build signs and attests → a protected promotion
verifies the digest first. Every refusal is one line naming the digest and what failed, and
pushes nothing: an unsigned digest, another key's public key, a provenance naming another
commit, a garbled key, a tag moved to another manifest, a missing attestation, an expired key,
a signing key that will not open, and a registry that refuses the signature. The signing key
shows up nowhere: output, provenance, layers.

One signed build (module fixture) serves every test; a test that edits the registry puts it back.
"""

from __future__ import annotations

import base64
import contextlib
import dataclasses
import gzip
import json
import os
import re
import shutil
import subprocess
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import yaml
from forge_proxy import forge_proxy
from test_dagger_call import TOOL_IMAGES, error_lines, gitops_args, provenance

from apps import REGISTRY, make_app
from conftest import Forge, GitopsRepo, dagger, seed_repo
from slipway.refs import ImageRef

pytestmark = pytest.mark.engine

REPOSITORY = f"{REGISTRY}/slipway-examples/web-api"
MANIFEST_TYPES = (
    "application/vnd.oci.image.manifest.v1+json,application/vnd.docker.distribution.manifest.v2+json"
)


PASSWORD_ENV = "SLIPWAY_TEST_KEY_PASSWORD"
PASSWORD = f"pw-{uuid.uuid4().hex}"
WRONG_ENV = "SLIPWAY_TEST_WRONG_PASSWORD"


def _slipway(forge: Forge, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, forge.token_env: forge.token, PASSWORD_ENV: PASSWORD, WRONG_ENV: "not-it"}
    argv = [sys.executable, "-m", "slipway.cli.app", *args]
    return subprocess.run(argv, env=env, capture_output=True, text=True, check=False, timeout=1200)


def _signed_app(tmp_path: Path, repository: str = REPOSITORY) -> Path:
    def edit(text: str) -> str:
        text = re.sub(rf"repository: {REGISTRY}/slipway-test/\S+", f"repository: {repository}", text)
        # a commit (so a digest) of its own, even when two workers build in the same second
        return text + f"signing:\n  public_key: cosign.pub\n# {uuid.uuid4().hex}\n"

    app, _ = make_app(tmp_path, "web-api", {"slipway.yaml": edit})
    return app


@dataclass(frozen=True)
class KeyPairs:
    """The app's key pair (password in PASSWORD_ENV) and another one (no password)."""

    keys: Path
    other: Path

    @property
    def signing_args(self) -> tuple[str, ...]:
        return (
            "--signing-key",
            f"file:{self.keys / 'cosign.key'}",
            "--signing-password",
            f"env:{PASSWORD_ENV}",
        )


@dataclass(frozen=True)
class SignedBuild:
    """One signed build-and-propose: its app (copy it before editing), output and image."""

    app: Path
    pairs: KeyPairs
    gitops: GitopsRepo
    built: subprocess.CompletedProcess[str]
    ref: str

    @property
    def digest(self) -> str:
        return self.ref.rsplit("@", 1)[1]

    @property
    def commit(self) -> str:
        return self.ref.rsplit("@", 1)[0].rsplit(":", 1)[1]

    def app_copy(self, tmp_path: Path) -> Path:
        """The app (same commit, same keys) to edit in one test."""
        return Path(shutil.copytree(self.app, tmp_path / "app"))


@pytest.fixture(scope="module")
def key_pairs(forge: Forge, tmp_path_factory: pytest.TempPathFactory) -> KeyPairs:
    where = tmp_path_factory.mktemp("keys")
    pairs = KeyPairs(where / "keys", where / "other-keys")
    made = _slipway(forge, "keys", "generate", "--out", str(pairs.keys), "--password", f"env:{PASSWORD_ENV}")
    assert made.returncode == 0, made.stderr
    made = _slipway(forge, "keys", "generate", "--out", str(pairs.other))
    assert made.returncode == 0, made.stderr
    return pairs


@pytest.fixture(scope="module")
def signed(forge: Forge, key_pairs: KeyPairs, tmp_path_factory: pytest.TempPathFactory) -> SignedBuild:
    tmp = tmp_path_factory.mktemp("signed")
    app = _signed_app(tmp)
    (app / "cosign.pub").write_text((key_pairs.keys / "cosign.pub").read_text())
    gitops = seed_repo(forge, tmp)
    built = _slipway(forge, "run", "build-and-propose", "--source", str(app), *_gitops_args(forge, gitops),
                     *key_pairs.signing_args)  # fmt: skip
    assert built.returncode == 0, built.stderr
    image = re.search(r"^Image: (\S+)$", built.stdout, re.M)
    assert image is not None, built.stdout
    return SignedBuild(app, key_pairs, gitops, built, image.group(1))


def _gitops_args(forge: Forge, repo: GitopsRepo) -> tuple[str, ...]:
    return ("--repo", repo.url, "--token", f"env:{forge.token_env}")


def _promote(forge: Forge, app: Path, image: str, repo: GitopsRepo) -> subprocess.CompletedProcess[str]:
    return _slipway(forge, "run", "promote", "--source", str(app), "--env", "prod", "--image", image,
                    *_gitops_args(forge, repo))  # fmt: skip


MANIFESTS = f"http://{REGISTRY}/v2/slipway-examples/web-api/manifests"
BLOBS = f"http://{REGISTRY}/v2/slipway-examples/web-api/blobs"


def _manifest(reference: str) -> httpx.Response:
    got = httpx.get(f"{MANIFESTS}/{reference}", headers={"Accept": MANIFEST_TYPES}, timeout=30)
    got.raise_for_status()
    return got


def _put_manifest(tag: str, content: bytes, media_type: str) -> str:
    """Put `content` under `tag`; the digest the registry gave it."""
    put = httpx.put(f"{MANIFESTS}/{tag}", content=content, headers={"Content-Type": media_type}, timeout=30)
    assert put.status_code == 201, put.text
    return put.headers["Docker-Content-Digest"]


def _retag(digest: str, tag: str) -> None:
    """Put the manifest `digest` under another tag (the same image claiming another commit)."""
    got = _manifest(digest)
    _put_manifest(tag, got.content, got.headers["content-type"])


def _cosign_tag(digest: str, kind: str) -> str:
    """Where cosign's tag scheme keeps `digest`'s signature (sig) or attestations (att)."""
    return f"{digest.replace(':', '-')}.{kind}"


def _blobs(reference: str) -> list[bytes]:
    """The config and every layer of the manifest `reference`, uncompressed."""
    manifest = _manifest(reference).json()
    found = []
    for desc in [manifest["config"], *manifest["layers"]]:
        got = httpx.get(f"{BLOBS}/{desc['digest']}", timeout=60, follow_redirects=True)
        got.raise_for_status()
        found.append(gzip.decompress(got.content) if got.content[:2] == b"\x1f\x8b" else got.content)
    return found


def _pull_body(forge: Forge, repo: GitopsRepo, url: str) -> str:
    number = url.rstrip("/").rsplit("/", 1)[1]
    with forge.api() as api:
        resp = api.get(f"/repos/slipway/{repo.name}/pulls/{number}")
        resp.raise_for_status()
        return str(resp.json()["body"])


def _pulls(forge: Forge, repo: GitopsRepo) -> list[object]:
    with forge.api() as api:
        resp = api.get(f"/repos/slipway/{repo.name}/pulls", params={"state": "all"})
        resp.raise_for_status()
        return list(resp.json())


def _refused(proc: subprocess.CompletedProcess[str]) -> str:
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert proc.returncode == 2 and len(lines) == 1 and lines[0].startswith("error: "), proc.stderr
    assert "Traceback" not in proc.stderr
    return lines[0]


def test_signed_build_is_verified_before_a_protected_promotion_and_every_bad_one_refused(
    forge: Forge, tmp_path: Path, published_image: ImageRef, signed: SignedBuild
) -> None:
    keys, other = signed.pairs.keys, signed.pairs.other
    assert (keys / "cosign.key").stat().st_mode & 0o077 == 0
    assert (keys / "cosign.pub").read_text() != (other / "cosign.pub").read_text(), "two runs, one pair"
    built, ref, digest, gitops_repo = signed.built, signed.ref, signed.digest, signed.gitops
    app = signed.app_copy(tmp_path)
    for stage in ("sbom", "sign", "attest"):
        assert re.search(rf"^ok +{stage} ", built.stderr, re.M), built.stderr
    dev_pr = re.search(r"^PR: (\S+)$", built.stdout, re.M)
    assert dev_pr is not None
    dev_body = _pull_body(forge, gitops_repo, dev_pr.group(1))
    assert (
        f"- Signed (cosign): {REPOSITORY}@{digest}; attested: slsaprovenance1, spdxjson, cyclonedx"
        in dev_body
    )
    assert re.search(r"- SBOM \(trivy, SPDX-JSON and CycloneDX\): [1-9]\d* packages", dev_body), dev_body

    # prod is protected and slipway.yaml has signing: → require_signature by default
    promoted = _promote(forge, app, ref, gitops_repo)
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
    line = _refused(_promote(forge, app, str(published_image), gitops_repo))
    assert f"refusing {REPOSITORY}@{published_image.digest}: signature: it is not signed" in line

    # the same signed digest claimed as another commit's build
    _retag(digest, "c" * 40)
    line = _refused(_promote(forge, app, f"{REPOSITORY}:{'c' * 40}@{digest}", gitops_repo))
    assert (
        f"refusing {REPOSITORY}@{digest}: provenance names commit " in line
        and f"not the promoted {'c' * 40}" in line
    )

    # slipway.yaml's public key is another pair's
    (app / "cosign.pub").write_text((other / "cosign.pub").read_text())
    line = _refused(_promote(forge, app, ref, gitops_repo))
    assert f"refusing {REPOSITORY}@{digest}: signature: signed by another key" in line

    # a garbled public key
    (app / "cosign.pub").write_text("-----BEGIN PUBLIC KEY-----\nnot base64!\n-----END PUBLIC KEY-----\n")
    line = _refused(_promote(forge, app, ref, gitops_repo))
    assert "is not a PEM public key" in line

    assert forge.git(gitops_repo.checkout, "ls-remote", "origin") == refs_before, "a refusal pushed something"


def test_a_signed_tag_moved_to_another_manifest_is_refused_by_tag_and_by_digest(
    forge: Forge, gitops_repo: GitopsRepo, tmp_path: Path, signed: SignedBuild
) -> None:
    app = signed.app_copy(tmp_path)
    got = _manifest(signed.digest)
    manifest = got.json()
    manifest.setdefault("annotations", {})["org.example.tampered"] = "same tag, new digest"
    refs_before = forge.git(gitops_repo.checkout, "ls-remote", "origin")
    moved = _put_manifest(signed.commit, json.dumps(manifest).encode(), got.headers["content-type"])
    try:
        assert moved != signed.digest
        for image in (f"{REPOSITORY}:{signed.commit}", f"{REPOSITORY}:{signed.commit}@{moved}"):
            line = _refused(_promote(forge, app, image, gitops_repo))
            assert f"refusing {REPOSITORY}@{moved}: signature: it is not signed" in line, image
        # the ref the build printed: its tag no longer points at its digest
        line = _refused(_promote(forge, app, signed.ref, gitops_repo))
        assert f"the tag {signed.commit!r} now points at {moved}, not at the pinned digest" in line
    finally:
        _retag(signed.digest, signed.commit)
    assert forge.git(gitops_repo.checkout, "ls-remote", "origin") == refs_before, "a refusal pushed something"


@contextlib.contextmanager
def _attestations_kept(digest: str, keep: str) -> Iterator[None]:
    """Only the attestations whose predicate type contains `keep` stay attached to `digest`."""
    tag = _cosign_tag(digest, "att")
    got = _manifest(tag)
    manifest = got.json()
    layers = manifest["layers"]
    manifest["layers"] = [layer for layer in layers if keep in layer["annotations"]["predicateType"]]
    assert 0 < len(manifest["layers"]) < len(layers), layers
    _put_manifest(tag, json.dumps(manifest).encode(), got.headers["content-type"])
    try:
        yield
    finally:
        _put_manifest(tag, got.content, got.headers["content-type"])


@pytest.mark.parametrize(("keep", "missing"), [("spdx", "provenance"), ("slsa", "SBOM")])
def test_a_signed_digest_missing_an_attestation_is_refused_naming_which(
    forge: Forge, gitops_repo: GitopsRepo, tmp_path: Path, signed: SignedBuild, keep: str, missing: str
) -> None:
    app = signed.app_copy(tmp_path)
    refs_before = forge.git(gitops_repo.checkout, "ls-remote", "origin")
    with _attestations_kept(signed.digest, keep):
        line = _refused(_promote(forge, app, signed.ref, gitops_repo))
    assert f"refusing {REPOSITORY}@{signed.digest}: {missing}: missing attestation" in line
    assert forge.git(gitops_repo.checkout, "ls-remote", "origin") == refs_before, "a refusal pushed something"


def test_a_key_pair_past_its_rotation_date_neither_signs_nor_verifies(
    forge: Forge, gitops_repo: GitopsRepo, tmp_path: Path, signed: SignedBuild
) -> None:
    app = signed.app_copy(tmp_path)
    config = app / "slipway.yaml"
    config.write_text(
        config.read_text().replace(
            "public_key: cosign.pub\n", "public_key: cosign.pub\n  expires: 2020-01-31\n"
        )
    )
    refs_before = forge.git(gitops_repo.checkout, "ls-remote", "origin")
    line = _refused(_promote(forge, app, signed.ref, gitops_repo))
    assert f"refusing {REPOSITORY}@{signed.digest}: signature: the signing key expired on 2020-01-31" in line
    built = _slipway(forge, "run", "build-and-propose", "--source", str(app), *_gitops_args(forge, gitops_repo),
                     *signed.pairs.signing_args)  # fmt: skip
    assert "the key pair expired on 2020-01-31 (slipway.yaml signing.expires)" in _refused(built)
    assert forge.git(gitops_repo.checkout, "ls-remote", "origin") == refs_before, "a refusal pushed something"


def test_a_signing_key_that_will_not_open_stops_the_build_before_anything_is_built(
    forge: Forge, gitops_repo: GitopsRepo, tmp_path: Path, signed: SignedBuild
) -> None:
    app = signed.app_copy(tmp_path)
    keys = signed.pairs.keys
    garbled = tmp_path / "garbled.key"
    text = (keys / "cosign.key").read_text().splitlines()
    garbled.write_text("\n".join([text[0], "bm90IGEga2V5", text[-1]]) + "\n")
    build = ("run", "build-and-propose", "--source", str(app), *_gitops_args(forge, gitops_repo))
    refs_before = forge.git(gitops_repo.checkout, "ls-remote", "origin")
    cases = {
        "the cosign private key is garbled": ("--signing-key", f"file:{garbled}"),
        "cosign could not open the key: wrong password": (
            "--signing-key", f"file:{keys / 'cosign.key'}", "--signing-password", f"env:{WRONG_ENV}",
        ),
        "its public key (SHA256:": ("--signing-key", f"file:{signed.pairs.other / 'cosign.key'}"),
    }  # fmt: skip
    for what, args in cases.items():
        line = _refused(_slipway(forge, *build, *args))  # one line: no stage ever started
        assert line.startswith("error: --signing-key: ") and what in line, line
    assert forge.git(gitops_repo.checkout, "ls-remote", "origin") == refs_before, "a refusal pushed something"
    assert _pulls(forge, gitops_repo) == []


async def test_a_registry_refusing_the_signature_fails_the_sign_stage_and_opens_no_pull_request(
    engine: object,
    forge: Forge,
    gitops_repo: GitopsRepo,
    tmp_path: Path,
    key_pairs: KeyPairs,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The engine publishes from its own network namespace, where a proxy on the host's loopback
    is out of reach; cosign reaches the registry through a host tunnel, so only cosign's route
    goes through the refusing proxy (in process: the one thing patched is that route).
    """
    from slipway.host import BuildOptions, GitopsOptions, run_build_and_propose
    from slipway.stages import sign as sign_stage

    cosign_tags = re.compile(r"/manifests/sha256-[0-9a-f]{64}\.(sig|att)$")
    direct = sign_stage.cosign_container
    app = _signed_app(tmp_path)
    (app / "cosign.pub").write_text((key_pairs.keys / "cosign.pub").read_text())
    monkeypatch.setenv(PASSWORD_ENV, PASSWORD)
    refs_before = forge.git(gitops_repo.checkout, "ls-remote", "origin")
    with forge_proxy(f"http://{REGISTRY}", keep_host=True) as proxy:
        proxy.fail = lambda method, path: method == "PUT" and bool(cosign_tags.search(path))
        proxy.status = 403
        proxy.reply = b'{"errors":[{"code":"DENIED","message":"signatures are not accepted here"}]}'
        port = proxy.url.rsplit(":", 1)[1]

        def via_proxy(tool_image: str, image: ImageRef) -> object:
            path = image.repository.partition("/")[2]
            return direct(tool_image, dataclasses.replace(image, repository=f"127.0.0.1:{port}/{path}"))

        monkeypatch.setattr(sign_stage, "cosign_container", via_proxy)
        options = BuildOptions(
            app, signing_key=f"file:{key_pairs.keys / 'cosign.key'}", signing_password=f"env:{PASSWORD_ENV}"
        )
        _, outcome = await run_build_and_propose(options, GitopsOptions(gitops_repo.url, forge.token))
    assert proxy.failed and all(r.startswith("PUT ") for r in proxy.failed), proxy.failed
    assert not outcome.graph.ok and outcome.promotion is None
    # sign and attest both run once publish passed, and both are refused
    failures = {f.name: f.message for f in outcome.graph.failures}
    assert sorted(failures) == ["attest", "sign"], failures
    for stage, what in (("sign", "sign"), ("attest", "attest slsaprovenance1 for")):
        message = failures[stage]
        assert "\n" not in message, message
        assert re.search(rf"^{stage}: could not {what} {REPOSITORY}@sha256:[0-9a-f]{{64}}: ", message), (
            message
        )
        assert "the registry refused it: DENIED: signatures are not accepted here" in message
    assert forge.git(gitops_repo.checkout, "ls-remote", "origin") == refs_before
    assert _pulls(forge, gitops_repo) == []


async def _shell_less_cosign(engine: object) -> str:
    """The local cosign binary alone in an image, like the upstream distroless one: no /bin/sh."""
    from dagger import dag

    local = json.loads(TOOL_IMAGES.read_text())["cosign"]
    binary = dag.container().from_(local).file("/usr/local/bin/cosign")
    ctr = dag.container().with_file("/cosign", binary).with_env_variable("PATH", "/")
    assert not await ctr.exists("/bin/sh")
    return await ctr.publish(f"{REGISTRY}/slipway-test/cosign-no-shell:{uuid.uuid4().hex}")


async def test_a_cosign_image_without_a_shell_signs_attests_and_verifies(
    engine: object, forge: Forge, key_pairs: KeyPairs, tmp_path: Path
) -> None:
    """The upstream cosign image is distroless: slipway's sign, attest and verify run cosign
    itself, reach a loopback registry by the tunnel's name, and attest one exec at a time there."""
    cosign = await _shell_less_cosign(engine)
    app = _signed_app(tmp_path)
    (app / "cosign.pub").write_text((key_pairs.keys / "cosign.pub").read_text())
    config = app / "slipway.yaml"
    settings = yaml.safe_load(config.read_text())
    settings["tools"] = {**(settings.get("tools") or {}), "cosign": cosign}
    config.write_text(yaml.safe_dump(settings, sort_keys=False))
    gitops = seed_repo(forge, tmp_path)
    built = _slipway(forge, "run", "build-and-propose", "--source", str(app), *_gitops_args(forge, gitops),
                     *key_pairs.signing_args)  # fmt: skip
    assert built.returncode == 0, built.stderr
    for stage in ("sign", "attest"):
        assert re.search(rf"^ok +{stage} ", built.stderr, re.M), built.stderr
    image = re.search(r"^Image: (\S+)$", built.stdout, re.M)
    assert image is not None, built.stdout
    digest = image.group(1).rsplit("@", 1)[1]
    layers = _manifest(_cosign_tag(digest, "att")).json()["layers"]
    types = {layer["annotations"]["predicateType"] for layer in layers}
    assert len(layers) == len(types) == 3, types  # provenance, SPDX and CycloneDX, each once
    promoted = _promote(forge, app, image.group(1), gitops)
    assert promoted.returncode == 0, promoted.stderr
    pr = re.search(r"^PR: (\S+)$", promoted.stdout, re.M)
    assert pr is not None, promoted.stdout
    body = _pull_body(forge, gitops, pr.group(1))
    assert f"- Signature (cosign): {REPOSITORY}@{digest} signed by key SHA256:" in body, body


def test_the_gitops_clone_runs_beside_the_build_and_nothing_is_pushed_before_the_attestation(
    signed: SignedBuild,
) -> None:
    """build-and-propose is one graph: its progress shows the clone starting before publish
    passed, and the push starting only after the last build step (attest) passed."""
    err = signed.built.stderr
    assert err.index("...  clone") < err.index("ok   publish"), err
    assert err.index("ok   attest") < err.index("...  push"), err


def test_the_signing_key_is_nowhere_in_output_provenance_or_layers(signed: SignedBuild) -> None:
    key = (signed.pairs.keys / "cosign.key").read_text()
    body = "".join(key.splitlines()[1:-1])
    secret = json.loads(base64.b64decode(body))
    # the key's PEM lines, its encrypted bytes, its salt and nonce, and the password
    needles = [line for line in key.splitlines()[1:-1] if len(line) >= 16]
    needles += [secret["ciphertext"], secret["kdf"]["salt"], secret["cipher"]["nonce"], PASSWORD]
    assert len(needles) >= 6
    output = signed.built.stdout + signed.built.stderr
    assert not [n for n in needles if n in output]

    # provenance: the statement inside the SLSA attestation's envelope
    att = _cosign_tag(signed.digest, "att")
    attested = _manifest(att).json()["layers"]
    slsa = [i for i, layer in enumerate(attested) if "slsa" in layer["annotations"]["predicateType"]]
    assert len(slsa) == 1, attested
    blobs = _blobs(att)
    envelope = json.loads(blobs[1 + slsa[0]])
    statement = base64.b64decode(envelope["payload"]).decode()
    assert (
        json.loads(statement)["predicate"]["buildDefinition"]["externalParameters"]["source"]["revision"]
        == signed.commit
    )
    assert not [n for n in needles if n in statement]

    # every config and layer of the image, its signature and its attestations
    for reference in (signed.digest, _cosign_tag(signed.digest, "sig"), att):
        for blob in _blobs(reference) if reference != att else blobs:
            assert not [n for n in needles if n.encode() in blob], reference


def test_dagger_call_signs_with_a_secret_key_and_its_promote_verifies(
    forge: Forge, key_pairs: KeyPairs, tmp_path: Path, module_loaded: str
) -> None:
    """The module path CI files take: `dagger call build-and-propose --signing-key file:…` refuses
    another pair's key before building, signs and attests after the gates with the right one, and
    `dagger call promote` to prod verifies the digest against the public key in the source."""
    app = _signed_app(tmp_path)
    (app / "cosign.pub").write_text((key_pairs.keys / "cosign.pub").read_text())
    gitops = seed_repo(forge, tmp_path)
    env = {forge.token_env: forge.token, PASSWORD_ENV: PASSWORD}
    call = ["call", "--tool-images", str(TOOL_IMAGES), "--forge-service", f"tcp://{forge.url.split('//')[1]}",
            "--registry-service", f"tcp://{REGISTRY}"]  # fmt: skip
    propose = [*call, "build-and-propose", *provenance(app), *gitops_args(forge, gitops)]
    refs_before = forge.git(gitops.checkout, "ls-remote", "origin")

    other = dagger(*propose, "--signing-key", f"file:{key_pairs.other / 'cosign.key'}", env=env)
    assert other.returncode != 0
    assert [line for line in error_lines(other) if "--signing-key: its public key (SHA256:" in line], (
        other.stderr[-3000:]
    )
    assert forge.git(gitops.checkout, "ls-remote", "origin") == refs_before

    signing = [
        "--signing-key",
        f"file:{key_pairs.keys / 'cosign.key'}",
        "--signing-password",
        f"env:{PASSWORD_ENV}",
    ]
    built = dagger(*propose, *signing, "as-json", env=env)
    assert built.returncode == 0, built.stderr[-4000:]
    out = json.loads(built.stdout)
    stages = {stage["name"]: stage["status"] for stage in out["stages"]}
    assert dict.fromkeys(("sbom", "sign", "attest"), "passed").items() <= stages.items(), stages
    assert (key_pairs.keys / "cosign.key").read_text().splitlines()[1] not in built.stdout + built.stderr
    digest = out["digest"]
    body = _pull_body(forge, gitops, out["pr_url"])
    assert f"- Signed (cosign): {REPOSITORY}@{digest}; attested: slsaprovenance1, spdxjson, cyclonedx" in body

    promote = [*call, "promote", "--source", str(app), "--env", "prod", "--image", out["image"],
               *gitops_args(forge, gitops), "as-json"]  # fmt: skip
    promoted = dagger(*promote, env=env)
    assert promoted.returncode == 0, promoted.stderr[-4000:]
    prod_body = _pull_body(forge, gitops, json.loads(promoted.stdout)["pr_url"])
    assert f"- Signature (cosign): {REPOSITORY}@{digest} signed by key SHA256:" in prod_body, prod_body
