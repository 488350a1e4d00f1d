"""Rendered streams split into documents without rewriting them, and joined back canonically."""

from __future__ import annotations

from slipway.manifest_docs import canonical_manifests, join_manifests, split_manifests

HELM = """\
---
# Source: web/templates/service.yaml
apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: web-dev
spec:
  ports: [{port: 80}]
---
# Source: web/templates/migrate.yaml
apiVersion: batch/v1
kind: Job
metadata:
  name: web-migrate-x7k2p
  annotations:
    "helm.sh/hook": pre-install,pre-upgrade
    checksum/config: abc
spec: {}
"""


def test_documents_keep_their_text_and_say_what_they_are() -> None:
    docs = split_manifests(HELM)
    assert [(d.kind, d.name, d.namespace, d.hook) for d in docs] == [
        ("Service", "web", "web-dev", ""),
        ("Job", "web-migrate-x7k2p", "", "pre-install,pre-upgrade"),
    ]
    assert docs[0].text.startswith("# Source: web/templates/service.yaml\napiVersion: v1\n")
    assert docs[1].label == "Job/web-migrate-x7k2p"
    assert join_manifests(docs) == HELM


def test_the_same_documents_give_the_same_bytes_however_they_were_separated() -> None:
    kustomize_style = HELM.removeprefix("---\n")  # kustomize writes no leading ---
    crlf = HELM.replace("\n", "\r\n")
    padded = "\n\n" + HELM.replace("---\n", "---   \n\n").replace("spec: {}\n", "spec: {}\n\n\n---\n\n")
    assert {canonical_manifests(t) for t in (HELM, kustomize_style, crlf, padded)} == {HELM}
    assert canonical_manifests(canonical_manifests(padded)) == canonical_manifests(padded)


def test_a_real_difference_survives_canonicalisation() -> None:
    changed = HELM.replace("port: 80", "port: 81")
    assert canonical_manifests(changed) != canonical_manifests(HELM)
    indented = HELM.replace("  ports: [{port: 80}]", "  ports:  [{port: 80}]")
    assert canonical_manifests(indented) != canonical_manifests(HELM), "only separators are normalised"


def test_content_after_a_separator_and_unparsable_documents() -> None:
    docs = split_manifests("--- {kind: ConfigMap, metadata: {name: a}}\n--- # comment only\n---\nkind: [\n")
    assert [(d.kind, d.name) for d in docs] == [("ConfigMap", "a"), ("", "")]
    assert docs[1].text == "kind: [\n"
    assert docs[1].label == "?/?"


def test_a_separator_inside_an_indented_block_stays_content() -> None:
    text = "kind: ConfigMap\nmetadata: {name: c}\ndata:\n  f.yaml: |\n    a: 1\n    ---\n    b: 2\n"
    docs = split_manifests(text)
    assert len(docs) == 1 and "    ---\n" in docs[0].text


def test_aliases_are_not_expanded() -> None:
    bomb = "kind: ConfigMap\nmetadata: {name: b}\na: &a [x, x, x, x, x, x, x, x, x]\n"
    bomb += "".join(
        f"{n}: &{n} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n"
        for p, n in zip("abcdefgh", "bcdefghi", strict=True)
    )
    docs = split_manifests(bomb)
    assert (docs[0].kind, docs[0].name) == ("ConfigMap", "b")
