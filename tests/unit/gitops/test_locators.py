"""Image locators: `keys` as before, and `kustomize-images` as `kustomize edit set image` means it."""

from __future__ import annotations

import difflib
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from slipway.config import parse_config
from slipway.errors import ConfigError
from slipway.gitops.locators import (
    ArgoHelmParametersLocator,
    ArgoHelmValuesLocator,
    ArgoKustomizeImagesLocator,
    HelmReleaseLocator,
    KeysLocator,
    KustomizeImagesLocator,
    Locator,
    locator_for,
)
from slipway.refs import ImageRef, parse_ref

REPO = "localhost:5000/acme/web"
SHA = "0123456789abcdef0123456789abcdef01234567"
DIGEST = "sha256:" + "ab" * 32
NAME = "k.yaml"
KUSTOMIZATION = f"""\
# web - dev overlay.
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - ../../base   # the shared base
images:
  # a sidecar, pinned by hand
  - name: redis
    newTag: '7.2'
  - name: {REPO}
    newName: {REPO}    # where CI publishes
    newTag: "{"0" * 40}"
    digest: ''
  - name: nginx
    newName: mirror.example/nginx
    newTag: "1.27"
    digest: sha256:{"cd" * 32}
replicas:
  - {{name: web, count: 1}}
"""


def _changed(before: str, after: str) -> list[str]:
    diff = difflib.unified_diff(before.splitlines(True), after.splitlines(True), n=0)
    return [d for d in diff if d[:1] in "+-" and not d.startswith(("+++", "---"))]


def _kustomize_sets(entry: dict[str, str], image: str) -> str:
    """What kustomize's image transformer makes of `image` with this `images:` entry."""
    name, tag, digest = image, "", ""
    name = entry.get("newName") or name
    if entry.get("newTag") or entry.get("digest"):
        tag, digest = entry.get("newTag") or "", entry.get("digest") or ""
    return name + (f":{tag}" if tag else "") + (f"@{digest}" if digest else "")


def _entry(text: str, name: str) -> dict[str, str]:
    images = YAML(typ="safe").load(text.lstrip("\ufeff"))["images"]
    [entry] = [e for e in images if e["name"] == name]
    return {k: str(v) if v is not None else "" for k, v in entry.items()}


@pytest.mark.parametrize(
    "image",
    [f"{REPO}:{SHA}", f"{REPO}:{SHA}@{DIGEST}", f"{REPO}@{DIGEST}", f"{REPO}:v1.2"],
)
def test_only_the_matching_entry_changes_and_kustomize_would_render_the_image(image: str) -> None:
    loc = KustomizeImagesLocator(REPO)
    ref = parse_ref(image)
    out = loc.write(KUSTOMIZATION, ref, NAME)
    assert loc.read(out, NAME) == ref
    assert _kustomize_sets(_entry(out, REPO), REPO) == image
    assert _entry(out, "redis") == _entry(KUSTOMIZATION, "redis")
    assert _entry(out, "nginx") == _entry(KUSTOMIZATION, "nginx")
    assert len(_changed(KUSTOMIZATION, out)) == 2 * (1 + bool(ref.digest))  # newTag (maybe ""), digest
    assert "newName" not in "".join(_changed(KUSTOMIZATION, out))  # the same repository: untouched


def test_quoting_and_comments_survive_and_the_old_image_reads_back() -> None:
    loc = KustomizeImagesLocator(REPO)
    assert loc.read(KUSTOMIZATION, NAME) == ImageRef(REPO, "0" * 40, "")
    out = loc.write(KUSTOMIZATION, parse_ref(f"{REPO}:{SHA}@{DIGEST}"), NAME)
    assert _changed(KUSTOMIZATION, out) == [
        f'-    newTag: "{"0" * 40}"\n',
        "-    digest: ''\n",
        f'+    newTag: "{SHA}"\n',
        f"+    digest: '{DIGEST}'\n",
    ]
    back = loc.write(out, ImageRef(REPO, "0" * 40), NAME)
    assert back == KUSTOMIZATION  # an image without a digest writes digest: "" (kustomize: no digest)


def test_crlf_and_bom_are_kept() -> None:
    text = "\ufeff" + KUSTOMIZATION.replace("\n", "\r\n")
    out = KustomizeImagesLocator(REPO).write(text, parse_ref(f"{REPO}:{SHA}@{DIGEST}"), NAME)
    assert out.startswith("\ufeff# web")
    assert out == text.replace("0" * 40, SHA).replace("digest: ''", f"digest: '{DIGEST}'")


def test_flow_style_lists_are_edited_in_place() -> None:
    text = f"images: [{{name: redis, newTag: '7'}}, {{name: {REPO}, newTag: v1, digest: ''}}]  # pinned\n"
    out = KustomizeImagesLocator(REPO).write(text, parse_ref(f"{REPO}:v2@{DIGEST}"), NAME)
    expected = f"images: [{{name: redis, newTag: '7'}}, {{name: {REPO}, newTag: v2, digest: '{DIGEST}'}}]  # pinned\n"
    assert out == expected
    assert KustomizeImagesLocator(REPO).read(out, NAME) == ImageRef(REPO, "v2", DIGEST)


def test_an_image_name_other_than_the_repository_gets_new_name() -> None:
    text = "images:\n- name: web\n  newName: old.example/web\n  newTag: v1\n"
    loc = KustomizeImagesLocator("web")
    assert loc.read(text, NAME) == ImageRef("old.example/web", "v1")
    out = loc.write(text, parse_ref(f"{REPO}:v2"), NAME)
    assert out == f"images:\n- name: web\n  newName: {REPO}\n  newTag: v2\n"
    assert (
        KustomizeImagesLocator(REPO).read(f"images:\n- name: {REPO}\n  newTag: v1\n", NAME).repository == REPO
    )


def test_rewriting_the_same_image_changes_nothing() -> None:
    loc = KustomizeImagesLocator(REPO)
    out = loc.write(KUSTOMIZATION, parse_ref(f"{REPO}:{SHA}"), NAME)
    assert loc.write(out, parse_ref(f"{REPO}:{SHA}"), NAME) == out
    flow = f"images: [{{name: {REPO}, newName: {REPO}, newTag: v1}}]\n"
    assert loc.write(flow, parse_ref(f"{REPO}:v1"), NAME) == flow  # not re-quoted


@pytest.mark.parametrize(
    ("text", "image", "why"),
    [
        ("kind: Kustomization\n", f"{REPO}:v1", f"no images: list (looking for the entry named '{REPO}')"),
        ("images:\n", f"{REPO}:v1", f"images: is empty, not a list (looking for the entry named '{REPO}')"),
        ("images: {name: x}\n", f"{REPO}:v1", "images: is a mapping, not a list"),
        (
            "images: []\n",
            f"{REPO}:v1",
            f"no images entry is named '{REPO}' (the list is empty; see gitops.image_name)",
        ),
        (
            "images:\n- name: redis\n- {newTag: v1}\n- name: nginx\n",
            f"{REPO}:v1",
            f"no images entry is named '{REPO}' (found 'redis', (no name), 'nginx'; see gitops.image_name)",
        ),
        (
            f"images:\n- name: {REPO}\n  newTag: a\n- name: redis\n- name: {REPO}\n  newTag: b\n",
            f"{REPO}:v1",
            f"2 images entries are named '{REPO}' (lines 2, 5); keep one",
        ),
        (
            f"images:\n- name: {REPO}\n  newTag: v1\n",
            f"{REPO}:v2@{DIGEST}",
            f"the images entry named '{REPO}' (line 2) has no digest key for the image's digest: "
            'add digest: "" to it',
        ),
        (
            f"images:\n- name: {REPO}\n  digest: ''\n",
            f"{REPO}:v2@{DIGEST}",
            'has no newTag key for the image\'s tag: add newTag: "" to it',
        ),
    ],
)
def test_no_entry_several_or_a_missing_key_is_refused_in_one_line(text: str, image: str, why: str) -> None:
    with pytest.raises(ConfigError) as info:
        KustomizeImagesLocator(REPO).write(text, parse_ref(image), "apps/web/overlays/dev/kustomization.yaml")
    message = str(info.value)
    assert message.startswith("values: apps/web/overlays/dev/kustomization.yaml: locator kustomize-images: ")
    assert why in message and "\n" not in message
    assert info.value.exit_code == 2


def test_a_missing_new_name_is_refused_only_when_it_needs_another_repository() -> None:
    text = "images:\n- name: web\n  newTag: v1\n"
    with pytest.raises(ConfigError, match=r"'web' \(line 2\) has no newName key for the image's repository"):
        KustomizeImagesLocator("web").write(text, parse_ref(f"{REPO}:v2"), NAME)
    assert KustomizeImagesLocator("web").read(text, NAME) == ImageRef("web", "v1")


def test_the_repository_check_reads_the_entry_or_nothing() -> None:
    loc = KustomizeImagesLocator(REPO)
    assert loc.repository(KUSTOMIZATION, NAME) == REPO
    assert loc.repository("images: []\n", NAME) == ""
    assert not loc.writes_repository


def test_keys_locator_reads_and_writes_as_before() -> None:
    text = "image:\n  repository: r  # c\n  tag: v1\n  digest: ''\n"
    assert KeysLocator().read(text, NAME) == ImageRef("r", "v1", "")
    assert KeysLocator().write(text, parse_ref(f"{REPO}:v2"), NAME) == text.replace("v1", "v2")
    with_repo = KeysLocator(repository_key="image.repository")
    assert with_repo.writes_repository and not KeysLocator().writes_repository
    assert with_repo.write(text, parse_ref(f"{REPO}:v2"), NAME) == text.replace("v1", "v2").replace(
        " r ", f" {REPO} "
    )
    assert KeysLocator().repository("image:\n  repository: r\n", NAME) == "r"  # no tag key needed
    assert KeysLocator(digest_key="").read("image:\n  tag: v1\n", NAME) == ImageRef("", "v1", "")


CONFIG = """\
app: web
image: {repository: localhost:5000/acme/web}
toolchain: go
deploy: {kind: kustomize, path: deploy/base}
environments: [{name: dev}]
"""


@pytest.mark.parametrize(
    ("gitops", "expected"),
    [
        ("", KeysLocator()),
        ("gitops: {tag_key: a.b, digest_key: '', repository_key: a.r}\n", KeysLocator("a.b", "", "a.r")),
        ("gitops: {locator: kustomize-images}\n", KustomizeImagesLocator(REPO)),
        ("gitops: {locator: kustomize-images, image_name: web}\n", KustomizeImagesLocator("web")),
        ("gitops: {locator: kustomize-images, create: true}\n", KustomizeImagesLocator(REPO, create=True)),
        ("gitops: {image_key: 'c[name=api].image'}\n", KeysLocator(image_key="c[name=api].image")),
        ("gitops: {locator: helmrelease, create: true}\n", HelmReleaseLocator(create=True)),
        ("gitops: {locator: argocd-helm-values, digest_key: ''}\n", ArgoHelmValuesLocator(digest_key="")),
        ("gitops: {locator: argocd-helm-parameters}\n", ArgoHelmParametersLocator()),
        ("gitops: {locator: argocd-kustomize-images, image_name: w}\n", ArgoKustomizeImagesLocator("w")),
    ],
)
def test_the_config_picks_the_locator(gitops: str, expected: Locator) -> None:
    config = parse_config(CONFIG + gitops, Path("slipway.yaml"))
    assert locator_for(config.gitops, config.repository) == expected


def test_the_config_checks_key_paths_and_names_the_locators() -> None:
    with pytest.raises(ConfigError) as info:
        parse_config(CONFIG + "gitops: {tag_key: 'a[name].tag', locator: argo}\n", Path("slipway.yaml"))
    message = str(info.value)
    assert "6: gitops.tag_key: bad selector [name] (write [key=value])" in message
    assert "argocd-helm-parameters" in message and "helmrelease" in message


def test_a_missing_key_names_the_locator_and_how_to_add_it() -> None:
    with pytest.raises(ConfigError) as info:
        KeysLocator().write("image:\n  tag: v1\n", parse_ref(f"{REPO}:{SHA}@{DIGEST}"), "v.yaml")
    assert str(info.value) == (
        "values: v.yaml: locator keys: key path .image.digest is absent (key path .image has 'tag'); "
        "set gitops.create: true to add it"
    )
    with pytest.raises(ConfigError) as info:
        KustomizeImagesLocator(REPO).write(
            f"images:\n- name: {REPO}\n  newTag: v1\n", parse_ref(f"{REPO}:v2@{DIGEST}"), NAME
        )
    assert str(info.value).endswith('add digest: "" to it; set gitops.create: true to add it')


def test_kustomize_images_with_create_adds_the_entry_and_its_keys() -> None:
    loc = KustomizeImagesLocator(REPO, create=True)
    text = "images:\n  - name: redis\n    newTag: '7.2'\n"
    assert loc.read(text, NAME) == ImageRef("")
    out = loc.write(text, parse_ref(f"{REPO}:v2@{DIGEST}"), NAME)
    assert out == text + f"  - name: {REPO}\n    newTag: v2\n    digest: {DIGEST}\n"
    assert _kustomize_sets(_entry(out, REPO), REPO) == f"{REPO}:v2@{DIGEST}"
    keyless = f"images:\n  - name: {REPO}\n    newTag: v1\n"
    assert (
        loc.write(keyless, parse_ref(f"{REPO}:v2@{DIGEST}"), NAME)
        == keyless.replace("v1", "v2") + f"    digest: {DIGEST}\n"
    )
    empty = "resources: [../base]\nimages:\n"
    assert loc.write(empty, parse_ref(f"{REPO}:v2"), NAME) == empty + f"  - name: {REPO}\n    newTag: v2\n"
    assert loc.write("kind: Kustomization\n", parse_ref("other.example/web:v2"), NAME) == (
        f"kind: Kustomization\nimages:\n  - name: {REPO}\n    newName: other.example/web\n    newTag: v2\n"
    )


LAYOUT = Path(__file__).resolve().parents[3] / "examples" / "gitops-layouts" / "kustomize-images" / "apps"


@pytest.mark.parametrize("path", sorted(LAYOUT.glob("*/overlays/*/kustomization.yaml")), ids=str)
def test_the_example_layout_changes_exactly_the_image_and_restores(path: Path) -> None:
    loc = KustomizeImagesLocator("localhost:5000/slipway-examples/web-api")
    before = path.read_text()
    old = loc.read(before, path.name)
    out = loc.write(before, ImageRef(old.repository, SHA, DIGEST), path.name)
    assert len(_changed(before, out)) == 4  # newTag and digest, out and in
    assert loc.write(out, old, path.name) == before
