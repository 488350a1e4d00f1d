"""Locators for images in Kubernetes objects: a Flux HelmRelease, an Argo CD Application."""

from __future__ import annotations

import difflib

import pytest
from ruamel.yaml import YAML

from slipway.errors import ConfigError
from slipway.gitops.locators import (
    ArgoHelmParametersLocator,
    ArgoHelmValuesLocator,
    ArgoKustomizeImagesLocator,
    HelmReleaseLocator,
    KeysLocator,
)
from slipway.refs import ImageRef, parse_ref

REPO = "localhost:5000/acme/web"
SHA = "0123456789abcdef0123456789abcdef01234567"
DIGEST = "sha256:" + "ab" * 32
NAME = "apps/dev/web-values.yaml"


def _changed(before: str, after: str) -> list[str]:
    diff = difflib.unified_diff(before.splitlines(True), after.splitlines(True), n=0)
    return [d for d in diff if d[:1] in "+-" and not d.startswith(("+++", "---"))]


def _refused(locator: object, text: str, image: str = f"{REPO}:{SHA}") -> str:
    with pytest.raises(ConfigError) as info:
        locator.write(text, parse_ref(image), NAME)  # type: ignore[attr-defined]
    message = str(info.value)
    assert "\n" not in message and info.value.exit_code == 2
    return message


PATCH = """\
# dev values
---
apiVersion: v1
kind: ConfigMap
metadata: {name: web-env}
data:
  tag: "not this one"
---
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: web
spec:
  values:
    image:
      repository: localhost:5000/acme/web   # CI's repository
      tag: 'v1'
      digest: ""
"""


def test_helmrelease_edits_spec_values_of_the_helmrelease_document_only() -> None:
    loc = HelmReleaseLocator()
    assert loc.read(PATCH, NAME) == ImageRef(REPO, "v1", "")
    out = loc.write(PATCH, parse_ref(f"{REPO}:{SHA}@{DIGEST}"), NAME)
    assert _changed(PATCH, out) == [
        "-      tag: 'v1'\n",
        '-      digest: ""\n',
        f"+      tag: '{SHA}'\n",
        f'+      digest: "{DIGEST}"\n',
    ]
    assert loc.read(out, NAME) == ImageRef(REPO, SHA, DIGEST)
    assert loc.repository(PATCH, NAME) == REPO


def test_helmrelease_without_image_keys_gets_them_with_create_only() -> None:
    text = "apiVersion: helm.toolkit.fluxcd.io/v2\r\nkind: HelmRelease\r\nmetadata: {name: web}\r\n"
    message = _refused(HelmReleaseLocator(), text)
    assert message == (
        f"values: {NAME}: locator helmrelease: key path .spec is absent (the document has 'apiVersion', "
        "'kind', 'metadata'); set gitops.create: true to add it"
    )
    loc = HelmReleaseLocator(create=True)
    assert loc.read(text, NAME) == ImageRef("")
    out = loc.write(text, parse_ref(f"{REPO}:{SHA}@{DIGEST}"), NAME)
    assert (
        out == text + f'spec:\r\n  values:\r\n    image:\r\n      tag: "{SHA}"\r\n      digest: {DIGEST}\r\n'
    )
    assert loc.read(out, NAME) == ImageRef("", SHA, DIGEST)


@pytest.mark.parametrize(
    ("text", "why"),
    [
        (
            "kind: Kustomization\n",
            "no document is a HelmRelease (helm.toolkit.fluxcd.io/*) (found kind 'Kustomization' (line 1))",
        ),
        (
            "apiVersion: example.com/v1\nkind: HelmRelease\n",
            "no document is a HelmRelease (helm.toolkit.fluxcd.io/*) (found kind 'HelmRelease' (line 1))",
        ),
        (
            "# nothing\n",
            "no document is a HelmRelease (helm.toolkit.fluxcd.io/*) (no Kubernetes object in the file)",
        ),
        (
            PATCH + "---\n" + PATCH.split("---\n")[2],
            "2 documents are a HelmRelease (helm.toolkit.fluxcd.io/*) (lines 9, 20); keep one per file",
        ),
    ],
)
def test_helmrelease_needs_exactly_one_helmrelease_document(text: str, why: str) -> None:
    assert _refused(HelmReleaseLocator(create=True), text) == f"values: {NAME}: locator helmrelease: {why}"


APPLICATION = """\
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: {name: web-dev}
spec:
  project: default
  source:
    repoURL: https://git.example.com/charts.git
    helm:
      parameters:
      - name: replicaCount
        value: "1"
      - {name: image.tag, value: v1}   # flow item
      valuesObject:
        image:
          repository: localhost:5000/acme/web
          tag: v1
    kustomize:
      images:
      - redis:7.2
      - "web=localhost:5000/acme/web:v1"
  destination: {namespace: web-dev}
"""


def test_argocd_helm_parameters_edit_the_named_parameters_value() -> None:
    loc = ArgoHelmParametersLocator(digest_key="")
    assert loc.read(APPLICATION, NAME) == ImageRef("", "v1", "")
    out = loc.write(APPLICATION, parse_ref(f"{REPO}:{SHA}@{DIGEST}"), NAME)
    assert _changed(APPLICATION, out) == [
        "-      - {name: image.tag, value: v1}   # flow item\n",
        f'+      - {{name: image.tag, value: "{SHA}@{DIGEST}"}}   # flow item\n',
    ]
    assert loc.read(out, NAME) == ImageRef("", SHA, DIGEST)  # the folded digest reads back


def test_argocd_helm_parameters_are_appended_with_create() -> None:
    loc = ArgoHelmParametersLocator(repository_key="image.repository", create=True)
    out = loc.write(APPLICATION, parse_ref(f"{REPO}:{SHA}@{DIGEST}"), NAME)
    assert _changed(APPLICATION, out) == [
        "-      - {name: image.tag, value: v1}   # flow item\n",
        f'+      - {{name: image.tag, value: "{SHA}"}}   # flow item\n',
        "+      - name: image.repository\n",
        f"+        value: {REPO}\n",
        "+      - name: image.digest\n",
        f"+        value: {DIGEST}\n",
    ]
    assert loc.read(out, NAME) == ImageRef(REPO, SHA, DIGEST)
    message = _refused(ArgoHelmParametersLocator(), APPLICATION.replace("image.tag", "image.version"))
    assert message == (
        f"values: {NAME}: locator argocd-helm-parameters: key path .spec.source.helm.parameters[name=image.tag] "
        "matches no item (found name: 'replicaCount', 'image.version'); set gitops.create: true to add it"
    )


def test_argocd_helm_values_edit_values_object() -> None:
    loc = ArgoHelmValuesLocator(digest_key="", create=True)
    assert loc.read(APPLICATION, NAME) == ImageRef(REPO, "v1", "")
    out = loc.write(APPLICATION, parse_ref(f"{REPO}:{SHA}"), NAME)
    assert _changed(APPLICATION, out) == [
        "-          tag: v1\n",
        f'+          tag: "{SHA}"\n',
    ]  # 0123… quoted
    with_digest = ArgoHelmValuesLocator(create=True).write(out, parse_ref(f"{REPO}:{SHA}@{DIGEST}"), NAME)
    assert _changed(out, with_digest) == [f"+          digest: {DIGEST}\n"]


def test_argocd_kustomize_images_rewrite_the_named_entry() -> None:
    loc = ArgoKustomizeImagesLocator("web")
    assert loc.read(APPLICATION, NAME) == ImageRef(REPO, "v1", "")
    out = loc.write(APPLICATION, parse_ref(f"{REPO}:{SHA}@{DIGEST}"), NAME)
    assert _changed(APPLICATION, out) == [
        '-      - "web=localhost:5000/acme/web:v1"\n',
        f'+      - "web={REPO}:{SHA}@{DIGEST}"\n',
    ]
    assert loc.read(out, NAME) == ImageRef(REPO, SHA, DIGEST)
    assert loc.write(out, parse_ref(f"{REPO}:{SHA}@{DIGEST}"), NAME) == out
    by_repository = ArgoKustomizeImagesLocator("redis")
    assert by_repository.read(APPLICATION, NAME) == ImageRef("redis", "7.2")
    assert _changed(APPLICATION, by_repository.write(APPLICATION, parse_ref("redis:7.4"), NAME)) == [
        "-      - redis:7.2\n",
        "+      - redis:7.4\n",
    ]
    other = by_repository.write(APPLICATION, parse_ref("mirror.example/redis:7.4"), NAME)
    assert "      - redis=mirror.example/redis:7.4\n" not in other  # '=' is quoted, never plain
    assert '      - "redis=mirror.example/redis:7.4"\n' in other


def test_argocd_kustomize_images_entry_is_appended_with_create_only() -> None:
    text = APPLICATION.replace('      - "web=localhost:5000/acme/web:v1"\n', "")
    message = _refused(ArgoKustomizeImagesLocator("web"), text)
    assert message == (
        f"values: {NAME}: locator argocd-kustomize-images: no spec.source.kustomize.images entry is named 'web' "
        "(found 'redis'; see gitops.image_name); set gitops.create: true to add it"
    )
    loc = ArgoKustomizeImagesLocator("web", create=True)
    assert loc.read(text, NAME) == ImageRef("")
    out = loc.write(text, parse_ref(f"{REPO}:{SHA}"), NAME)
    assert _changed(text, out) == [f'+      - "web={REPO}:{SHA}"\n']
    no_list = text.replace("      images:\n      - redis:7.2\n", "      namePrefix: dev-\n")
    created = loc.write(no_list, parse_ref(f"{REPO}:{SHA}"), NAME)
    assert _changed(no_list, created) == ["+      images:\n", f'+        - "web={REPO}:{SHA}"\n']
    assert _refused(ArgoKustomizeImagesLocator("web"), no_list) == (
        f"values: {NAME}: locator argocd-kustomize-images: key path .spec.source.kustomize.images is absent "
        "(key path .spec.source.kustomize has 'namePrefix'); set gitops.create: true to add it"
    )


def test_argocd_locators_refuse_a_multi_source_application() -> None:
    text = "apiVersion: argoproj.io/v1alpha1\nkind: Application\nspec:\n  sources: []\n"
    why = "the Application has spec.sources (multi-source), not spec.source; slipway edits spec.source"
    for loc in (
        ArgoHelmParametersLocator(create=True),
        ArgoHelmValuesLocator(create=True),
        ArgoKustomizeImagesLocator("web", create=True),
    ):
        assert _refused(loc, text) == f"values: {NAME}: locator {loc.kind}: {why}"


def test_argocd_two_entries_for_the_image_are_refused() -> None:
    text = APPLICATION.replace("      - redis:7.2\n", f"      - redis:7.2\n      - {REPO}:v0\n")
    assert _refused(ArgoKustomizeImagesLocator(REPO, create=True), text.replace('"web=', f'"{REPO}=')) == (
        f"values: {NAME}: locator argocd-kustomize-images: 2 kustomize images entries are named "
        f"'{REPO}' (lines 20, 21); keep one"
    )


def test_keys_locator_selectors_image_key_and_folded_digest() -> None:
    deployment = (
        "apiVersion: apps/v1\nkind: Deployment\nspec:\n  template:\n    spec:\n      containers:\n"
        f"        - name: api\n          image: {REPO}:v1   # promoted\n        - name: cache\n"
        "          image: redis:7.2\n"
    )
    loc = KeysLocator(image_key="spec.template.spec.containers[name=api].image")
    assert loc.read(deployment, NAME) == ImageRef(REPO, "v1")
    assert loc.repository(deployment, NAME) == REPO
    out = loc.write(deployment, parse_ref(f"{REPO}:{SHA}@{DIGEST}"), NAME)
    assert out == deployment.replace(f"{REPO}:v1", f"{REPO}:{SHA}@{DIGEST}")
    missing = KeysLocator(image_key="spec.template.spec.containers[name=web].image")
    with pytest.raises(ConfigError) as info:
        missing.read(deployment, NAME)
    assert str(info.value) == (
        f"values: {NAME}: locator keys: key path .spec.template.spec.containers[name=web] matches no item "
        "(found name: 'api', 'cache'); set gitops.create: true to add it"
    )
    folded = KeysLocator(digest_key="").write(
        "image:\n  tag: v1\n", parse_ref(f"{REPO}:{SHA}@{DIGEST}"), NAME
    )
    assert folded == f'image:\n  tag: "{SHA}@{DIGEST}"\n'
    assert KeysLocator(digest_key="").read(folded, NAME) == ImageRef("", SHA, DIGEST)
    assert YAML(typ="safe").load(folded)["image"]["tag"] == f"{SHA}@{DIGEST}"
