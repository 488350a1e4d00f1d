"""provenance.py: the in-toto statement names the digest, source, commit, tools and builder."""

from __future__ import annotations

import json

import pytest

from slipway.errors import ConfigError
from slipway.provenance import (
    BUILD_TYPE,
    PREDICATE_TYPE,
    STATEMENT_TYPE,
    BuildFacts,
    provenance_statement,
    summarize,
)
from slipway.refs import ImageRef

DIGEST = "sha256:" + "ab" * 32
REV = "0123456789abcdef0123456789abcdef01234567"
TRIVY = "localhost:5000/slipway-tools/trivy:v0.74.0@sha256:" + "cd" * 32
FACTS = BuildFacts(
    source_url="http://gitea.local/demo/web-api.git", revision=REV, created="2025-01-02T03:04:05Z",
    app="web-api", env="dev", dockerfile="Dockerfile", context=".", slipway_version="0.1.0",
    engine_version="v0.19.10", tools={"trivy": TRIVY, "cosign": "localhost:5000/slipway-tools/cosign:v2.4.3"},
)  # fmt: skip


def test_statement_names_the_digest_source_commit_tools_and_builder() -> None:
    image = ImageRef("localhost:5000/demo/web-api", REV, DIGEST)
    s = provenance_statement(image, FACTS)
    assert s["_type"] == STATEMENT_TYPE and s["predicateType"] == PREDICATE_TYPE
    assert s["subject"] == [{"name": "localhost:5000/demo/web-api", "digest": {"sha256": "ab" * 32}}]
    build = s["predicate"]["buildDefinition"]
    assert build["buildType"] == BUILD_TYPE
    assert build["externalParameters"]["source"] == {"url": FACTS.source_url, "revision": REV}
    deps = {d["name"]: d for d in build["resolvedDependencies"]}
    assert deps["source"]["digest"] == {"gitCommit": REV}
    assert deps["trivy"] == {"name": "trivy", "uri": f"docker://{TRIVY}", "digest": {"sha256": "cd" * 32}}
    assert "digest" not in deps["cosign"]  # a tag only: no digest is claimed
    builder = s["predicate"]["runDetails"]["builder"]
    assert builder["version"] == {"slipway": "0.1.0", "dagger-engine": "v0.19.10"}
    json.dumps(s)  # attested as JSON


def test_summary_reads_back_source_commit_and_builder() -> None:
    s = provenance_statement(ImageRef("r/x", "", DIGEST), FACTS)
    summary = summarize(s["predicate"])
    assert (summary.source_url, summary.revision) == (FACTS.source_url, REV)
    assert summary.builder == "https://slipway.dev/builder (dagger-engine v0.19.10, slipway 0.1.0)"


def test_an_image_without_digest_has_no_provenance() -> None:
    with pytest.raises(ConfigError, match="no sha256 digest"):
        provenance_statement(ImageRef("r/x", REV), FACTS)


def test_a_predicate_without_source_is_refused() -> None:
    with pytest.raises(ConfigError, match="not a slipway SLSA v1 provenance"):
        summarize({"buildDefinition": {"externalParameters": {}}, "runDetails": {"builder": {"id": "x"}}})
