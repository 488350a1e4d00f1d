"""The Flux objects `slipway cluster sync` applies, and the names and paths it refuses."""

from __future__ import annotations

import pytest

from slipway.errors import ConfigError
from slipway.kube.flux import FluxSync, sync_objects

REPO = "http://127.0.0.1:3000/slipway/gitops.git"


def test_a_git_repository_and_a_waiting_kustomization_into_the_namespace() -> None:
    source, apply = sync_objects(FluxSync("web-api-dev", REPO, "apps/web-api/overlays/dev", "web-api-dev"))
    assert source["kind"] == "GitRepository" and source["spec"]["url"] == REPO
    assert source["spec"]["ref"] == {"branch": "main"} and source["spec"]["interval"] == "10s"
    assert apply["kind"] == "Kustomization"
    assert apply["spec"]["sourceRef"] == {"kind": "GitRepository", "name": "web-api-dev"}
    assert apply["spec"]["path"] == "./apps/web-api/overlays/dev"
    assert apply["spec"]["targetNamespace"] == "web-api-dev"
    assert apply["spec"]["wait"] is True and apply["spec"]["prune"] is True
    assert {o["metadata"]["namespace"] for o in (source, apply)} == {"flux-system"}


@pytest.mark.parametrize(
    ("args", "problem"),
    [
        (("Web_Api", REPO, "apps/x", "ns"), "name 'Web_Api'"),
        (("w", REPO, "apps/x", "ns/evil"), "namespace 'ns/evil'"),
        (("w", "http://user:pw@127.0.0.1/x.git", "apps/x", "ns"), "carries credentials"),
        (("w", REPO, "../outside", "ns"), "inside the GitOps repository"),
        (("w", REPO, "apps/x", "ns", "main;rm"), "not a valid branch name"),
    ],
)
def test_bad_input_is_refused_before_anything_is_applied(args: tuple[str, ...], problem: str) -> None:
    with pytest.raises(ConfigError) as caught:
        FluxSync(*args)
    assert problem in str(caught.value)
    assert "pw" not in str(caught.value)
