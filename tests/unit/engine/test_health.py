"""`slipway doctor`'s built-in SDK check names the SDK whose digest or content is missing."""

from __future__ import annotations

import json

from slipway.engine.health import builtin_sdk_problems

GO = "sha256:" + "a" * 64
PY = "sha256:" + "b" * 64


def _manifest(config: str, *layers: str) -> str:
    return json.dumps({"config": {"digest": config}, "layers": [{"digest": d} for d in layers]})


def _blobs(*digests: str) -> set[str]:
    return {d.partition(":")[2] for d in digests}


def test_both_present() -> None:
    env = {"DAGGER_GO_SDK_MANIFEST_DIGEST": GO, "DAGGER_PYTHON_SDK_MANIFEST_DIGEST": PY}
    manifests = {GO: _manifest("sha256:c1", "sha256:l1"), PY: _manifest("sha256:c2", "sha256:l2")}
    blobs = _blobs(GO, PY, "sha256:c1", "sha256:l1", "sha256:c2", "sha256:l2")
    assert builtin_sdk_problems(env, blobs, manifests) == {}


def test_unset_digest_names_the_variable() -> None:
    env = {"DAGGER_GO_SDK_MANIFEST_DIGEST": GO}
    problems = builtin_sdk_problems(env, _blobs(GO, "sha256:c1"), {GO: _manifest("sha256:c1")})
    assert problems == {"python": "DAGGER_PYTHON_SDK_MANIFEST_DIGEST is not set"}


def test_missing_manifest_and_layer() -> None:
    env = {"DAGGER_GO_SDK_MANIFEST_DIGEST": GO, "DAGGER_PYTHON_SDK_MANIFEST_DIGEST": PY}
    manifests = {GO: _manifest("sha256:c1", "sha256:l1")}
    problems = builtin_sdk_problems(env, _blobs(GO, "sha256:c1"), manifests)
    assert problems == {
        "go": "blobs missing: sha256:l1",
        "python": f"manifest {PY} not in the content store",
    }


def test_not_a_manifest() -> None:
    env = {"DAGGER_GO_SDK_MANIFEST_DIGEST": GO, "DAGGER_PYTHON_SDK_MANIFEST_DIGEST": PY}
    problems = builtin_sdk_problems(env, _blobs(GO, PY), {GO: "{}", PY: None})
    assert problems == {"go": f"{GO} is not an image manifest", "python": f"{PY} is not an image manifest"}
