"""Key paths with list selectors: `spec.template.spec.containers[name=api].image`."""

from __future__ import annotations

import pytest

from slipway.errors import ConfigError
from slipway.gitops.key_paths import At, Select, key_path, key_path_problem, path_text
from slipway.gitops.values_edit import read_value, set_values

DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
spec:
  template:
    spec:
      containers:
        # the app
        - name: api
          image: "localhost:5000/acme/api:v1"   # promoted by slipway
        - {name: cache, image: redis:7.2}
        - name: api-sidecar
          image: busybox
"""


@pytest.mark.parametrize(
    ("text", "steps"),
    [
        ("image.tag", ["image", "tag"]),
        (".image.tag", ["image", "tag"]),
        ("containers[name=api].image", ["containers", Select("name", "api"), "image"]),
        ("parameters[name=image.tag].value", ["parameters", Select("name", "image.tag"), "value"]),
        ("[name=a].b", [Select("name", "a"), "b"]),
        ("a[k=x=y].b", ["a", Select("k", "x=y"), "b"]),
    ],
)
def test_strings_parse_into_steps_and_print_back(text: str, steps: list[object]) -> None:
    assert key_path(text) == steps
    assert key_path_problem(text) is None
    assert path_text(key_path(text)).lstrip(".") == text.lstrip(".")


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("a[name].b", "bad selector [name] (write [key=value])"),
        ("a[=x].b", "bad selector [=x] (write [key=value])"),
        ("a[name=].b", "bad selector [name=] (write [key=value])"),
        ("a[name=x", "bad selector [name=x (write [key=value])"),
        ("a[name=x]b", "'b' follows a selector (separate keys with '.')"),
    ],
)
def test_malformed_selectors_are_refused_saying_how_to_write_them(text: str, why: str) -> None:
    assert key_path_problem(text) == why
    with pytest.raises(ConfigError) as info:
        key_path(text)
    assert str(info.value) == f"values: key path {text!r}: {why}"
    assert key_path_problem("") is None
    assert key_path_problem("..") == "names no key"


def test_a_selector_reads_and_edits_the_one_matching_item_only() -> None:
    key = "spec.template.spec.containers[name=api].image"
    assert read_value(DEPLOYMENT, key) == "localhost:5000/acme/api:v1"
    out = set_values(DEPLOYMENT, {key: "localhost:5000/acme/api:v2"})
    assert out == DEPLOYMENT.replace("api:v1", "api:v2")
    flow = "spec.template.spec.containers[name=cache].image"
    assert set_values(DEPLOYMENT, {flow: "redis:7.4"}) == DEPLOYMENT.replace("redis:7.2", '"redis:7.4"')
    assert read_value(DEPLOYMENT, ("spec", "template", "spec", "containers", At(2), "name")) == "api-sidecar"


@pytest.mark.parametrize(
    ("key", "why"),
    [
        (
            "spec.template.spec.containers[name=web].image",
            "key path .spec.template.spec.containers[name=web] matches no item "
            "(found name: 'api', 'cache', 'api-sidecar')",
        ),
        (
            "spec.template.spec[name=api].image",
            "key path .spec.template.spec is a mapping, not a list",
        ),
        (
            "spec.template.spec.containers[name=api].ports",
            "key path .spec.template.spec.containers[name=api].ports is absent "
            "(key path .spec.template.spec.containers[name=api] has 'name', 'image')",
        ),
        ("kind[name=api]", "key path .kind is the scalar 'Deployment', not a list"),
    ],
)
def test_a_selector_that_finds_no_place_says_what_it_found(key: str, why: str) -> None:
    with pytest.raises(ConfigError) as info:
        read_value(DEPLOYMENT, key, "deploy.yaml")
    assert str(info.value) == f"values: deploy.yaml: {why}"


def test_two_matching_items_are_refused_even_with_create() -> None:
    text = DEPLOYMENT + "        - name: api\n          image: x\n"
    key = "spec.template.spec.containers[name=api].image"
    with pytest.raises(ConfigError) as info:
        set_values(text, {key: "y"}, "deploy.yaml", create=True)
    assert str(info.value) == (
        "values: deploy.yaml: key path .spec.template.spec.containers[name=api] matches 2 items (lines 8, 13)"
    )
