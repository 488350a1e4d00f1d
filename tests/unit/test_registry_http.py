"""The digest a registry serves, asked over its HTTP API (no engine): headers, fallbacks, refusals."""

from __future__ import annotations

import hashlib

import httpx
import pytest

from slipway.errors import ConfigError, StageError
from slipway.refs import registry_path
from slipway.registry import MANIFEST_TYPES, served_digest

A = "sha256:" + "a" * 64


def test_registry_path_names_the_host_and_docker_hubs_library() -> None:
    assert registry_path("golang:1.26") == ("", "library/golang")
    assert registry_path("alpine/helm:3@" + A) == ("", "alpine/helm")
    assert registry_path("docker.io/library/node:20") == ("", "library/node")
    assert registry_path("localhost:5000/slipway-tools/helm:v3") == ("localhost:5000", "slipway-tools/helm")
    assert registry_path("ghcr.io/sigstore/cosign/cosign:v2") == ("ghcr.io", "sigstore/cosign/cosign")


def test_the_manifest_digest_header_answers_and_every_manifest_kind_is_accepted() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, headers={"Docker-Content-Digest": A})

    assert served_digest("localhost:5000/tools/helm:v3", httpx.MockTransport(handler)) == A
    assert [(r.method, str(r.url)) for r in seen] == [
        ("HEAD", "http://localhost:5000/v2/tools/helm/manifests/v3")
    ]
    assert seen[0].headers["accept"] == MANIFEST_TYPES
    assert "application/vnd.oci.image.index.v1+json" in MANIFEST_TYPES


def test_docker_hub_names_go_to_the_engines_mirror_and_a_digest_is_asked_by_digest(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SLIPWAY_REGISTRY_PORT", "5999")
    urls: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        urls.append(str(request.url))
        return httpx.Response(200, headers={"Docker-Content-Digest": A})

    served_digest("golang:1.26", httpx.MockTransport(handler))
    served_digest(f"ghcr.io/acme/tool:1@{A}", httpx.MockTransport(handler))
    assert urls == [
        "http://localhost:5999/v2/library/golang/manifests/1.26",
        f"https://ghcr.io/v2/acme/tool/manifests/{A}",
    ]


def test_without_the_header_the_manifest_is_read_and_hashed() -> None:
    body = b'{"schemaVersion": 2}'

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=body if request.method == "GET" else b"")

    digest = served_digest("localhost:5000/tools/helm:v3", httpx.MockTransport(handler))
    assert digest == f"sha256:{hashlib.sha256(body).hexdigest()}"


def test_an_anonymous_token_is_fetched_when_the_registry_asks_for_one() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.host == "auth.example":
            assert request.url.params["scope"] == "repository:acme/tool:pull"
            return httpx.Response(200, json={"token": "t0k"})
        if request.headers.get("authorization") == "Bearer t0k":
            return httpx.Response(200, headers={"Docker-Content-Digest": A})
        challenge = (
            'Bearer realm="https://auth.example/token",service="reg",scope="repository:acme/tool:pull"'
        )
        return httpx.Response(401, headers={"WWW-Authenticate": challenge})

    assert served_digest("reg.example/acme/tool:1", httpx.MockTransport(handler)) == A


def test_missing_refused_and_unreachable_images_say_so_in_one_line() -> None:
    def answer(status: int) -> httpx.MockTransport:
        return httpx.MockTransport(lambda _: httpx.Response(status))

    with pytest.raises(ConfigError, match=r"^tools: localhost:5000/x/y:1 does not exist in its registry"):
        served_digest("localhost:5000/x/y:1", answer(404))
    with pytest.raises(ConfigError, match=r"refused an anonymous pull of reg\.example/x:1 \(HTTP 401; "):
        served_digest("reg.example/x:1", answer(401))
    with pytest.raises(StageError, match=r"HTTP 500 \(check the registry\)"):
        served_digest("reg.example/x:1", answer(500))

    def down(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    with pytest.raises(StageError, match=r"^tools: could not ask .*connection refused \(check that"):
        served_digest("localhost:5000/x/y:1", httpx.MockTransport(down))
