"""sign and attest: the attest script run by a real shell against a recording cosign, failure naming,
and the cache key a signing key gives its containers."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import Any

from slipway.engine import host_tunnel
from slipway.refs import ImageRef
from slipway.stages import cosign
from slipway.stages.cosign import ATTEST_MARK, SigningKey, signed_with
from slipway.stages.sign import PREDICATE_TYPES, failed_attestation

TARGET = "slipway-registry:5000/apps/web-api@sha256:" + "ab" * 32
FLAG = "--allow-http-registry=true"
FAKE_COSIGN = """#!/bin/sh
echo "$*" >> "$COSIGN_LOG"
case "$*" in *"--type $COSIGN_FAIL "*) echo "Error: PUT https://r/v2/x/manifests/y: DENIED" >&2; exit 1;; esac
"""


def _attest(tmp_path: Path, fail: str = "none") -> tuple[subprocess.CompletedProcess[str], list[str]]:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "cosign").write_text(FAKE_COSIGN)
    (bin_dir / "cosign").chmod(0o755)
    log = tmp_path / "cosign.log"
    env = {"PATH": f"{bin_dir}:{os.environ['PATH']}", "COSIGN_LOG": str(log), "COSIGN_FAIL": fail}
    argv = ["sh", "-c", cosign._ATTEST_EACH, "slipway-attest", TARGET, FLAG, *PREDICATE_TYPES]
    done = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)
    return done, log.read_text().splitlines() if log.exists() else []


def test_every_predicate_type_is_attested_in_one_exec_with_the_image_last(tmp_path: Path) -> None:
    done, calls = _attest(tmp_path)
    assert done.returncode == 0, done.stderr
    assert [c.split()[c.split().index("--type") + 1] for c in calls] == list(PREDICATE_TYPES)
    for kind, call in zip(PREDICATE_TYPES, calls, strict=True):
        args = call.split()
        assert args[0] == "attest" and args[-1] == TARGET
        assert args[args.index("--predicate") + 1] == f"/attest/{kind}"
        assert "--tlog-upload=false" in args and args[args.index("--key") + 1] == "env://COSIGN_KEY"
        assert args[-2] == FLAG


def test_the_first_refused_attestation_stops_the_rest_and_is_named(tmp_path: Path) -> None:
    done, calls = _attest(tmp_path, fail="spdxjson")
    assert done.returncode != 0
    assert len(calls) == 2  # provenance, then the refused SPDX; CycloneDX never tried
    assert failed_attestation(done.stderr) == "spdxjson"


def test_a_failure_before_any_attestation_names_them_all() -> None:
    assert failed_attestation("getent: no such host\n") == "the attestations"
    assert failed_attestation(f"{ATTEST_MARK}slsaprovenance1\n{ATTEST_MARK}cyclonedx\nboom") == "cyclonedx"


class _Ctr:
    """Records what `signed_with` sets on a container."""

    def __init__(self) -> None:
        self.env: dict[str, str] = {}
        self.secrets: dict[str, Any] = {}

    def with_env_variable(self, name: str, value: str) -> _Ctr:
        self.env[name] = value
        return self

    def with_secret_variable(self, name: str, secret: Any) -> _Ctr:
        self.secrets[name] = secret
        return self


def test_an_opened_key_caches_by_its_fingerprint_and_an_unopened_one_never() -> None:
    key, password = object(), object()
    opened = SigningKey(key, password, key_id="SHA256:" + "cd" * 32)  # type: ignore[arg-type]
    ctr: Any = signed_with(_Ctr(), opened)  # type: ignore[arg-type]
    assert ctr.env["SLIPWAY_SIGNING_KEY_ID"] == opened.key_id
    assert ctr.secrets == {"COSIGN_KEY": key, "COSIGN_PASSWORD": password}
    unopened = SigningKey(key, password)  # type: ignore[arg-type]
    first: Any = signed_with(_Ctr(), unopened)  # type: ignore[arg-type]
    second: Any = signed_with(_Ctr(), unopened)  # type: ignore[arg-type]
    assert first.env["SLIPWAY_SIGNING_KEY_ID"] != second.env["SLIPWAY_SIGNING_KEY_ID"]
    assert opened.key_id not in first.env["SLIPWAY_SIGNING_KEY_ID"]


class _HostService(tuple[str, str]):
    """The host service asked for, as (kind, host); started, it is the same service."""

    async def start(self) -> _HostService:
        return self


class _Route:
    """Records the container calls cosign_container makes, and the host service it asks for."""

    def __init__(self) -> None:
        self.env: dict[str, str] = {}
        self.bindings: dict[str, Any] = {}
        self.execs: list[list[str]] = []

    def with_env_variable(self, name: str, value: str) -> _Route:
        self.env[name] = value
        return self

    def with_service_binding(self, alias: str, service: Any) -> _Route:
        self.bindings[alias] = service
        return self

    def with_exec(self, argv: list[str], **_: Any) -> _Route:
        self.execs.append(argv)
        return self

    def host(self) -> _Route:
        return self

    def service(self, ports: Any, host: str) -> _HostService:
        return _HostService(("host-service", host))


async def _target(monkeypatch: Any, repository: str) -> tuple[cosign.CosignTarget, _Route]:
    import dagger

    route = _Route()

    async def container(image: str) -> _Route:
        return route

    async def shell(image: str) -> bool:
        return False

    monkeypatch.setattr(cosign, "tool_container", container)
    monkeypatch.setattr(cosign, "has_shell", shell)
    monkeypatch.setattr(dagger, "dag", route)
    monkeypatch.setattr(host_tunnel, "_STARTED", {})  # no tunnel kept from another test
    image = ImageRef(repository, "a" * 40, "sha256:" + "ab" * 32)
    return await cosign.cosign_container("cosign:local", image), route


async def test_a_loopback_registry_is_reached_through_the_tunnel_by_name_over_http(monkeypatch: Any) -> None:
    target, route = await _target(monkeypatch, "localhost:5000/apps/web-api")
    assert target.ref == "slipway-registry:5000/apps/web-api@sha256:" + "ab" * 32
    assert route.bindings == {"slipway-registry": ("host-service", "localhost")}
    cosign.cosign_exec(target, target.ctr, ["sign", "--key", "env://COSIGN_KEY"])  # type: ignore[arg-type]
    assert route.execs == [
        ["cosign", "sign", "--key", "env://COSIGN_KEY", "--allow-http-registry=true", target.ref]
    ]
    assert route.env["COSIGN_YES"] == "true"


async def test_verify_reaches_a_loopback_registry_over_http_too(monkeypatch: Any) -> None:
    """cosign v2.4.3's verify ignores --allow-http-registry: it needs --allow-insecure-registry."""
    target, route = await _target(monkeypatch, "localhost:5000/apps/web-api")
    cosign.cosign_exec(target, target.ctr, ["verify", "--key", "/k.pub"])  # type: ignore[arg-type]
    cosign.cosign_exec(target, target.ctr, ["verify-attestation", "--key", "/k.pub"])  # type: ignore[arg-type]
    assert route.execs == [
        ["cosign", "verify", "--key", "/k.pub", "--allow-http-registry=true", "--allow-insecure-registry=true",
         target.ref],
        ["cosign", "verify-attestation", "--key", "/k.pub", "--allow-http-registry=true", target.ref],
    ]  # fmt: skip


async def test_a_remote_registry_is_verified_over_https_only(monkeypatch: Any) -> None:
    target, route = await _target(monkeypatch, "registry.example.com/apps/web-api")
    cosign.cosign_exec(target, target.ctr, ["verify", "--key", "/k.pub"])  # type: ignore[arg-type]
    assert route.execs == [["cosign", "verify", "--key", "/k.pub", "--allow-http-registry=false", target.ref]]


async def test_a_remote_registry_is_named_as_it_is_and_spoken_to_over_https(monkeypatch: Any) -> None:
    target, route = await _target(monkeypatch, "registry.example.com/apps/web-api")
    assert target.ref == "registry.example.com/apps/web-api@sha256:" + "ab" * 32
    assert target.registry_flag == "--allow-http-registry=false" and route.bindings == {}
    assert not target.has_shell
