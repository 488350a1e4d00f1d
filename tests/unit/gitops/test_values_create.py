"""`set_values(..., create=True)`: a missing key path is added as new lines, every other byte kept."""

from __future__ import annotations

import difflib

import pytest

from slipway.errors import ConfigError
from slipway.gitops.key_paths import At, Select
from slipway.gitops.values_edit import read_value, set_values

DIGEST = "sha256:" + "ab" * 32
PARAMETER = ("spec", "source", "helm", "parameters", Select("name", "image.tag"), "value")


def _added_only(before: str, after: str) -> list[str]:
    """The lines `after` adds to `before`; fails when any line of `before` changed or went."""
    ops = difflib.SequenceMatcher(None, before.splitlines(True), after.splitlines(True)).get_opcodes()
    assert all(op in ("equal", "insert") for op, *_ in ops), ops
    lines = after.splitlines(True)
    return [line for op, _, _, j1, j2 in ops if op == "insert" for line in lines[j1:j2]]


@pytest.mark.parametrize(
    ("before", "changes", "added"),
    [
        (  # after the mapping's last line, its comment kept on it, at the mapping's column
            "image:\n  repository: r  # c\n  tag: v1\nother: 1\n",
            {"image.digest": DIGEST},
            [f"  digest: {DIGEST}\n"],
        ),
        (  # the file's own indentation (4), for the key and for a new nested mapping
            "image:\n    repository: r\nother:\n    x: 1\n",
            {"image.tag": "v1", "extra.a.b": "c"},
            ["    tag: v1\n", "extra:\n", "    a:\n", "        b: c\n"],
        ),
        (  # a last line without a newline gets one, in the file's style
            "other: 1  # c",
            {"image.tag": "v1"},
            ["other: 1  # c\n", "image:\n", "  tag: v1"],
        ),
        ("", {"image.tag": "v1"}, ["image:\n", "  tag: v1\n"]),
        ("# only a comment\n", {"image.tag": "v1"}, ["image:\n", "  tag: v1\n"]),
        (  # a value that would not read back as a string is quoted
            "image:\n  tag: v1\n",
            {"image.digest": "", "image.pull": "true"},
            ['  digest: ""\n', '  pull: "true"\n'],
        ),
        (  # a block scalar's lines stay its own; the key goes after them
            "a:\n  s: |\n    text\n    # not a comment\nz: 1\n",
            {"a.t": "x"},
            ["  t: x\n"],
        ),
        (  # an item appended to an indentless list, as the file writes items
            "spec:\n  source:\n    helm:\n      parameters:\n      - name: a\n        value: b\n",
            {PARAMETER: "v1"},
            ["      - name: image.tag\n", "        value: v1\n"],
        ),
        (  # a key with no value gets a new list on the lines after it, after its comment
            "spec:\n  source:\n    helm:\n      parameters:   # none yet\n    path: chart\n",
            {PARAMETER: "v1"},
            ["        - name: image.tag\n", "          value: v1\n"],
        ),
        (  # a scalar item appended at a list's end (At(len))
            "images:\n  - a:v1\n",
            {("images", At(1)): "web=r:v2"},
            ['  - "web=r:v2"\n'],
        ),
        (  # a new list under a new key, with its item
            "kustomize: {}\nz: 1\n",
            {("spec", "images", At(0)): "r:v2"},
            ["spec:\n", "  images:\n", "    - r:v2\n"],
        ),
    ],
)
def test_missing_keys_and_items_become_new_lines(
    before: str, changes: dict[object, str], added: list[str]
) -> None:
    after = set_values(before, changes, "f.yaml", create=True)  # type: ignore[arg-type]
    if before.endswith("\n") or not before:
        assert _added_only(before, after) == added
    else:
        assert after == before + "\n" + "".join(added[1:])
    for key, value in changes.items():
        assert read_value(after, key) == value  # type: ignore[arg-type]
    assert set_values(after, changes, "f.yaml", create=True) == after  # type: ignore[arg-type]
    assert set_values(after, changes, "f.yaml") == after  # type: ignore[arg-type]


def test_flow_collections_get_a_new_entry_before_their_bracket() -> None:
    text = "image: {repository: r}   # flow\nimages: [a:v1]\nempty: {}\n"
    changes = {"image.tag": "v1", "image.digest": "x:y", ("images", At(1)): "web=r:v2", "empty.a": "b"}
    out = set_values(text, changes, create=True)  # type: ignore[arg-type]
    assert out == (
        'image: {repository: r, tag: v1, digest: "x:y"}   # flow\nimages: [a:v1, "web=r:v2"]\nempty: {a: b}\n'
    )
    nested = set_values("spec: {source: {}}\n", {PARAMETER: "v1"}, create=True)
    assert nested == "spec: {source: {helm: {parameters: [{name: image.tag, value: v1}]}}}\n"


def test_crlf_bom_comments_and_anchors_stay_byte_identical() -> None:
    text = (
        "\ufeff# values\r\ndefaults: &d   # shared\r\n  pullPolicy: IfNotPresent\r\n"
        "image:\r\n  <<: *d\r\n  repository: r   # the repo\r\n  tag: 'v1'\r\n\r\n# trailing\r\nz: *d\r\n"
    )
    out = set_values(text, {"image.tag": "v2", "image.digest": DIGEST, "new.key": "x"}, "f.yaml", create=True)
    assert out == (
        "\ufeff# values\r\ndefaults: &d   # shared\r\n  pullPolicy: IfNotPresent\r\n"
        f"image:\r\n  <<: *d\r\n  repository: r   # the repo\r\n  tag: 'v2'\r\n  digest: {DIGEST}\r\n\r\n"
        "# trailing\r\nz: *d\r\nnew:\r\n  key: x\r\n"
    )


def test_one_document_of_several_is_edited() -> None:
    text = "kind: A\nspec: {}\n---\nkind: B\nspec:\n  x: 1\n---\nkind: C\n"
    out = set_values(text, {"spec.z": "2"}, "f.yaml", create=True, document=1)
    assert out == text.replace("  x: 1\n", '  x: 1\n  z: "2"\n')
    assert read_value(out, "spec.z", document=1) == "2"
    with pytest.raises(ConfigError, match="has 3 documents, not a document 4"):
        read_value(text, "kind", "f.yaml", document=3)


@pytest.mark.parametrize(
    ("text", "key", "why"),
    [
        ("image: v1\n", "image.tag", "key path .image is the scalar 'v1', not a mapping"),
        ("image: [a]\n", "image.tag", "key path .image is a list, not a mapping"),
        ("image:\n  tag: ~\n", "image.tag.x", "key path .image.tag is empty, not a mapping"),
        ("image: {tag: }\n", "image.tag.x", "key path .image.tag is empty, not a mapping"),
        (
            "base: &b\n  repository: r\nimage: *b\n",
            "image.tag",
            "image.tag would be added under the anchor at line 1 (via alias *b); add it there or replace the alias",
        ),
        (
            "base: &b\n  nested: {}\nimage:\n  <<: *b\n",
            "image.nested.tag",
            "image.nested.tag would be added under the anchor at line 2 (via <<); add it there or remove the merge",
        ),
        (
            "a: 1\n",
            "list[name=x][name=y].tag",
            "key path .list is absent (the document has 'a'); list[name=x][name=y].tag cannot be added: "
            ".list[name=x] must be followed by a key",
        ),
    ],
)
def test_places_that_cannot_be_added_to_are_refused_saying_what_is_there(
    text: str, key: str, why: str
) -> None:
    with pytest.raises(ConfigError) as info:
        set_values(text, {key: "v"}, "f.yaml", create=True)
    assert str(info.value) == f"values: f.yaml: {why}"


def test_without_create_a_missing_key_is_refused_and_marked_addable() -> None:
    from slipway.gitops.values_edit import PlaceError

    with pytest.raises(PlaceError) as info:
        set_values("image:\n  tag: v1\n", {"image.digest": DIGEST}, "f.yaml")
    assert info.value.why == "key path .image.digest is absent (key path .image has 'tag')"
    assert info.value.absent
    with pytest.raises(PlaceError) as info:
        set_values("image: v1\n", {"image.digest": DIGEST}, "f.yaml")
    assert not info.value.absent
    assert read_value("image:\n  tag: v1\n", "image.digest", missing="") == ""
