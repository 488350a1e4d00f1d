"""The signing key reaches only the sign and attest stages: every stage's arguments are inspected."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest

from slipway.config import load_config
from slipway.flows import build as build_flow
from slipway.flows import provenance_facts
from slipway.flows.build import BuildRequest, build_steps
from slipway.provenance import BuildFacts
from slipway.refs import ImageRef
from slipway.runner import run_graph
from slipway.stages import build, publish, render, sbom, scan, sign, test, validate
from slipway.stages.cosign import SigningKey

EXAMPLE = Path(__file__).resolve().parents[3] / "examples" / "web-api"
REV = "0123456789abcdef0123456789abcdef01234567"
DIGEST = "sha256:" + "ab" * 32


class Secret:
    """Stands for a dagger.Secret: only its identity matters here."""


class Source:
    """Stands for the source dagger.Directory: its files and directories are names."""

    def file(self, path: str) -> str:
        return path

    def directory(self, path: str) -> str:
        return path


def _holds(value: Any, target: object, seen: set[int] | None = None) -> bool:
    """Whether `target` is `value` or anywhere inside it (dataclasses, containers, closures)."""
    seen = set() if seen is None else seen
    if value is target:
        return True
    if id(value) in seen or isinstance(value, (str, bytes, int, float, bool, type(None))):
        return False
    seen.add(id(value))
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return any(_holds(getattr(value, f.name), target, seen) for f in dataclasses.fields(value))
    if isinstance(value, dict):
        return any(_holds(k, target, seen) or _holds(v, target, seen) for k, v in value.items())
    if isinstance(value, (list, tuple, set, frozenset)):
        return any(_holds(v, target, seen) for v in value)
    return False


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> dict[str, tuple[Any, ...]]:
    """Every stage function replaced by a recorder returning a plausible result."""
    seen: dict[str, tuple[Any, ...]] = {}
    image = ImageRef("localhost:5000/slipway-examples/web-api", REV, DIGEST)
    results: dict[tuple[Any, str], Any] = {
        (test, "run_tests"): test.TestResult("go test ./...", ""),
        (build, "build"): build.BuildResult(object(), {}),  # type: ignore[arg-type]
        (scan, "scan"): scan.ScanResult({}, ()),
        (render, "render"): render.RenderResult(manifests=object(), text=""),  # type: ignore[arg-type]
        (validate, "validate"): validate.ValidateResult(1, 1),
        (publish, "publish"): image,
        (sbom, "sbom"): sbom.SbomResult(object(), object(), 3),  # type: ignore[arg-type]
        (sign, "sign"): sign.Signed(image),
        (sign, "attest"): sign.Attested(image, ("slsaprovenance1",), {}),
    }
    for (module, name), value in results.items():

        async def record(*args: Any, _name: str = name, _value: Any = value, **kwargs: Any) -> Any:
            seen[_name] = (*args, *kwargs.values())
            return _value

        monkeypatch.setattr(module, name, record)

    async def facts(req: Any, tools: Any) -> BuildFacts:
        seen["build_facts"] = (req, tools)
        return BuildFacts("http://x/y.git", REV, "", "web-api", "dev", "Dockerfile", ".", "0", "v0", tools)

    monkeypatch.setattr(provenance_facts, "build_facts", facts)
    return seen


async def test_only_sign_and_attest_receive_the_key(calls: dict[str, tuple[Any, ...]]) -> None:
    key = SigningKey(Secret(), Secret())  # type: ignore[arg-type]
    req = BuildRequest(
        config=load_config(EXAMPLE), source=Source(), env="dev", revision=REV,  # type: ignore[arg-type]
        created="2025-01-01T00:00:00Z", source_url="http://x/y.git", signing_key=key,
    )  # fmt: skip
    steps = build_steps(req)
    assert [s.name for s in steps][-3:] == ["sbom", "sign", "attest"]
    needs = {s.name: s.needs for s in steps}
    assert needs["sign"] == ("publish",) and set(needs["publish"]) == {"test", "scan", "validate"}
    graph = await run_graph(steps)
    assert graph.ok, [r.message for r in graph.failures]
    stages = {"run_tests", "build", "scan", "render", "validate", "publish", "sbom", "sign", "attest"}
    assert stages <= set(calls)
    holding = sorted(name for name, args in calls.items() if name != "build_facts" and _holds(args, key))
    assert holding == ["attest", "sign"]
    # the provenance facts never carry the key, nor does anything the attest step attaches
    assert not _holds(calls["build_facts"][1], key)
    assert not _holds(calls["attest"][3], key)


def test_without_a_key_there_is_no_sbom_sign_or_attest() -> None:
    req = BuildRequest(
        config=load_config(EXAMPLE), source=Source(), env="dev", revision=REV,  # type: ignore[arg-type]
        created="2025-01-01T00:00:00Z", source_url="http://x/y.git",
    )  # fmt: skip
    assert [s.name for s in build_steps(req)] == ["test", "build", "scan", "render", "validate", "publish"]
    assert build_flow.supply_chain_steps  # the supply-chain steps exist to be added with a key
