"""Provenance of a published image: an in-toto Statement v1 with a SLSA v1 provenance predicate.

The statement names the image by digest (its subject); the predicate says how it was built:
the source URL and commit (external parameters), the tool images the stages ran in (resolved
dependencies, by digest when known) and the builder (slipway and the engine's versions).
Nothing secret goes in: no key, no token, no registry password.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from slipway.errors import ConfigError
from slipway.refs import ImageRef

__all__ = [
    "BUILD_TYPE",
    "PREDICATE_TYPE",
    "STATEMENT_TYPE",
    "BuildFacts",
    "ProvenanceSummary",
    "provenance_statement",
    "summarize",
]

STATEMENT_TYPE = "https://in-toto.io/Statement/v1"
PREDICATE_TYPE = "https://slsa.dev/provenance/v1"
BUILD_TYPE = "https://slipway.dev/build/v1"
BUILDER_ID = "https://slipway.dev/builder"


@dataclass(frozen=True)
class BuildFacts:
    """What the build graph knows about one build: source, parameters, tools and versions."""

    source_url: str
    revision: str
    created: str
    app: str
    env: str
    dockerfile: str
    context: str
    slipway_version: str
    engine_version: str
    # tool name -> image reference (with @sha256:... when the tool image was resolved by digest)
    tools: Mapping[str, str]


def _dependency(name: str, ref: str) -> dict[str, Any]:
    dep: dict[str, Any] = {"name": name, "uri": f"docker://{ref}"}
    _, _, digest = ref.rpartition("@")
    if digest.startswith("sha256:"):
        dep["digest"] = {"sha256": digest.removeprefix("sha256:")}
    return dep


def provenance_statement(image: ImageRef, facts: BuildFacts) -> dict[str, Any]:
    """The in-toto statement for `image` (which must carry its digest) built as `facts` say."""
    if not image.digest.startswith("sha256:"):
        msg = f"provenance: {image} has no sha256 digest (provenance names an image by digest)"
        raise ConfigError(msg)
    source = {
        "name": "source",
        "uri": f"git+{facts.source_url}@{facts.revision}",
        "digest": {"gitCommit": facts.revision},
    }
    return {
        "_type": STATEMENT_TYPE,
        "subject": [{"name": image.repository, "digest": {"sha256": image.digest.removeprefix("sha256:")}}],
        "predicateType": PREDICATE_TYPE,
        "predicate": {
            "buildDefinition": {
                "buildType": BUILD_TYPE,
                "externalParameters": {
                    "source": {"url": facts.source_url, "revision": facts.revision},
                    "app": facts.app,
                    "env": facts.env,
                    "dockerfile": facts.dockerfile,
                    "context": facts.context,
                },
                "internalParameters": {"created": facts.created},
                "resolvedDependencies": [
                    source,
                    *(_dependency(name, ref) for name, ref in sorted(facts.tools.items())),
                ],
            },
            "runDetails": {
                "builder": {
                    "id": BUILDER_ID,
                    "version": {"slipway": facts.slipway_version, "dagger-engine": facts.engine_version},
                },
                "metadata": {"invocationId": f"{facts.app}@{facts.revision}"},
            },
        },
    }


@dataclass(frozen=True)
class ProvenanceSummary:
    """The parts of a provenance predicate a promotion checks and shows."""

    source_url: str
    revision: str
    builder: str


def summarize(predicate: Mapping[str, Any]) -> ProvenanceSummary:
    """Source URL, commit and builder of a SLSA v1 predicate; a ConfigError when they are missing."""
    try:
        source = predicate["buildDefinition"]["externalParameters"]["source"]
        builder = predicate["runDetails"]["builder"]
        url, revision = str(source["url"]), str(source["revision"])
    except (KeyError, TypeError) as exc:
        msg = f"provenance: the predicate has no {exc} (not a slipway SLSA v1 provenance)"
        raise ConfigError(msg) from None
    versions = builder.get("version") or {}
    shown = ", ".join(f"{k} {v}" for k, v in sorted(versions.items()))
    return ProvenanceSummary(
        url, revision, f"{builder.get('id', '?')} ({shown})" if shown else str(builder.get("id"))
    )
